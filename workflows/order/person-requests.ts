// Acting on what a person (or cellarhand's own escalation) asked: refund and cancel win over
// everything else; "mark resolved" accepts a problem as it is or ends a handled one. Each request
// answers its Update, if one waits.
import { ACKNOWLEDGEABLE_ISSUES, type OrderRequestAnswer, type PersonRequest } from '../../domain';
import { closingStep, refund, startClosing } from './closing';
import type { OrderContext } from './context';
import { by } from './requests';

/** True when the order is finished. */
export async function handlePersonRequests(o: OrderContext): Promise<boolean> {
  const { record, requests } = o;
  const pending = requests.pending;

  // Each request stays pending while the order acts on it: the same request meanwhile (a double
  // click) is refused as "under way", never queued for a second go.
  const refundRequest = pending.refund;
  if (refundRequest) {
    const answer = await refund(o, refundRequest);
    const finished = answer.outcome === 'done' && (await closingStep(o));
    pending.refund = null;
    const complete = finished || answer.outcome === 'waiting'; // a waiting answer says itself what the order waits for
    requests.answer(refundRequest, complete ? answer : { ...answer, message: `${answer.message} ${closingMessage(o)}`, status: record.status });
    if (finished) return true;
  }

  const cancelRequest = pending.cancel;
  if (cancelRequest) {
    startClosing(o, 'cancelled', cancelRequest);
    const finished = await closingStep(o);
    pending.cancel = null;
    requests.answer(cancelRequest, finished ? { outcome: 'done', status: record.status, message: 'Cancelled.' } : closingAnswer(o));
    if (finished) return true;
  }

  const resolveRequest = pending.resolve;
  if (resolveRequest) {
    const finished = await markResolved(o, resolveRequest);
    pending.resolve = null;
    if (finished) return true;
  }
  return false;
}

/** "Mark resolved": the issue was handled outside cellarhand. True when that finishes the order. */
async function markResolved(o: OrderContext, request: PersonRequest): Promise<boolean> {
  const { record, requests } = o;
  const issue = record.issue;
  const note = `marked resolved${by(request.by)}: ${request.reason}`;
  if (!issue) {
    requests.answer(request, { outcome: 'done', status: record.status, message: 'There was no open issue any more.' });
    return false;
  }
  if (record.closing && issue.type !== 'cancellation_failed') {
    // Vinoshipper was unreachable for the cancel: nothing says its copy is gone, so this round tries again.
    record.closeIssue(note);
    requests.answer(request, { outcome: 'done', status: record.status, message: 'Issue marked resolved; cancelling in Vinoshipper again.' });
    return false;
  }
  if (record.closing) {
    // Told to cancel or arrange it in Vinoshipper (shipped, not yet accepted), a person has: closed for good.
    record.closing.vinoshipper = 'done';
    record.closeIssue(note);
    const finished = await closingStep(o);
    requests.answer(request, { outcome: 'done', status: record.status, message: `Closed: the order is ${record.status}.` });
    return finished;
  }
  if (issue.type === 'vinoshipper_order_missing') {
    // Deleted in Vinoshipper on purpose: the order stays out of Vinoshipper.
    record.closeIssue(note);
    record.skip = { final: true, reason: `deleted in Vinoshipper and ${note}`, since: Date.now() };
    record.setStatus('skipped');
    requests.answer(request, { outcome: 'done', status: record.status, message: 'Resolved: the order stays out of Vinoshipper.' });
    return true;
  }
  // Only a problem Vinoshipper reports on an existing order can be accepted as is; an order that
  // never reached Vinoshipper is simply tried again (and flagged again if it still fails).
  if (ACKNOWLEDGEABLE_ISSUES.includes(issue.type)) record.acknowledgedProblem = `${issue.cause}:${issue.details}`;
  if (issue.type === 'payment_pending' && record.paymentWaitSince !== null) record.paymentWaitSince = Date.now();
  record.closeIssue(note);
  record.setStatus(record.phase === 'watch' ? 'submitted' : 'syncing');
  // In the submit phase this very round sends the order again (fixed elsewhere: try again now).
  requests.answer(request, { outcome: 'done', status: record.status, message: 'Issue marked resolved.' });
  return false;
}

/** What a `retry` came to, once the loop tried. */
export function retryAnswer(o: OrderContext): OrderRequestAnswer {
  const { record } = o;
  if (record.status === 'refunded' || record.status === 'cancelled')
    return { outcome: 'done', status: record.status, message: `Tried again: the order is ${record.status}.` };
  if (record.closing) return closingAnswer(o);
  if (record.issue) return { outcome: 'failed', status: record.status, message: `Tried again; still: ${record.issue.details.split('\n')[0]}` };
  if (record.paymentWaitSince !== null) return { outcome: 'waiting', status: record.status, message: 'Waiting for Shopify to report the order paid.' };
  return { outcome: 'done', status: record.status, message: `Tried again: the order is ${record.status}.` };
}

function closingAnswer(o: OrderContext): OrderRequestAnswer {
  const { record } = o;
  const waiting = record.issue?.type === 'vinoshipper_unreachable' || record.closing?.vinoshipper === 'pending' || !!record.refundUnconfirmed;
  return { outcome: waiting ? 'waiting' : 'failed', status: record.status, message: closingMessage(o) };
}

function closingMessage(o: OrderContext): string {
  const issue = o.record.issue;
  return issue ? issue.details.split('\n')[0] : '';
}
