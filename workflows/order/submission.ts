// Scenario 1 — order created in Shopify but no Vinoshipper order — and every (re)send: one
// `PUT /orders/{n}` with our own order number (Vinoshipper's upsert), whose refusal is the answer:
// a missing product, short inventory, or a flag on the order. Then the Vinoshipper order number is
// written back to the Shopify order, by the PUT's own activity when Shopify answers at once.
import { FAILURE_TYPES, type IssueType } from '../../domain';
import type { OrderContext } from './context';
import { failureMessage, failureType, unreachableCauseKey, unreachableDetails } from '../failures';
import { paymentDecision, relevantFingerprint } from './snapshot';
import { followVinoshipperOrder, refreshFromVinoshipper } from './watching';

/** Issues that only concern getting the order into Vinoshipper: a successful PUT ends them. */
const SUBMISSION_ISSUES: IssueType[] = ['product_missing', 'inventory_unavailable', 'vinoshipper_unreachable', 'vinoshipper_order_missing'];

/** Scenario 1's gate: only a paid order goes to Vinoshipper; a waiting one is reminded about, never forgotten. */
export async function sendWhenPaid(o: OrderContext): Promise<void> {
  const { record } = o;
  if (paymentDecision(o.snapshot, o.settings) === 'wait') {
    if (record.paymentWaitSince === null) {
      record.paymentWaitSince = Date.now();
      record.note('awaiting_payment', `Waiting for Shopify to report the order paid (it is “${o.snapshot.financialStatus}”) before sending it to Vinoshipper.`);
    }
    return;
  }
  if (record.paymentWaitSince !== null) {
    record.paymentWaitSince = null;
    record.note('order_paid', 'Shopify reports the order paid.');
    if (record.issue?.type === 'payment_pending') record.closeIssue('the order was paid');
    if (record.status === 'needs_attention' && !record.issue) record.setStatus('syncing');
  }
  await submitToVinoshipper(o);
}

export async function submitToVinoshipper(o: OrderContext): Promise<void> {
  const { record, snapshot } = o;
  const vinoshipperOrderNumber = o.vinoshipperOrderNumber;
  // From here on Vinoshipper may hold the order, whatever the answer (or its absence) says.
  record.putAttempted = true;
  record.flushAttributes();
  try {
    const result = await o.activities.vinoshipper.submitOrderToVinoshipper({
      snapshot,
      vinoshipperOrderNumber,
      dateOfBirthAttribute: o.settings.dateOfBirthAttribute,
      inVinoshipper: record.phase === 'watch',
      // An order whose number lacks the Shopify order id: until its alias is known to exist, the PUT's activity registers it first.
      ...(o.numberNamesOrderId || record.aliasStarted ? {} : { aliasFor: o.workflowId }),
      // Until the number is on the Shopify order, the PUT's activity writes it back once Vinoshipper took the order.
      ...(record.writtenBack ? {} : { writeBackTo: snapshot.shopifyOrderId }),
    });
    noteAlias(o, result.aliasRegistered);
    if (result.kind === 'rejected') {
      const causeKey = result.issueType === 'compliance_failed' ? (snapshot.shippingAddress?.provinceCode ?? null) : result.causeKey;
      return await o.raiseIssue(result.issueType, result.details, { causeKey });
    }
    record.setVinoshipperOrderNumber(result.order.orderNumber);
    record.submittedFingerprint = relevantFingerprint(snapshot);
    if (record.phase === 'submit') record.note('submitted', `Submitted to Vinoshipper as order ${result.order.orderNumber}.`);
    else record.note('resent', `Resent to Vinoshipper order ${result.order.orderNumber}.`);
    if (result.writtenBack) noteWrittenBack(o);
    record.phase = 'watch';
    if (record.issue && SUBMISSION_ISSUES.includes(record.issue.type)) record.closeIssue('the order reached Vinoshipper');
    await followVinoshipperOrder(o, result.order);
  } catch (err) {
    if (failureType(err) === FAILURE_TYPES.vinoshipperConflict) {
      // Vinoshipper will not take an update any more (shipped, in fulfilment or cancelled): read where it stands.
      record.note('resubmission_refused', `Vinoshipper refused the update: ${failureMessage(err)}`);
      record.phase = 'watch';
      return await refreshFromVinoshipper(o);
    }
    await o.raiseIssue('vinoshipper_unreachable', unreachableDetails(err), { causeKey: unreachableCauseKey(err) });
  }
}

/**
 * Orders numbered before numbers carried the Shopify order id: the alias
 * (`vinoshipper-order:<shop>:<number>`) lets Vinoshipper's webhooks find the order. It is
 * registered by the first PUT's own activity, before the PUT; a failed registration is tried again
 * with the next PUT, and meanwhile the safety-net looks still run. Released when the order finishes.
 */
function noteAlias(o: OrderContext, registered: boolean | undefined): void {
  if (registered === true) o.record.aliasStarted = true;
  else if (registered === false)
    o.record.note('alias_failed', 'Could not register the Vinoshipper order number for webhooks (the safety-net looks still run).');
}

/**
 * The Vinoshipper order number on the Shopify order (a metafield and a tag), once. Normally the
 * PUT's own activity has done it (`writeBackTo`); this activity, with its retries, is for when that
 * failed, and for an order whose PUT was scheduled before the activity could (its history says so).
 */
export async function writeBack(o: OrderContext): Promise<void> {
  const { record } = o;
  if (record.writtenBack || !record.vinoshipperOrderNumber) return;
  record.flushAttributes();
  try {
    await o.activities.shopify.writeBackToShopify({ shopifyOrderId: o.snapshot.shopifyOrderId, vinoshipperOrderNumber: record.vinoshipperOrderNumber });
    noteWrittenBack(o);
  } catch (err) {
    record.note('write_back_failed', `Could not write the Vinoshipper order number to Shopify yet (will retry): ${failureMessage(err)}`);
  }
}

function noteWrittenBack(o: OrderContext): void {
  o.record.writtenBack = true;
  o.record.note('written_back', `Wrote Vinoshipper order ${o.record.vinoshipperOrderNumber} back to the Shopify order.`);
}
