// The REST order JSON that Shopify's order webhooks carry, and how it becomes an OrderSnapshot.
// Lenient on everything we do not read (extra fields are dropped), strict on what the sync needs.
import { z } from 'zod';
import type { OrderAddress, OrderSnapshot } from '../../domain/order';
import { isShopifyId } from './ids';
import { normalizeMoney } from './money';

/**
 * Shopify REST ids are JSON numbers; parseShopifyJson hands over those above 2^53 as digit strings,
 * and digit strings are accepted as such. Either way the id is kept as its exact decimal string.
 */
export const shopifyIdSchema = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string()])
  .transform(String)
  .refine(isShopifyId, 'must be a Shopify id (a positive 64-bit integer)');

const moneySchema = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "29.99"');
const timestampSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp' });
const text = z.string().nullish();

const addressSchema = z.object({
  first_name: text,
  last_name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province_code: text,
  zip: text,
  country_code: text,
  phone: text,
});

const lineItemSchema = z.object({
  id: shopifyIdSchema,
  sku: text,
  title: z.string(),
  quantity: z.number().int().nonnegative(),
  /** Quantity after order edits (removed units); absent on older payloads. */
  current_quantity: z.number().int().nonnegative().nullish(),
  price: moneySchema,
});

export const shopifyOrderPayloadSchema = z.object({
  id: shopifyIdSchema,
  name: z.string().min(1),
  order_number: z.number().int().positive(),
  created_at: timestampSchema,
  /** When the order was placed; an order imported from elsewhere keeps its original date here. */
  processed_at: timestampSchema.nullish(),
  updated_at: timestampSchema,
  cancelled_at: timestampSchema.nullish(),
  financial_status: text,
  fulfillment_status: text,
  email: text,
  phone: text,
  customer: z.object({ first_name: text, last_name: text }).nullish(),
  shipping_address: addressSchema.nullish(),
  billing_address: addressSchema.nullish(),
  line_items: z.array(lineItemSchema),
  note_attributes: z.array(z.object({ name: z.string(), value: text })).nullish(),
  tags: text,
  currency: text,
  total_price: moneySchema.nullish(),
  subtotal_price: moneySchema.nullish(),
  total_tax: moneySchema.nullish(),
  total_shipping_price_set: z.object({ shop_money: z.object({ amount: moneySchema }) }).nullish(),
});

export type ShopifyOrderPayload = z.infer<typeof shopifyOrderPayloadSchema>;

/**
 * Timestamps in one form (UTC, milliseconds): webhooks say "-05:00", GraphQL says "Z", and the
 * workflow orders snapshots by comparing these strings.
 */
export function utcTimestamp(value: string): string {
  return new Date(value).toISOString();
}

export function toOrderSnapshot(payload: ShopifyOrderPayload): OrderSnapshot {
  return {
    shopifyOrderId: payload.id,
    name: payload.name,
    orderNumber: payload.order_number,
    createdAt: utcTimestamp(payload.created_at),
    processedAt: payload.processed_at ? utcTimestamp(payload.processed_at) : null,
    updatedAt: utcTimestamp(payload.updated_at),
    cancelledAt: payload.cancelled_at ? utcTimestamp(payload.cancelled_at) : null,
    financialStatus: payload.financial_status ?? null,
    fulfillmentStatus: payload.fulfillment_status ?? null,
    email: payload.email ?? null,
    phone: payload.phone ?? null,
    customer: payload.customer ? { firstName: payload.customer.first_name ?? null, lastName: payload.customer.last_name ?? null } : null,
    shippingAddress: toAddress(payload.shipping_address),
    billingAddress: toAddress(payload.billing_address),
    // Lines an order edit removed stay in the payload with a current quantity of 0: not part of the order any more.
    lineItems: payload.line_items
      .map((line) => ({
        id: line.id,
        sku: line.sku ?? null,
        title: line.title,
        quantity: line.current_quantity ?? line.quantity,
        price: normalizeMoney(line.price),
      }))
      .filter((line) => line.quantity > 0),
    noteAttributes: (payload.note_attributes ?? []).map((a) => ({ name: a.name, value: a.value ?? '' })),
    tags: splitTags(payload.tags),
    // Absent amounts only happen on hand-made payloads; Vinoshipper shops are USD shops.
    currency: payload.currency ?? 'USD',
    totalPrice: normalizeMoney(payload.total_price ?? '0'),
    subtotalPrice: normalizeMoney(payload.subtotal_price ?? '0'),
    totalTax: normalizeMoney(payload.total_tax ?? '0'),
    totalShipping: normalizeMoney(payload.total_shipping_price_set?.shop_money.amount ?? '0'),
  };
}

/** REST tags are one comma-separated string: "vip, gift" → ['vip', 'gift']. */
export function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function toAddress(a: z.infer<typeof addressSchema> | null | undefined): OrderAddress | null {
  if (!a) return null;
  return {
    firstName: a.first_name ?? null,
    lastName: a.last_name ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    provinceCode: a.province_code ?? null,
    zip: a.zip ?? null,
    countryCode: a.country_code ?? null,
    phone: a.phone ?? null,
  };
}
