// What the newest Shopify snapshot says about the order as a whole: closed in Shopify (cancelled,
// refunded, payment voided or expired), fulfilled elsewhere before it reached Vinoshipper, or
// skipped — and resumed when the skip tag goes or sync is back on.
import type { OrderContext } from './context';
import { refundSeenInShopify, startClosing } from './closing';
import { exclusionReason, fulfilledInShopify, neverSendReason, shopifyClosing } from './snapshot';

/** What the newest Shopify snapshot says about the order as a whole: closed, fulfilled elsewhere, skipped or not. */
export function applyShopifyState(o: OrderContext): void {
  const { record, snapshot, settings } = o;
  const closedInShopify = shopifyClosing(snapshot);
  if (closedInShopify?.outcome === 'refunded') refundSeenInShopify(o);
  if (closedInShopify && !record.closing) {
    if (closedInShopify.outcome === 'refunded') record.refunded = true;
    startClosing(o, closedInShopify.outcome, { reason: closedInShopify.reason, by: 'shopify' });
  }
  if (record.closing || record.putAttempted || record.skip?.final) return;
  // Not in Vinoshipper yet: it may still be fulfilled elsewhere, or be (un)skipped.
  if (fulfilledInShopify(snapshot)) {
    skip(o, 'fulfilled in Shopify before it reached Vinoshipper', true);
    return;
  }
  const excluded = exclusionReason(snapshot, record.syncEnabled, settings.excludeTag);
  if (excluded && !record.skip) skip(o, excluded, false);
  else if (!excluded && record.skip) {
    const never = neverSendReason(snapshot, settings);
    if (never) skip(o, never, true);
    else {
      record.note('resumed', `Syncing again: ${record.skip.reason} no longer applies.`);
      record.skip = null;
      record.setStatus(record.issue ? 'needs_attention' : 'syncing');
    }
  }
}

export function skip(o: OrderContext, reason: string, final: boolean): void {
  const { record } = o;
  record.skip = { final, reason, since: Date.now() };
  record.note('skipped', `Not sent to Vinoshipper: ${reason}${final ? '' : ' (it is sent once that changes)'}.`);
  record.setStatus('skipped');
}
