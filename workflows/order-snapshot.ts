// Reading Shopify order snapshots inside the workflow (pure functions).
import type { OrderSnapshot } from '../domain';

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
 * Vinoshipper is told the order was paid elsewhere (`isPaid`), so an order whose payment is still
 * pending in Shopify (e.g. bank transfer) waits for `orders/paid` before it is sent.
 */
export function isPaymentPending(s: OrderSnapshot): boolean {
  return s.financialStatus === 'pending';
}
