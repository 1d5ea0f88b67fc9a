// Refund and cancel — and Shopify closing the order by itself (cancelled, refunded, payment voided).
// Whichever way an order is closed, it is never sent, resent or fulfilled again, and any copy
// Vinoshipper may hold is cancelled: after any PUT attempt, even one whose answer never came.
// Each compensation runs once, whatever signals repeat.
import { patched } from '@temporalio/workflow';
import type { OrderRequestAnswer, PersonRequest, UnconfirmedRefund } from '../../domain';
import type { OrderContext } from './context';
import { failureMessage, shopifyRefused } from '../failures';
import { by } from './requests';

/** The order is closing from now on; with no PUT ever attempted there is nothing to cancel in Vinoshipper. */
export function startClosing(o: OrderContext, outcome: 'refunded' | 'cancelled', request: PersonRequest): void {
  const { record } = o;
  if (record.closing) {
    // A refund on an order already being cancelled: it ends refunded. One that Vinoshipper had
    // already shipped is settled by the refund (the return is a person's to arrange).
    if (outcome === 'refunded') {
      const shipped = record.closing.vinoshipper === 'shipped';
      record.closing = { ...record.closing, outcome, reason: request.reason, by: request.by, vinoshipper: shipped ? 'done' : record.closing.vinoshipper };
    }
    return;
  }
  record.closing = { outcome, reason: request.reason, by: request.by, vinoshipper: record.putAttempted ? 'pending' : 'done' };
  record.note('closing', `${outcome === 'refunded' ? 'Refunded' : 'Cancelled'}${by(request.by)}: ${request.reason}.`);
  record.showDetails();
}

/**
 * Full refund in Shopify (once); then the order closes. The answer says what happened. A refund
 * Shopify neither made nor refused for certain is held as unconfirmed (`confirmRefund`).
 */
export async function refund(o: OrderContext, request: PersonRequest): Promise<OrderRequestAnswer> {
  const { record } = o;
  record.refundAttempts += 1;
  const pending: UnconfirmedRefund = { reason: request.reason, by: request.by, attempt: record.refundAttempts };
  const result = await refundInShopify(o, pending);
  if (result.kind === 'done') {
    refunded(o, pending);
    return { outcome: 'done', status: 'refunded', message: 'Refunded in full in Shopify.' };
  }
  // Orders that failed a refund before this change answered "failed" and carried on: their replay must too.
  if (result.kind === 'refused' || !patched(REFUND_HOLD_PATCH)) {
    const message = `The refund in Shopify failed: ${result.message}`;
    record.note('refund_failed', message);
    return { outcome: 'failed', status: record.status, message };
  }
  record.refundUnconfirmed = pending;
  await o.raiseIssue('refund_unconfirmed', unconfirmedDetails(result.message));
  return {
    outcome: 'waiting',
    status: record.status,
    message:
      'Shopify did not confirm the refund. Nothing is sent to Vinoshipper or fulfilled until it does; cellarhand asks Shopify again (never refunding twice).',
  };
}

/**
 * A refund Shopify may have made is asked for again with the same idempotency key: Shopify returns
 * the refund it made, or makes it now. Until Shopify answers, the order holds (order.ts).
 */
export async function confirmRefund(o: OrderContext): Promise<void> {
  const { record } = o;
  const pending = record.refundUnconfirmed!;
  const result = await refundInShopify(o, pending);
  if (result.kind === 'unknown') return await o.raiseIssue('refund_unconfirmed', unconfirmedDetails(result.message));
  if (result.kind === 'done') return refunded(o, pending);
  record.refundUnconfirmed = null;
  if (record.issue?.type === 'refund_unconfirmed') record.closeIssue(`Shopify refused the refund: ${result.message}`);
  record.note('refund_failed', `The refund in Shopify failed: ${result.message}`);
  if (!record.issue) record.setStatus(record.skip ? 'skipped' : record.phase === 'watch' ? 'submitted' : 'syncing');
  record.quietLooks = 0;
  await o.noticeOnce('refund-refused', 'Refund not made', `Shopify refused the refund of order ${o.snapshot.name}: ${result.message}`, [
    'Check the order in Shopify and refund it there, or send “refund” again.',
  ]);
}

/** Shopify reports the order refunded (its own update): an unconfirmed refund is confirmed by it. */
export function refundSeenInShopify(o: OrderContext): void {
  const pending = o.record.refundUnconfirmed;
  if (pending) refunded(o, pending);
}

const REFUND_HOLD_PATCH = 'refund-unconfirmed-holds-the-order';

type RefundResult = { kind: 'done' } | { kind: 'refused' | 'unknown'; message: string };

async function refundInShopify(o: OrderContext, pending: UnconfirmedRefund): Promise<RefundResult> {
  o.record.flushAttributes();
  try {
    await o.activities.shopify.refundShopifyOrder({
      shopifyOrderId: o.snapshot.shopifyOrderId,
      reason: pending.reason,
      idempotencyKey: `${o.workflowId}/refund/${pending.attempt}`,
    });
    return { kind: 'done' };
  } catch (err) {
    return { kind: shopifyRefused(err) ? 'refused' : 'unknown', message: failureMessage(err) };
  }
}

function refunded(o: OrderContext, request: UnconfirmedRefund): void {
  const { record } = o;
  if (record.refundUnconfirmed) {
    record.refundUnconfirmed = null;
    if (record.issue?.type === 'refund_unconfirmed') record.closeIssue('Shopify confirmed the refund');
  }
  record.refunded = true;
  record.note('refunded', `Refunded in full in Shopify${by(request.by)}: ${request.reason}`);
  startClosing(o, 'refunded', request);
}

function unconfirmedDetails(cause: string): string {
  return `A refund was asked for, but Shopify did not confirm it (${cause}). It may have been made: the order is held — nothing is sent to Vinoshipper or fulfilled — and cellarhand asks Shopify again.`;
}

type VinoshipperCancellation = 'done' | 'shipped' | 'not_accepted' | 'unreachable';

/** Cancels the Vinoshipper copy; a 404 there is a clean "nothing to cancel". */
async function cancelInVinoshipper(o: OrderContext): Promise<VinoshipperCancellation> {
  const { record } = o;
  const number = o.vinoshipperOrderNumber;
  record.flushAttributes();
  try {
    const result = await o.activities.vinoshipper.cancelVinoshipperOrder(number);
    if (result.cancelled) {
      record.note('vinoshipper_cancelled', `Cancelled Vinoshipper order ${number}.`);
      return 'done';
    }
    switch (result.reason) {
      case 'not_found':
        record.note('vinoshipper_not_cancelled', `Vinoshipper has no order ${number}: nothing to cancel.`);
        return 'done';
      case 'already_cancelled':
        record.note('vinoshipper_not_cancelled', `Vinoshipper order ${number} was already cancelled.`);
        return 'done';
      case 'not_accepted':
        return 'not_accepted';
      case 'already_shipped':
        record.note('vinoshipper_not_cancelled', `Vinoshipper order ${number} has already shipped (or gone to fulfilment).`);
        return 'shipped';
    }
  } catch (err) {
    record.note('vinoshipper_cancel_failed', `Could not cancel Vinoshipper order ${number}: ${failureMessage(err)}`);
    return 'unreachable';
  }
}

/**
 * One step of closing: cancel the Vinoshipper copy if it is still pending. True when the order is
 * closed for good. While Vinoshipper is unreachable, or has not accepted the order yet (it cancels
 * only accepted orders), the issue shows it and the next look tries again; once shipped, a person
 * handles it (`markResolved`, or `refund` when the customer is owed one).
 */
export async function closingStep(o: OrderContext): Promise<boolean> {
  const { record } = o;
  const closing = record.closing!;
  const number = o.vinoshipperOrderNumber;
  if (closing.vinoshipper === 'pending') {
    const result = await cancelInVinoshipper(o);
    if (result === 'done') closing.vinoshipper = 'done';
    else if (result === 'shipped') {
      closing.vinoshipper = 'shipped';
      if (closing.outcome === 'refunded') {
        await o.noticeOnce(
          'refund-notice',
          'Refunded, but Vinoshipper already shipped',
          `Order ${o.snapshot.name} was refunded in Shopify, but Vinoshipper order ${number} had already shipped (or gone to fulfilment).`,
          ['Contact Vinoshipper customer service and the customer about a return.'],
        );
        closing.vinoshipper = 'done';
      } else {
        await o.raiseIssue('cancellation_failed', `The order was cancelled (${closing.reason}) but Vinoshipper order ${number} has already shipped.`);
      }
    } else if (result === 'not_accepted') {
      await o.raiseIssue(
        'cancellation_failed',
        `The order was ${closing.outcome} (${closing.reason}) but Vinoshipper has not accepted order ${number} yet, and cancels only accepted orders. Cancel or delete it in Vinoshipper; cellarhand keeps trying.`,
      );
    } else {
      await o.raiseIssue(
        'vinoshipper_unreachable',
        `The order was ${closing.outcome} (${closing.reason}) but Vinoshipper could not be reached to cancel order ${number}; cellarhand will try again.`,
        { causeKey: 'outage' },
      );
    }
  }
  // Cancelled while a refund is unconfirmed: the order ends once Shopify says whether it was refunded.
  if (closing.vinoshipper !== 'done' || record.refundUnconfirmed) return false;
  record.closeIssue(`the order was ${closing.outcome}`);
  record.note(closing.outcome, `Order ${closing.outcome}${by(closing.by)}: ${closing.reason}.`);
  record.setStatus(closing.outcome);
  return true;
}
