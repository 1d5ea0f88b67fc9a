// The life of one Shopify order on its way into Vinoshipper, told the way the merchant's guide
// ("Handling Failed or Blocked Orders") tells it:
//   Scenario 1 — order created in Shopify but no Vinoshipper order      → order/submission.ts
//   Scenario 2 — Vinoshipper order exists but has issues                 → order/watching.ts
//   Scenario 3 — compliance check failed post-purchase                   → order/watching.ts
//   refunds (and one Shopify has not confirmed), cancellations, Shopify closing the order → order/closing.ts
//   waiting, reminders, the automatic refund, payment and skip waits     → order/escalation.ts
// This file registers the message handlers (they only record) and runs the main loop (it acts).
// Deterministic: no I/O, no Node APIs, no zod — everything that touches the outside is an activity.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  cancelSignal,
  cancelUpdate,
  markResolvedSignal,
  markResolvedUpdate,
  merchantToldSignal,
  orderUpdatedSignal,
  refundSignal,
  refundUpdate,
  retrySignal,
  retryUpdate,
  statusQuery,
  syncResumedSignal,
  vinoshipperEventSignal,
  type OrderOutcome,
  type OrderWorkflowInput,
  type PersonRequest,
} from '../domain';
import { closingStep, confirmRefund } from './order/closing';
import { OrderContext } from './order/context';
import { skipWindowOver, waitForNews } from './order/escalation';
import { handlePersonRequests, retryAnswer } from './order/person-requests';
import { neverSendReason } from './order/snapshot';
import { applyShopifyState, skip } from './order/shopify-state';
import { sendWhenPaid } from './order/submission';
import { watchStep } from './order/watching';

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const o = new OrderContext(input);
  registerHandlers(o);
  const { record, requests } = o;

  if (!input.carried) {
    record.note('received', `Order ${o.snapshot.name} received from Shopify.`);
    const never = neverSendReason(o.snapshot, o.settings);
    if (never) {
      skip(o, never, true);
      return finish(o);
    }
  }
  record.showDetails();

  for (;;) {
    const round = requests.takeRound();
    applyShopifyState(o);
    if (record.refundUnconfirmed) await confirmRefund(o);
    if (await handlePersonRequests(o)) return finish(o);
    const retry = requests.pending.retry;
    if (record.refundUnconfirmed && !record.closing) {
      // Held: a refund Shopify may have made is never followed by a PUT or a fulfilment; the next look asks again.
    } else if (record.closing) {
      if (await closingStep(o)) return finish(o, retry);
    } else if (record.skip) {
      if (record.skip.final || skipWindowOver(o)) return finish(o);
    } else if (record.phase === 'submit') {
      await sendWhenPaid(o);
    } else {
      await watchStep(o, round);
    }
    // Only what this round took is done: a retry that came in meanwhile waits for the next round.
    answerRetry(o, retry);
    if (record.status === 'fulfilled' || record.status === 'cancelled') return finish(o);
    if (requests.hasNews()) continue;

    await waitForNews(o);
    const info = workflowInfo();
    const longHistory = o.settings.maxHistoryEvents !== undefined && info.historyLength > o.settings.maxHistoryEvents;
    // Between looks, with nothing anyone sent still to act on: the new run takes over a due look.
    if ((info.continueAsNewSuggested || longHistory) && !requests.hasEvents()) {
      await condition(allHandlersFinished);
      record.flushAttributes();
      return await continueAsNew<typeof orderWorkflow>({ ...input, snapshot: o.snapshot, carried: { ...record.carry(), requests: requests.carry() } });
    }
  }
}

function registerHandlers(o: OrderContext): void {
  const { record, requests } = o;
  setHandler(statusQuery, () => record.view());
  setHandler(orderUpdatedSignal, (update) => o.receiveSnapshot(update));
  setHandler(vinoshipperEventSignal, ({ event, vinoshipperOrderNumber }) => {
    // The webhook's number leads here by the order id in it; a number that is not this order's is no news of it.
    if (vinoshipperOrderNumber !== undefined && vinoshipperOrderNumber !== o.vinoshipperOrderNumber) return;
    requests.pending.vinoshipperHint = true;
    record.note('vinoshipper_event', `Vinoshipper reported ${event}; re-reading the order.`);
  });
  setHandler(syncResumedSignal, (args) => {
    if (record.syncEnabled) return;
    record.syncEnabled = true;
    requests.pending.syncResumed = true;
    record.note('sync_resumed', `Sync was turned back on${args?.by ? ` by ${args.by}` : ''}.`);
  });
  setHandler(merchantToldSignal, (told) => {
    const grouped = told.ordersInEmail > 1 ? ` (one email for ${told.ordersInEmail} orders with the same cause)` : '';
    record.note(
      told.sent ? 'merchant_told' : 'email_failed',
      told.sent ? `The merchant was emailed${grouped}.` : 'The grouped email to the merchant could not be sent.',
    );
  });
  // People: signals (Web UI, CLI) are noted and ignored when they don't apply; Updates (console, ops API) are refused with the reason.
  setHandler(retrySignal, (args) => requests.fromSignal('retry', { reason: '', by: args?.by }));
  setHandler(refundSignal, (args) => requests.fromSignal('refund', args));
  setHandler(cancelSignal, (args) => requests.fromSignal('cancel', args));
  setHandler(markResolvedSignal, (args) => requests.fromSignal('resolve', { reason: args.note, by: args.by }));
  setHandler(retryUpdate, (args) => requests.fromUpdate('retry', { reason: '', by: args?.by }), { validator: (_args) => requests.validate('retry') });
  setHandler(refundUpdate, (args) => requests.fromUpdate('refund', args), { validator: (_args) => requests.validate('refund') });
  setHandler(cancelUpdate, (args) => requests.fromUpdate('cancel', args), { validator: (_args) => requests.validate('cancel') });
  setHandler(markResolvedUpdate, (args) => requests.fromUpdate('resolve', { reason: args.note, by: args.by }), {
    validator: (_args) => requests.validate('resolve'),
  });
}

/** A retry is answered once the round that took it has acted. */
function answerRetry(o: OrderContext, retry: PersonRequest | null): void {
  if (!retry) return;
  o.requests.pending.retry = null;
  o.requests.answer(retry, retryAnswer(o));
}

/** The order's work is over: release its Vinoshipper alias, if it has one, and say how it ended. */
async function finish(o: OrderContext, retryThisRound: PersonRequest | null = null): Promise<OrderOutcome> {
  // A retry taken in the round that closed the order (e.g. one that got a refund confirmed) is answered by that round.
  answerRetry(o, retryThisRound);
  // A request still waiting for its answer gets one: the order finished first.
  o.requests.answerAll({ outcome: 'failed', status: o.record.status, message: `The order finished first: it is ${o.record.status}.` });
  await condition(allHandlersFinished);
  // Without the order id in its number, every PUT attempt may have registered the alias (its activity does that first), even one whose answer never came.
  if (o.record.putAttempted && !o.numberNamesOrderId) {
    o.record.flushAttributes();
    await o.activities.temporal.releaseVinoshipperOrderAlias({ vinoshipperOrderNumber: o.vinoshipperOrderNumber }).catch(() => undefined);
  }
  return o.outcome();
}
