// A Shopify order snapshot as a Vinoshipper order request. Missing data is sent empty rather than
// invented: Vinoshipper is the validator, and its refusal names the field the merchant must fix.
import type { OrderAddress, OrderSnapshot } from '../../domain/order';
import type { VinoshipperAddress, VinoshipperOrderRequest } from './types';

export interface MappingOptions {
  vinoshipperOrderNumber: string;
  /** Name of the note attribute the age gate fills with the date of birth. */
  dateOfBirthAttribute: string;
  shippingRate: { carrier: string; rateCode: string };
}

export function toVinoshipperOrder(snapshot: OrderSnapshot, opts: MappingOptions): VinoshipperOrderRequest {
  const ship = snapshot.shippingAddress;
  const bill = snapshot.billingAddress ?? ship;
  const dateOfBirth = parseDateOfBirth(snapshot.noteAttributes.find((a) => a.name === opts.dateOfBirthAttribute)?.value);
  const phone = snapshot.phone ?? bill?.phone ?? ship?.phone ?? null;
  const shipToPhone = ship?.phone ?? snapshot.phone;

  return {
    orderNumber: opts.vinoshipperOrderNumber,
    orderDate: snapshot.createdAt,
    productIdType: 'SKU',
    products: snapshot.lineItems
      .filter((item) => item.quantity > 0) // lines removed by an order edit stay with quantity 0
      .map((item) => ({ productId: item.sku?.trim() ?? '', quantity: item.quantity, price: money(item.price) })),
    customer: {
      email: snapshot.email ?? '',
      firstName: snapshot.customer?.firstName ?? bill?.firstName ?? ship?.firstName ?? '',
      lastName: snapshot.customer?.lastName ?? bill?.lastName ?? ship?.lastName ?? '',
      ...(phone ? { phone } : {}),
      ...(dateOfBirth ? { dateOfBirth } : {}),
      ...(bill ? { address: toAddress(bill) } : {}),
    },
    shipToAddress: {
      ...toAddress(ship),
      firstName: ship?.firstName ?? snapshot.customer?.firstName ?? '',
      lastName: ship?.lastName ?? snapshot.customer?.lastName ?? '',
      ...(shipToPhone ? { phone: { number: shipToPhone, country: ship?.countryCode ?? 'US' } } : {}),
    },
    shippingRate: { carrier: opts.shippingRate.carrier, rateCode: opts.shippingRate.rateCode },
    totalPrice: money(snapshot.totalPrice),
    shippingPrice: money(snapshot.totalShipping),
    tax: money(snapshot.totalTax),
    isPaid: true, // Shopify captured the payment; Vinoshipper must not charge again
  };
}

function toAddress(a: OrderAddress | null): VinoshipperAddress {
  return {
    street1: a?.address1 ?? '',
    ...(a?.address2 ? { street2: a.address2 } : {}),
    city: a?.city ?? '',
    postalCode: a?.zip ?? '',
    stateCode: a?.provinceCode ?? '',
    country: a?.countryCode ?? 'US',
  };
}

/** Shopify's decimal strings as numbers, rounded to cents. */
function money(value: string): number {
  return Math.round(Number(value) * 100) / 100;
}

/** "1990-04-23" or "04/23/1990" (the US order an age gate shows); anything else, or an impossible date, is null. */
export function parseDateOfBirth(value: string | undefined): { day: number; month: number; year: number } | null {
  const text = value?.trim() ?? '';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : [];
  if (!year || !month || !day) return null;
  const date = { day: Number(day), month: Number(month), year: Number(year) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const real = check.getUTCFullYear() === date.year && check.getUTCMonth() === date.month - 1 && check.getUTCDate() === date.day;
  return real && date.year >= 1900 && check.getTime() <= Date.now() ? date : null;
}
