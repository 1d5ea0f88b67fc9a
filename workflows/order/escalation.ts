// Waiting, and what happens when nobody acts. The order waits for news (a Shopify update, a
// Vinoshipper webhook, a person's request) — for free: no timer, no activity — with a safety-net look
// that backs off while nothing happens. On the way the escalation steps fall due: the reminder of an
// open issue, the automatic refund of an unresolved compliance issue (when turned on), the
// `payment_pending` issue of an order that waits too long for payment, and the end of a skipped
// order's wait to be resumed.
import { condition } from '@temporalio/workflow';
import { ISSUE_WORDING } from '../../domain';
import type { OrderContext } from './context';
import { paymentDecision } from './snapshot';

/** Vinoshipper being down is retried more often than a quiet order is re-read, but at least hourly. */
const MAX_UNREACHABLE_RETRY_MS = 3_600_000;

/** How long until the next safety-net look; Infinity when only an event can move the order. */
export function nextLookIn(o: OrderContext): number {
  const { record, settings } = o;
  const backoff = settings.recheckBackoffMs;
  const step = backoff[Math.min(record.quietLooks, backoff.length - 1)];
  // An outage's cadence: Shopify not answering about a refund (whatever else the order waits for), or Vinoshipper down.
  const outageCadence = () =>
    Math.min(
      Math.max(settings.unreachableRetryIntervalMs * 2 ** record.quietLooks, settings.unreachableRetryIntervalMs),
      Math.max(MAX_UNREACHABLE_RETRY_MS, settings.unreachableRetryIntervalMs),
    );
  if (record.refundUnconfirmed) return outageCadence();
  if (record.closing?.vinoshipper === 'shipped' || (record.closing && record.closing.vinoshipper === 'done')) return Infinity;
  if (record.skip) return Infinity;
  if (record.issue?.type === 'vinoshipper_unreachable') return outageCadence();
  if (record.closing) return step;
  if (record.phase === 'submit' && paymentDecision(o.snapshot, settings) === 'wait') return Infinity;
  return step;
}

/**
 * Waits for news or until the next look is due, running the escalation steps that fall due on the
 * way. Returns when the loop has something to do.
 */
export async function waitForNews(o: OrderContext): Promise<void> {
  const { requests, record } = o;
  record.flushAttributes();
  const lookAt = Date.now() + nextLookIn(o);
  for (;;) {
    const due = Math.min(lookAt, escalationDueAt(o));
    const news =
      due === Infinity ? (await condition(() => requests.hasNews()), true) : await condition(() => requests.hasNews(), Math.max(due - Date.now(), 1));
    if (news) {
      record.quietLooks = 0;
      return;
    }
    await escalateIfDue(o);
    if (requests.hasNews() || skipWindowOver(o)) return;
    if (Date.now() >= lookAt) {
      requests.pending.lookDue = true;
      record.quietLooks += 1;
      return;
    }
  }
}

/** A skipped order that was not resumed in time ends as skipped. */
export function skipWindowOver(o: OrderContext): boolean {
  const end = skipWindowEnd(o);
  return end !== null && Date.now() >= end;
}

/** When a skipped order stops waiting to be resumed: never for a final skip, nor while a refund Shopify may have made decides its fate. */
function skipWindowEnd(o: OrderContext): number | null {
  const { skip, refundUnconfirmed } = o.record;
  return skip && !skip.final && !refundUnconfirmed ? skip.since + o.settings.skippedResumeWindowMs : null;
}

/** Waiting for payment, with its reminder due in time: not while a refund Shopify may have made decides the order's fate. */
function paymentWaitingSince(o: OrderContext): number | null {
  return o.record.refundUnconfirmed ? null : o.record.paymentWaitSince;
}

function escalationDueAt(o: OrderContext): number {
  const { record, settings } = o;
  const times: number[] = [];
  const issue = record.issue;
  if (issue) {
    if (record.reminderSentAt === null) times.push(Date.parse(issue.since) + settings.reminderAfterMs);
    else if (autoRefundArmed(o)) times.push(record.reminderSentAt + settings.autoRefundAfterMs);
  }
  const paymentWait = paymentWaitingSince(o);
  if (paymentWait !== null && issue?.type !== 'payment_pending') times.push(paymentWait + settings.paymentReminderAfterMs);
  const skipEnd = skipWindowEnd(o);
  if (skipEnd !== null) times.push(skipEnd);
  return times.length ? Math.min(...times) : Infinity;
}

function autoRefundArmed(o: OrderContext): boolean {
  const issue = o.record.issue;
  return (
    !!issue && issue.type === 'compliance_failed' && o.settings.autoRefundEnabled && o.record.autoRefundedOccurrence !== issue.occurrence && !o.record.refunded
  );
}

async function escalateIfDue(o: OrderContext): Promise<void> {
  const { record, settings, requests } = o;
  const now = Date.now();
  const paymentWait = paymentWaitingSince(o);
  if (paymentWait !== null && record.issue?.type !== 'payment_pending' && now >= paymentWait + settings.paymentReminderAfterMs) {
    await o.raiseIssue(
      'payment_pending',
      `Order ${o.snapshot.name} has been waiting for payment since ${new Date(paymentWait).toISOString()} (Shopify says “${o.snapshot.financialStatus ?? 'unknown'}”). It is sent to Vinoshipper once Shopify reports it paid.`,
    );
    return;
  }
  const issue = record.issue;
  if (!issue) return;
  if (record.reminderSentAt === null && now >= Date.parse(issue.since) + settings.reminderAfterMs) {
    record.reminderSentAt = now;
    record.note('reminder_due', `The issue has been open since ${issue.since}; reminding the merchant.`);
    const steps =
      issue.type === 'compliance_failed' && settings.autoRefundEnabled
        ? [...issue.steps, `If nothing is done, cellarhand will refund the order automatically after ${formatDuration(settings.autoRefundAfterMs)}.`]
        : issue.steps;
    await o.tellMerchant(
      'reminder',
      `Still needs attention: ${ISSUE_WORDING[issue.type].title}`,
      issue.details,
      steps,
      `reminder/${issue.occurrence}`,
      issue.cause,
    );
  } else if (record.reminderSentAt !== null && autoRefundArmed(o) && now >= record.reminderSentAt + settings.autoRefundAfterMs && !requests.pending.refund) {
    record.autoRefundedOccurrence = issue.occurrence; // once: a failed automatic refund is not retried in a loop
    requests.pending.refund = { reason: `Automatic refund: compliance issue unresolved since ${issue.since}`, by: 'cellarhand' };
    record.note('auto_refund', 'Nobody acted on the compliance issue: refunding automatically, as configured.');
  }
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${Math.round(hours)} h` : `${Math.round(ms / 60_000)} min`;
}
