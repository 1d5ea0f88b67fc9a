// After submission: watching the Vinoshipper order — Scenario 2 (the order exists but is flagged),
// Scenario 3 (compliance failed after purchase), acceptance, fulfilment, and a Vinoshipper-side
// cancellation or deletion. Vinoshipper's webhooks (hints) and a backing-off safety-net look bring
// the news; a correction in Shopify or a person's `retry` resends the order.
import type { IssueType, VinoshipperOrderView } from '../../domain';
import type { OrderContext } from './context';
import type { RoundNews } from './requests';
import { failureMessage, unreachableCauseKey, unreachableDetails } from '../failures';
import { relevantFingerprint } from './snapshot';
import { submitToVinoshipper, writeBack } from './submission';

/** One look at a submitted order: resend what changed, or re-read when there is reason to. */
export async function watchStep(o: OrderContext, round: RoundNews): Promise<void> {
  const { record, requests } = o;
  const pending = requests.pending;
  // A correction not yet in Vinoshipper (new, or one Vinoshipper refused so far) is resent on every look.
  const correctionPending = relevantFingerprint(o.snapshot) !== record.submittedFingerprint;
  const retry = pending.retry !== null;
  if (correctionPending) {
    record.note('resending', 'Resending the corrected order to Vinoshipper.');
    return await submitToVinoshipper(o);
  }
  if (retry && record.issue && record.issue.type !== 'vinoshipper_unreachable') {
    if (record.issue.type === 'customer_verification_failed') {
      // The merchant fixed the customer in Vinoshipper: see whether that already cleared it before resending our data over it.
      await refreshFromVinoshipper(o);
      if (record.issue?.type !== 'customer_verification_failed') return;
    }
    record.note(
      'resending',
      record.issue?.type === 'vinoshipper_order_missing' ? 'Submitting the order to Vinoshipper again.' : 'Resending the order to Vinoshipper.',
    );
    return await submitToVinoshipper(o);
  }
  if (retry || round.vinoshipperHint || round.lookDue) await refreshFromVinoshipper(o);
}

/** Re-reads the Vinoshipper order and follows what it says. */
export async function refreshFromVinoshipper(o: OrderContext): Promise<void> {
  const { record } = o;
  record.flushAttributes();
  let current: VinoshipperOrderView | null;
  try {
    current = await o.activities.vinoshipper.fetchVinoshipperOrder(o.vinoshipperOrderNumber);
  } catch (err) {
    return await o.raiseIssue('vinoshipper_unreachable', unreachableDetails(err), { causeKey: unreachableCauseKey(err) });
  }
  if (!current) {
    // Deleted on Vinoshipper's side (its `DELETED` event): a person decides; never re-created behind their back.
    return await o.raiseIssue(
      'vinoshipper_order_missing',
      `Vinoshipper no longer has order ${o.vinoshipperOrderNumber} (it was deleted there). cellarhand will not submit it again unless you send “retry”.`,
    );
  }
  if (record.issue?.type === 'vinoshipper_unreachable') record.closeIssue('Vinoshipper answers again');
  if (record.issue?.type === 'vinoshipper_order_missing') record.closeIssue('Vinoshipper has the order again');
  await followVinoshipperOrder(o, current);
}

export async function followVinoshipperOrder(o: OrderContext, current: VinoshipperOrderView): Promise<void> {
  const { record } = o;
  const before = `${record.status}/${record.issue?.cause ?? ''}`;
  if (current.state === 'cancelled') await cancelledInVinoshipper(o, current);
  else if (current.state === 'shipped') await fulfil(o, current);
  else {
    const compliance = current.problems.filter((p) => p.issueType === 'compliance_failed');
    const [problem] = current.problems;
    if (compliance.length) await scenario3ComplianceFailed(o, current, compliance);
    else if (problem) await scenario2OrderFlagged(o, current, problem.issueType);
    else {
      if (record.issue) record.closeIssue(`Vinoshipper reports the order ${current.state === 'accepted' ? 'approved' : 'without problems'}`);
      if (current.state === 'accepted' && record.status !== 'accepted') record.note('accepted', 'Vinoshipper accepted the order.');
      record.setStatus(current.state === 'accepted' ? 'accepted' : 'submitted');
    }
  }
  // Something changed: look again soon. Nothing did: the next look waits longer (back-off).
  if (`${record.status}/${record.issue?.cause ?? ''}` !== before) record.quietLooks = 0;
  // After the status: its upsert goes out with the write-back's activity, so the order shows
  // `submitted` as soon as Vinoshipper has it rather than one Shopify call later.
  await writeBack(o);
}

/** Scenario 2: the Vinoshipper order exists but was flagged (customer verification, address, items). */
async function scenario2OrderFlagged(o: OrderContext, current: VinoshipperOrderView, type: IssueType): Promise<void> {
  const details = current.problems
    .filter((p) => p.issueType === type)
    .map((p) => p.message)
    .join('\n');
  await o.raiseIssue(type, details, { idScanUrl: type === 'customer_verification_failed' ? current.idScanUrl : null });
}

/** Scenario 3: compliance check failed post-purchase. Record the event; a person decides. */
async function scenario3ComplianceFailed(o: OrderContext, current: VinoshipperOrderView, problems: VinoshipperOrderView['problems']): Promise<void> {
  const { record } = o;
  const state = current.shipToStateCode ?? o.snapshot.shippingAddress?.provinceCode ?? null;
  if (record.issue?.type !== 'compliance_failed') {
    record.complianceEvents.push({ at: new Date().toISOString(), destinationState: state, problems });
  }
  const details = [
    `Vinoshipper rejected the order for compliance (destination ${state ?? 'unknown'}).`,
    ...problems.map((p) => `${p.code ? `${p.code}: ` : ''}${p.message}`),
    'The customer must be contacted.',
  ].join('\n');
  await o.raiseIssue('compliance_failed', details, { causeKey: state });
}

/** Vinoshipper shipped it: fulfil the Shopify order with the tracking numbers (the customer gets Shopify's email). */
async function fulfil(o: OrderContext, current: VinoshipperOrderView): Promise<void> {
  const { record } = o;
  if (record.issue) record.closeIssue('Vinoshipper shipped the order');
  record.flushAttributes();
  try {
    await o.activities.shopify.fulfilShopifyOrder({
      shopifyOrderId: o.snapshot.shopifyOrderId,
      trackingNumbers: current.trackingNumbers,
      carrier: current.carrier,
    });
  } catch (err) {
    const details = `Vinoshipper shipped order ${current.orderNumber}, but marking the Shopify order fulfilled failed: ${failureMessage(err)}. cellarhand retries at every check.`;
    record.note('fulfilment_failed', details);
    await o.noticeOnce('fulfilment-failed', 'Shipped, but Shopify fulfilment failed', details, [
      'Check the order in Shopify; mark it fulfilled with the tracking number if this persists.',
    ]);
    return;
  }
  record.note('fulfilled', `Shipped by Vinoshipper (tracking ${current.trackingNumbers.join(', ') || 'none given'}); fulfilled in Shopify.`);
  record.setStatus('fulfilled');
}

/** Someone cancelled the order in Vinoshipper: the Shopify order is still open and paid, so say so once. */
async function cancelledInVinoshipper(o: OrderContext, current: VinoshipperOrderView): Promise<void> {
  const { record } = o;
  if (record.issue) record.closeIssue('the order was cancelled in Vinoshipper');
  record.note('cancelled_in_vinoshipper', `Vinoshipper order ${current.orderNumber} was cancelled in Vinoshipper.`);
  record.setStatus('cancelled');
  await o.noticeOnce(
    'cancelled-in-vinoshipper',
    'Cancelled in Vinoshipper',
    `Vinoshipper order ${current.orderNumber} was cancelled in Vinoshipper, so it will not ship. The Shopify order ${o.snapshot.name} is still open and paid.`,
    [
      'Refund or cancel the order in Shopify if it will not ship.',
      'If it was cancelled by mistake, create it again in Vinoshipper or contact Vinoshipper customer service.',
    ],
  );
}
