// Reading Shopify order snapshots inside the workflow (pure functions): what Vinoshipper sees,
// whether the order may be sent at all, whether its payment allows it yet.
import type { OrderSettings, OrderSnapshot } from '../../domain';

/**
 * The parts of an order that Vinoshipper sees. An update that leaves them unchanged (a tag, a
 * metafield, the echo of our own write-back) is not a correction and never causes a resend.
 */
export function relevantFingerprint(s: OrderSnapshot): string {
  return JSON.stringify([
    s.lineItems.map((l) => [l.sku, l.quantity, l.price]),
    s.shippingAddress,
    s.billingAddress,
    s.customer,
    s.email,
    s.phone,
    s.noteAttributes,
    s.totalPrice,
    s.totalTax,
    s.totalShipping,
  ]);
}

/**
 * Everything the workflow acts on. Two deliveries with the same `updated_at` are one change only
 * if this is equal too: Shopify's timestamps have one-second resolution, and a payment or a
 * cancellation can land in the same second as the change before it.
 */
export function fullFingerprint(s: OrderSnapshot, relevant = relevantFingerprint(s)): string {
  return JSON.stringify([relevant, s.financialStatus, s.cancelledAt, s.fulfillmentStatus, s.tags]);
}

export type PaymentDecision = 'send' | 'wait';

/**
 * Vinoshipper is told the order was paid elsewhere (`isPaid`), so only a paid order goes:
 * `pending` and `partially_paid` wait; `authorized` (manual capture) waits unless the winery
 * captures at shipment; an unknown status waits (a person can look). `partially_refunded` is paid:
 * its line items already carry the remaining quantities. Voided, expired and refunded orders never
 * get here (see `shopifyClosing`).
 */
export function paymentDecision(s: OrderSnapshot, settings: Pick<OrderSettings, 'authorizedPayments'>): PaymentDecision {
  switch (s.financialStatus) {
    case null:
    case 'paid':
    case 'partially_refunded':
      return 'send';
    case 'authorized':
      return settings.authorizedPayments;
    default:
      return 'wait';
  }
}

/** Shopify closed the order (cancelled it, refunded it in full, voided or let expire its payment). */
export function shopifyClosing(s: OrderSnapshot): { outcome: 'refunded' | 'cancelled'; reason: string } | null {
  if (s.cancelledAt) return { outcome: 'cancelled', reason: 'Cancelled in Shopify' };
  if (s.financialStatus === 'refunded') return { outcome: 'refunded', reason: 'Refunded in Shopify' };
  if (s.financialStatus === 'voided') return { outcome: 'cancelled', reason: 'Payment voided in Shopify' };
  if (s.financialStatus === 'expired') return { outcome: 'cancelled', reason: 'Payment authorization expired in Shopify' };
  return null;
}

/** Fulfilled (in part or in full) outside cellarhand: sending it now would ship it twice. */
export function fulfilledInShopify(s: OrderSnapshot): boolean {
  return s.fulfillmentStatus === 'fulfilled' || s.fulfillmentStatus === 'partial';
}

/**
 * Why an order that cellarhand meets for the first time must never be sent (e.g. an `orders/updated`
 * or a reconciliation run about an old order): already closed or fulfilled, or placed before the
 * cut-off (by default the install time). null: it may be sent.
 */
export function neverSendReason(s: OrderSnapshot, settings: Pick<OrderSettings, 'ordersCreatedAfter'>): string | null {
  const closing = shopifyClosing(s);
  if (closing) return `${closing.reason.toLowerCase()} before cellarhand saw it`;
  if (fulfilledInShopify(s)) return `already ${s.fulfillmentStatus === 'partial' ? 'partly ' : ''}fulfilled in Shopify`;
  // An imported order keeps its original date in processed_at: that is when it was placed.
  const placedAt = s.processedAt ?? s.createdAt;
  if (settings.ordersCreatedAfter && Date.parse(placedAt) < Date.parse(settings.ordersCreatedAfter)) {
    return `placed on ${placedAt}, before the sync cut-off (${settings.ordersCreatedAfter})`;
  }
  return null;
}

/** Why the order is not synced for now (resumable): the shop's switch, or the skip tag. */
export function exclusionReason(s: OrderSnapshot, syncEnabled: boolean, excludeTag: string): string | null {
  if (!syncEnabled) return 'sync is turned off';
  if (s.tags.includes(excludeTag)) return `the order is tagged “${excludeTag}”`;
  return null;
}
