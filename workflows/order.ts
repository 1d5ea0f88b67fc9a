// The life of one Shopify order on its way into Vinoshipper, told the way the merchant's guide
// ("Handling Failed or Blocked Orders") tells it. Everything that touches the outside world is an
// activity; this file only decides. Deterministic: no I/O, no Node APIs, no zod.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  allHandlersFinished,
  proxyActivities,
  setHandler,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import {
  FAILURE_TYPES,
  ISSUE_WORDING,
  NON_RETRYABLE_FAILURE_TYPES,
  cancelSignal,
  markResolvedSignal,
  merchantToldSignal,
  orderUpdatedSignal,
  refundSignal,
  retrySignal,
  statusQuery,
  vinoshipperEventSignal,
  type AlertActivities,
  type IssueType,
  type OrderActivities,
  type OrderOutcome,
  type OrderSnapshot,
  type OrderWorkflowInput,
  type VinoshipperOrderView,
} from '../domain';
import { OrderRecord } from './order-record';
import { isPaymentPending, relevantFingerprint } from './order-snapshot';

// Bounded retries per system: an outage is first absorbed here (about a minute), then reported as
// an issue and retried by the workflow on its slower cadence.
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES };
const vinoshipper = proxyActivities<OrderActivities>({
  startToCloseTimeout: '30s',
  retry: { ...retry, maximumInterval: '20s', maximumAttempts: 5 },
});
const shopify = proxyActivities<OrderActivities>({
  startToCloseTimeout: '30s',
  retry: { ...retry, maximumInterval: '30s', maximumAttempts: 6 },
});
// Resend allows 2 requests/s per team: give emails room to wait out a 429.
const email = proxyActivities<OrderActivities>({
  startToCloseTimeout: '30s',
  retry: { ...retry, initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
});

// ALERT_MODE=grouped: the alert goes to the shop's digest (workflows/alerts.ts), which emails per cause.
const alerts = proxyActivities<AlertActivities>({
  startToCloseTimeout: '30s',
  retry: { ...retry, maximumInterval: '30s', maximumAttempts: 8 },
});

type Request = { reason: string; by?: string };

/** Problems a person may accept as they are (`markResolved`): Vinoshipper's flags on an existing order. */
const ACKNOWLEDGEABLE: IssueType[] = ['customer_verification_failed', 'invalid_address', 'order_item_issue', 'compliance_failed'];

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const { settings, shopDomain } = input;
  const { workflowId } = workflowInfo();
  let snapshot = input.snapshot;
  const order = new OrderRecord(shopDomain, snapshot.shopifyOrderId, snapshot.name, input.carried);
  const vinoshipperOrderNumber = order.vinoshipperOrderNumber ?? `${settings.vinoshipperOrderPrefix}${snapshot.orderNumber}`;

  // What people and systems asked for since the workflow last looked.
  let correctionArrived = false;
  let retryRequested = false;
  let vinoshipperHint = false;
  let refundRequest: Request | null = null;
  let cancelRequest: Request | null = null;
  /** Vinoshipper could not be reached to cancel: try again after the usual wait, not at once. */
  let cancelDeferred = false;
  let resolvedNote: Request | null = null;

  // ---- Messages: handlers only record; the main flow below acts. ----
  setHandler(statusQuery, () => order.view());
  setHandler(orderUpdatedSignal, (update) => {
    if (Date.parse(update.updatedAt) < Date.parse(snapshot.updatedAt)) {
      order.note('stale_update_ignored', `Ignored a Shopify update from ${update.updatedAt}: we already have ${snapshot.updatedAt}.`);
      return;
    }
    if (update.updatedAt === snapshot.updatedAt && relevantFingerprint(update) === relevantFingerprint(snapshot)) return; // a duplicate delivery
    const changed = relevantFingerprint(update) !== relevantFingerprint(snapshot);
    const paid = isPaymentPending(snapshot) && !isPaymentPending(update);
    snapshot = update;
    if (update.cancelledAt && !cancelRequest) cancelRequest = { reason: 'Cancelled in Shopify', by: 'shopify' };
    if (changed) {
      correctionArrived = true;
      order.note('order_updated', 'The order was updated in Shopify.');
    } else if (paid) {
      correctionArrived = true;
      order.note('order_paid', 'Shopify reports the order paid.');
    }
    // Anything else (tags, metafields, e.g. the echo of our own write-back) is not a correction.
  });
  setHandler(vinoshipperEventSignal, ({ event }) => {
    vinoshipperHint = true;
    order.note('vinoshipper_event', `Vinoshipper reported ${event}; re-reading the order.`);
  });
  setHandler(retrySignal, (args) => {
    if (isFinished()) return ignored('retry', args?.by);
    retryRequested = true;
    order.note('retry_requested', `Retry requested${by(args?.by)}.`);
  });
  setHandler(refundSignal, (args) => {
    if (order.status === 'refunded' || refundRequest) return ignored('refund', args.by, 'a refund was already made or is under way');
    if (isFinished()) return ignored('refund', args.by);
    refundRequest = args;
    order.note('refund_requested', `Refund requested${by(args.by)}: ${args.reason}`);
  });
  setHandler(cancelSignal, (args) => {
    if (isFinished() || cancelRequest) return ignored('cancel', args.by);
    cancelRequest = args;
    order.note('cancel_requested', `Cancellation requested${by(args.by)}: ${args.reason}`);
  });
  setHandler(markResolvedSignal, (args) => {
    if (!order.issue) return ignored('markResolved', args.by, 'there is no open issue');
    resolvedNote = { reason: args.note, by: args.by };
  });

  function isFinished(): boolean {
    return ['fulfilled', 'refunded', 'cancelled', 'skipped'].includes(order.status);
  }
  function ignored(signal: string, who: string | undefined, why = `the order is already ${order.status}`): void {
    order.note('signal_ignored', `Ignored “${signal}”${by(who)}: ${why}.`);
  }
  function hasNews(): boolean {
    return correctionArrived || retryRequested || vinoshipperHint || !!refundRequest || (!!cancelRequest && !cancelDeferred) || !!resolvedNote;
  }

  // ---- Telling the merchant ----
  setHandler(merchantToldSignal, ({ sent, ordersInEmail, emailId }) => {
    const email = ordersInEmail > 1 ? `one email about ${ordersInEmail} orders with the same cause` : 'one email about this order';
    if (sent) order.note('email_sent', `Emailed the merchant (${email}, id ${emailId}).`);
    else order.note('email_failed', `Could not email the merchant (${email}); the issue stays visible in the Web UI and ops API.`);
  });

  async function tellMerchant(kind: 'issue' | 'reminder' | 'notice', subjectLine: string, details: string, steps: string[], key: string): Promise<void> {
    if (settings.alertMode === 'grouped') {
      try {
        await alerts.queueMerchantAlert({
          kind,
          cause: kind === 'notice' ? `notice:${key.replace(/^notice\//, '')}` : (order.issue?.cause ?? kind),
          issueType: order.issue?.type ?? null,
          shopifyOrderId: snapshot.shopifyOrderId,
          shopifyOrderName: snapshot.name,
          orderWorkflowId: workflowId,
          subjectLine,
          details,
          steps,
          key: `${workflowId}/${key}`,
          raisedAt: new Date().toISOString(),
        });
        order.note('alert_queued', `Alert for the merchant handed to the shop's alert digest (grouped with other orders of the same cause): ${subjectLine}.`);
      } catch (err) {
        order.note('email_failed', `Could not hand the alert to the shop's alert digest: ${failureMessage(err)}`);
      }
      return;
    }
    try {
      await email.sendOrderIssueEmail({
        kind,
        shopifyOrderId: snapshot.shopifyOrderId,
        shopifyOrderName: snapshot.name,
        issueType: order.issue?.type ?? null,
        subjectLine,
        details,
        steps,
        workflowId,
        idempotencyKey: `${workflowId}/${key}`,
      });
      order.note('email_sent', `Emailed the merchant: ${subjectLine}.`);
    } catch (err) {
      // A lost email must not stop the order; the issue stays visible in the Web UI and ops API.
      order.note('email_failed', `Could not email the merchant: ${failureMessage(err)}`);
    }
  }

  /** A notice that is not an issue (nothing to filter on), sent at most once per order and key. */
  async function noticeOnce(key: string, subjectLine: string, details: string, steps: string[]): Promise<void> {
    if (order.noticesSent.includes(key)) return;
    order.noticesSent.push(key);
    await tellMerchant('notice', subjectLine, details, steps, `notice/${key}`);
  }

  /** One function for every scenario: show the issue, and tell the merchant once per new issue. */
  async function raiseIssue(type: IssueType, details: string, idScanUrl: string | null = null): Promise<void> {
    if (order.acknowledgedProblem === `${type}:${details}`) return; // a person marked this very problem resolved: don't nag
    if (order.openIssue(type, details, idScanUrl)) {
      const steps = idScanUrl ? [...ISSUE_WORDING[type].steps, `ID upload link for the customer: ${idScanUrl}`] : ISSUE_WORDING[type].steps;
      await tellMerchant('issue', ISSUE_WORDING[type].title, details, steps, `issue/${order.issueOccurrences}`);
    }
  }

  /**
   * Waits for news (a correction, a signal, a Vinoshipper hint) or until `recheckMs` passes, and on
   * the way runs the escalation steps that fall due: the reminder, then (compliance only, when
   * turned on) the automatic refund.
   */
  async function waitForNews(recheckMs: number): Promise<void> {
    const recheckAt = Date.now() + recheckMs;
    for (;;) {
      const due = Math.min(recheckAt, escalationDueAt());
      if (await condition(hasNews, Math.max(due - Date.now(), 1))) return;
      await escalateIfDue();
      if (hasNews() || Date.now() >= recheckAt) return;
    }
  }
  function escalationDueAt(): number {
    const issue = order.issue;
    if (!issue) return Infinity;
    if (order.reminderSentAt === null) return Date.parse(issue.since) + settings.reminderAfterMs;
    if (issue.type === 'compliance_failed' && settings.autoRefundEnabled && order.autoRefundedOccurrence !== issue.occurrence) {
      return order.reminderSentAt + settings.autoRefundAfterMs;
    }
    return Infinity;
  }
  async function escalateIfDue(): Promise<void> {
    const issue = order.issue;
    if (!issue || Date.now() < escalationDueAt()) return;
    if (order.reminderSentAt === null) {
      order.reminderSentAt = Date.now();
      order.note('reminder_due', `The issue has been open since ${issue.since}; reminding the merchant.`);
      const autoRefund = issue.type === 'compliance_failed' && settings.autoRefundEnabled;
      const steps = autoRefund
        ? [...issue.steps, `If nothing is done, cellarhand will refund the order automatically after ${formatDuration(settings.autoRefundAfterMs)}.`]
        : issue.steps;
      await tellMerchant('reminder', `Still needs attention: ${ISSUE_WORDING[issue.type].title}`, issue.details, steps, `reminder/${issue.occurrence}`);
    } else if (!refundRequest) {
      order.autoRefundedOccurrence = issue.occurrence; // once: a failed automatic refund is not retried in a loop
      refundRequest = { reason: `Automatic refund: compliance issue unresolved since ${issue.since}`, by: 'cellarhand' };
      order.note('auto_refund', 'Nobody acted on the compliance issue: refunding automatically, as configured.');
    }
  }

  // ---- Compensations: each runs once, whatever signals repeat ----
  async function refund(request: Request): Promise<boolean> {
    try {
      await shopify.refundShopifyOrder({ shopifyOrderId: snapshot.shopifyOrderId, reason: request.reason, idempotencyKey: `${workflowId}/refund` });
    } catch (err) {
      refundRequest = null;
      order.note('refund_failed', `The refund in Shopify failed: ${failureMessage(err)}`);
      return false;
    }
    order.note('refunded', `Refunded in full in Shopify${by(request.by)}: ${request.reason}`);
    if ((await cancelInVinoshipper()) !== 'done') {
      const details = `Order ${snapshot.name} was refunded in Shopify, but Vinoshipper order ${vinoshipperOrderNumber} could not be cancelled (already shipped or unreachable). Cancel it in Vinoshipper.`;
      await noticeOnce('refund-notice', 'Refunded, cancel it in Vinoshipper', details, [
        'Cancel the order in Vinoshipper or contact Vinoshipper customer service.',
      ]);
    }
    order.closeIssue('the order was refunded');
    order.setStatus('refunded');
    return true;
  }

  /** Cancels the Vinoshipper order if there is one; says why not otherwise. */
  async function cancelInVinoshipper(): Promise<'done' | 'already_shipped' | 'unreachable'> {
    if (order.phase !== 'watch') return 'done';
    try {
      const result = await vinoshipper.cancelVinoshipperOrder(vinoshipperOrderNumber);
      if (result.cancelled) order.note('vinoshipper_cancelled', `Cancelled Vinoshipper order ${vinoshipperOrderNumber}.`);
      else order.note('vinoshipper_not_cancelled', `Vinoshipper order ${vinoshipperOrderNumber} not cancelled: ${result.reason.replace('_', ' ')}.`);
      return !result.cancelled && result.reason === 'already_shipped' ? 'already_shipped' : 'done';
    } catch (err) {
      order.note('vinoshipper_cancel_failed', `Could not cancel Vinoshipper order ${vinoshipperOrderNumber}: ${failureMessage(err)}`);
      return 'unreachable';
    }
  }

  async function cancel(request: Request): Promise<boolean> {
    cancelDeferred = false;
    const outcome = await cancelInVinoshipper();
    if (outcome === 'unreachable') {
      cancelDeferred = true;
      await raiseIssue(
        'vinoshipper_unreachable',
        `The order was cancelled (${request.reason}) but Vinoshipper could not be reached to cancel order ${vinoshipperOrderNumber}; cellarhand will try again.`,
      );
      return false; // cancelRequest stays: tried again after the wait
    }
    if (outcome === 'already_shipped') {
      cancelRequest = null;
      await raiseIssue(
        'cancellation_failed',
        `The order was cancelled (${request.reason}) but Vinoshipper order ${vinoshipperOrderNumber} has already shipped.`,
      );
      return false;
    }
    order.closeIssue('the order was cancelled');
    order.note('cancelled', `Order cancelled${by(request.by)}: ${request.reason}`);
    order.setStatus('cancelled');
    return true;
  }

  /** Refund and cancel win over everything else; true when the order is finished. */
  async function handleEndings(): Promise<boolean> {
    if (refundRequest && (await refund(refundRequest))) return true;
    if (cancelRequest && (await cancel(cancelRequest))) return true;
    if (resolvedNote) {
      // Only a problem Vinoshipper reports on an existing order can be accepted as is; an order that
      // never reached Vinoshipper is simply tried again (and flagged again if it still fails).
      if (order.issue && ACKNOWLEDGEABLE.includes(order.issue.type)) order.acknowledgedProblem = `${order.issue.type}:${order.issue.details}`;
      order.closeIssue(`marked resolved${by(resolvedNote.by)}: ${resolvedNote.reason}`);
      order.setStatus(order.phase === 'watch' ? 'submitted' : 'syncing');
      resolvedNote = null;
      if (order.phase === 'submit') retryRequested = true; // fixed elsewhere: try again now
    }
    return false;
  }

  // ---- Scenario 1: order created in Shopify but no Vinoshipper order ----
  async function submitToVinoshipper(): Promise<void> {
    correctionArrived = retryRequested = vinoshipperHint = false;
    const attempted = snapshot;
    try {
      const catalog = await vinoshipper.checkVinoshipperCatalog(attempted);
      if (!catalog.ok) return await raiseIssue(catalog.issueType, catalog.details); // product missing / inventory unavailable
      const result = await vinoshipper.submitOrderToVinoshipper({
        snapshot: attempted,
        vinoshipperOrderNumber,
        dateOfBirthAttribute: settings.dateOfBirthAttribute,
      });
      if (result.kind === 'rejected') return await raiseIssue(result.issueType, result.details);
      order.setVinoshipperOrderNumber(result.order.orderNumber);
      order.submittedFingerprint = relevantFingerprint(attempted);
      order.note('submitted', `Submitted to Vinoshipper as order ${result.order.orderNumber}.`);
      order.phase = 'watch';
      if (order.issue && ['product_missing', 'inventory_unavailable', 'vinoshipper_unreachable'].includes(order.issue.type)) {
        order.closeIssue('the order reached Vinoshipper');
      }
      await writeBack();
      await followVinoshipperOrder(result.order);
    } catch (err) {
      if (failureType(err) === FAILURE_TYPES.vinoshipperConflict) {
        // Vinoshipper will not take an update any more (shipped or cancelled): read where it stands.
        order.note('resubmission_refused', `Vinoshipper refused the update: ${failureMessage(err)}`);
        order.phase = 'watch';
        return await refreshFromVinoshipper();
      }
      await raiseIssue('vinoshipper_unreachable', unreachableDetails(err));
    }
  }

  async function writeBack(): Promise<void> {
    if (order.writtenBack || !order.vinoshipperOrderNumber) return;
    try {
      await shopify.writeBackToShopify({ shopifyOrderId: snapshot.shopifyOrderId, vinoshipperOrderNumber: order.vinoshipperOrderNumber });
      order.writtenBack = true;
      order.note('written_back', `Wrote Vinoshipper order ${order.vinoshipperOrderNumber} back to the Shopify order.`);
    } catch (err) {
      order.note('write_back_failed', `Could not write the Vinoshipper order number to Shopify yet (will retry): ${failureMessage(err)}`);
    }
  }

  // ---- Watching the Vinoshipper order: Scenarios 2 and 3, acceptance, fulfilment ----
  async function refreshFromVinoshipper(): Promise<void> {
    vinoshipperHint = false;
    try {
      const current = await vinoshipper.fetchVinoshipperOrder(vinoshipperOrderNumber);
      if (!current) {
        // Deleted on Vinoshipper's side: the order must go in again.
        order.note('vinoshipper_order_missing', `Vinoshipper no longer has order ${vinoshipperOrderNumber}; submitting it again.`);
        order.phase = 'submit';
        return;
      }
      if (order.issue?.type === 'vinoshipper_unreachable') order.closeIssue('Vinoshipper answers again');
      await followVinoshipperOrder(current);
    } catch (err) {
      await raiseIssue('vinoshipper_unreachable', unreachableDetails(err));
    }
  }

  async function followVinoshipperOrder(current: VinoshipperOrderView): Promise<void> {
    await writeBack();
    if (current.state === 'cancelled') {
      order.closeIssue('the order was cancelled in Vinoshipper');
      order.note('cancelled', `Vinoshipper order ${current.orderNumber} was cancelled in Vinoshipper.`);
      return order.setStatus('cancelled');
    }
    if (current.state === 'shipped') return await fulfil(current);

    const compliance = current.problems.filter((p) => p.issueType === 'compliance_failed');
    if (compliance.length) return await scenario3ComplianceFailed(current, compliance);
    const [problem] = current.problems;
    if (problem) return await scenario2OrderFlagged(current, problem.issueType);

    if (order.issue && order.issue.type !== 'cancellation_failed')
      order.closeIssue(`Vinoshipper reports the order ${current.state === 'accepted' ? 'approved' : 'without problems'}`);
    if (order.issue) return;
    if (current.state === 'accepted' && order.status !== 'accepted') order.note('accepted', 'Vinoshipper accepted the order.');
    order.setStatus(current.state === 'accepted' ? 'accepted' : 'submitted');
  }

  /** Scenario 2: the Vinoshipper order exists but was flagged (customer verification, address, items). */
  async function scenario2OrderFlagged(current: VinoshipperOrderView, type: IssueType): Promise<void> {
    const details = current.problems
      .filter((p) => p.issueType === type)
      .map((p) => p.message)
      .join('\n');
    await raiseIssue(type, details, type === 'customer_verification_failed' ? current.idScanUrl : null);
  }

  /** Scenario 3: compliance check failed post-purchase. Record the event; a person decides. */
  async function scenario3ComplianceFailed(current: VinoshipperOrderView, problems: VinoshipperOrderView['problems']): Promise<void> {
    if (order.issue?.type !== 'compliance_failed') {
      order.complianceEvents.push({ at: new Date().toISOString(), destinationState: current.shipToStateCode, problems });
    }
    const details = [
      `Vinoshipper rejected the order for compliance (destination ${current.shipToStateCode ?? 'unknown'}).`,
      ...problems.map((p) => `${p.code ? `${p.code}: ` : ''}${p.message}`),
      'The customer must be contacted.',
    ].join('\n');
    await raiseIssue('compliance_failed', details);
  }

  async function fulfil(current: VinoshipperOrderView): Promise<void> {
    if (order.issue && order.issue.type !== 'cancellation_failed') order.closeIssue('Vinoshipper shipped the order');
    try {
      await shopify.fulfilShopifyOrder({ shopifyOrderId: snapshot.shopifyOrderId, trackingNumbers: current.trackingNumbers, carrier: current.carrier });
    } catch (err) {
      const details = `Vinoshipper shipped order ${current.orderNumber}, but marking the Shopify order fulfilled failed: ${failureMessage(err)}. cellarhand retries at every check.`;
      order.note('fulfilment_failed', details);
      await noticeOnce('fulfilment-failed', 'Shipped, but Shopify fulfilment failed', details, [
        'Check the order in Shopify; mark it fulfilled with the tracking number if this persists.',
      ]);
      return;
    }
    order.note('fulfilled', `Shipped by Vinoshipper (tracking ${current.trackingNumbers.join(', ') || 'none given'}); fulfilled in Shopify.`);
    order.setStatus('fulfilled');
  }

  /** After submission: a correction or `retry` resends (PUT again, same number); otherwise re-read. */
  async function watchStep(): Promise<void> {
    correctionArrived = false;
    // A correction not yet in Vinoshipper (new, or one Vinoshipper refused so far) is resent on every look.
    const correctionPending = relevantFingerprint(snapshot) !== order.submittedFingerprint;
    const retryFlagged = retryRequested && !!order.issue && order.issue.type !== 'vinoshipper_unreachable';
    retryRequested = false;
    if (retryFlagged && !correctionPending && order.issue?.type === 'customer_verification_failed') {
      // The merchant fixed the customer in Vinoshipper: see whether that already cleared it before resending our data over it.
      await refreshFromVinoshipper();
      if (order.issue?.type !== 'customer_verification_failed') return;
    }
    if (correctionPending || retryFlagged) {
      order.note('resending', correctionPending ? 'Resending the corrected order to Vinoshipper.' : 'Resending the order to Vinoshipper.');
      return await submitToVinoshipper();
    }
    await refreshFromVinoshipper();
  }

  // ---- The order's life ----
  if (!input.carried) order.note('received', `Order ${snapshot.name} received from Shopify.`);
  order.showDetails();
  if (snapshot.cancelledAt) cancelRequest = { reason: 'Cancelled in Shopify', by: 'shopify' };
  if (!input.carried && isExcluded(snapshot)) return finish();

  for (;;) {
    if (await handleEndings()) return finish();
    if (order.phase === 'submit' && isPaymentPending(snapshot)) {
      order.note('awaiting_payment', 'Waiting for Shopify to report the order paid before sending it to Vinoshipper.');
      await condition(() => !isPaymentPending(snapshot) || !!cancelRequest || !!refundRequest);
      continue;
    }
    // Scenario 1 re-checks by submitting again (the catalogue check comes first); afterwards we watch.
    if (order.phase === 'submit') await submitToVinoshipper();
    else await watchStep();
    if (order.status === 'fulfilled' || order.status === 'cancelled') return finish();
    if (hasNews()) continue;
    await waitForNews(nextLookIn());
    if (workflowInfo().continueAsNewSuggested && !hasNews()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof orderWorkflow>({ ...input, snapshot, carried: order.carry() });
    }
  }

  function nextLookIn(): number {
    if (order.issue?.type === 'vinoshipper_unreachable') return settings.unreachableRetryIntervalMs;
    if (order.issue) return settings.issueRecheckIntervalMs;
    return settings.vinoshipperPollIntervalMs;
  }

  function isExcluded(s: OrderSnapshot): boolean {
    const why = !settings.syncEnabled ? 'sync is turned off' : s.tags.includes(settings.excludeTag) ? `the order is tagged “${settings.excludeTag}”` : null;
    if (!why) return false;
    order.note('skipped', `Not sent to Vinoshipper: ${why}.`);
    order.setStatus('skipped');
    return true;
  }

  function finish(): OrderOutcome {
    order.showDetails();
    return { status: order.status, vinoshipperOrderNumber: order.vinoshipperOrderNumber };
  }
}

function by(who: string | undefined): string {
  return who ? ` by ${who}` : '';
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function unreachableDetails(err: unknown): string {
  if (failureType(err) === FAILURE_TYPES.vinoshipperConfiguration) {
    return `Vinoshipper refused cellarhand’s credentials: check VINOSHIPPER_API_KEY and VINOSHIPPER_API_SECRET. (${failureMessage(err)})`;
  }
  return `Vinoshipper did not answer after several attempts: ${failureMessage(err)}. cellarhand will try again automatically.`;
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${Math.round(hours)} h` : `${Math.round(ms / 60_000)} min`;
}
