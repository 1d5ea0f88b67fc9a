// Shopify's mandatory privacy requests, one small durable workflow each. The API verified and
// validated the webhook and answered 200 at once; these do the work within Shopify's 30 days.
// Deterministic: no I/O, no Node APIs; ids only, never a customer's email or phone.
import {
  condition,
  continueAsNew,
  allHandlersFinished,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import {
  DEFAULT_PRIVACY_TIMING,
  NON_RETRYABLE_FAILURE_TYPES,
  orderWorkflowId,
  recheckSignal,
  redactionStatusQuery,
  redactOrdersSignal,
  type DataRequestInput,
  type DataRequestOutcome,
  type PrivacyActivities,
  type PrivacyTiming,
  type RedactionInput,
  type RedactionState,
  type RedactionStatusView,
} from '../domain';
import { onRateLimitedQueue } from './activity-options';
import { failureMessage } from './failures';

// Deleting and describing workflows: Temporal's own API. A pass over a whole shop heartbeats.
const temporal = proxyActivities<PrivacyActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});
// Resend allows 2 requests/s (the email queue's budget); an outage is waited out for a day (idempotency key: one email).
const PRIVACY_EMAIL: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m', nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};

/**
 * customers/redact and shop/redact: delete the closed order workflows (every run of each) of that
 * customer or shop from Temporal. An order workflow that still runs cannot be deleted without losing
 * the order, so its id is recorded and checked again every day (or at once on `recheck`) until it has
 * finished and is deleted too; if any still runs after 25 days the merchant is alerted once.
 */
export async function redactionWorkflow(input: RedactionInput): Promise<RedactionStatusView> {
  const email = onRateLimitedQueue<PrivacyActivities>('email', PRIVACY_EMAIL);
  const timing: PrivacyTiming = { ...DEFAULT_PRIVACY_TIMING, ...input.timing };
  const { workflowId } = workflowInfo();
  const receivedMs = Date.parse(input.receivedAt);
  const deadline = new Date(receivedMs + timing.deadlineMs).toISOString();
  const state: RedactionState = input.carried ?? {
    pendingOrderIds: unique(input.orderIds),
    erasedOrderIds: [],
    notHeldOrderIds: [],
    running: [],
    runsDeleted: 0,
    checks: 0,
    lastCheckAt: null,
    alertedAt: null,
  };
  let recheckRequested = false;
  let done = false;
  let lastError: string | null = null;

  setHandler(redactionStatusQuery, view);
  setHandler(redactOrdersSignal, ({ orderIds }) => {
    state.pendingOrderIds = unique([...state.pendingOrderIds, ...orderIds]);
    recheckRequested = true;
  });
  setHandler(recheckSignal, () => {
    recheckRequested = true;
  });

  for (;;) {
    recheckRequested = false;
    const checked = await check();
    if (checked && nothingLeft()) break;
    if (!state.alertedAt && Date.now() >= receivedMs + timing.alertAfterMs) await alertMerchant();
    // A daily look (a durable timer), or at once when asked.
    if (!recheckRequested) await condition(() => recheckRequested, timing.recheckIntervalMs);
    if (workflowInfo().continueAsNewSuggested && !recheckRequested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof redactionWorkflow>({ ...input, orderIds: [], carried: state });
    }
  }
  done = true;
  show();
  return view();

  /** One pass; false when Temporal could not be asked (tried again at the next check). */
  async function check(): Promise<boolean> {
    state.checks += 1;
    state.lastCheckAt = new Date().toISOString();
    try {
      if (input.kind === 'shop_redact') {
        const result = await temporal.eraseShopWorkflows({ shopDomain: input.shopDomain, exceptWorkflowId: workflowId });
        state.runsDeleted += result.runsDeleted;
        state.running = result.running;
      } else {
        const batch = [...state.pendingOrderIds];
        const result = await temporal.eraseOrderWorkflows({ shopDomain: input.shopDomain, orderIds: batch });
        state.runsDeleted += result.runsDeleted;
        state.erasedOrderIds = unique([...state.erasedOrderIds, ...result.erased]);
        state.notHeldOrderIds = unique([...state.notHeldOrderIds, ...result.notHeld]);
        // Ids signalled in while this pass ran stay pending for the next one.
        state.pendingOrderIds = state.pendingOrderIds.filter((id) => !batch.includes(id) || result.running.includes(id));
        state.running = result.running.map((id) => orderWorkflowId(input.shopDomain, id));
      }
      lastError = null;
      return true;
    } catch (err) {
      lastError = failureMessage(err);
      return false;
    } finally {
      show();
    }
  }

  function nothingLeft(): boolean {
    return input.kind === 'shop_redact' ? state.running.length === 0 : state.pendingOrderIds.length === 0;
  }

  async function alertMerchant(): Promise<void> {
    state.alertedAt = new Date().toISOString();
    try {
      await email.sendPrivacyEmail({
        kind: 'redaction_pending',
        requestKind: input.kind,
        customerId: input.customerId,
        running: state.running,
        receivedAt: input.receivedAt,
        deadline,
        workflowId,
        idempotencyKey: `${workflowId}/${input.receivedAt}/redaction-pending`,
      });
    } catch (err) {
      // Still visible in the Web UI (details) and the `status` query; the checks go on.
      lastError = `could not email the merchant: ${failureMessage(err)}`;
    }
    show();
  }

  function view(): RedactionStatusView {
    return { kind: input.kind, shopDomain: input.shopDomain, customerId: input.customerId, receivedAt: input.receivedAt, deadline, done, ...state };
  }

  function show(): void {
    const subject = input.kind === 'shop_redact' ? `shop/redact for ${input.shopDomain}` : `customers/redact for customer ${input.customerId}`;
    const lines = [`**${subject}** · received ${input.receivedAt} · Shopify deadline ${deadline}`, ''];
    lines.push(
      done
        ? '**Done:** everything cellarhand held for this request is deleted from Temporal.'
        : `**Still running, erased when finished:** ${state.running.length}`,
    );
    if (input.kind === 'customers_redact') {
      lines.push(`Orders erased: ${state.erasedOrderIds.join(', ') || 'none yet'}`, `Orders not held: ${state.notHeldOrderIds.join(', ') || 'none'}`);
    }
    lines.push(`Closed workflow runs deleted: ${state.runsDeleted} · checks: ${state.checks} (last ${state.lastCheckAt ?? '-'})`);
    if (state.running.length)
      lines.push('', ...state.running.slice(0, 50).map((id) => `- \`${id}\``), state.running.length > 50 ? `- … and ${state.running.length - 50} more` : '');
    if (state.alertedAt) lines.push('', `Merchant alerted ${state.alertedAt}.`);
    if (lastError) lines.push('', `Last problem: ${lastError}`);
    if (!done) lines.push('', 'Signal `recheck` to check again now (e.g. after cancelling the orders still running).');
    setCurrentDetails(lines.join('\n'));
  }
}

/**
 * customers/data_request: record which of the customer's orders cellarhand holds (this workflow's
 * history and result are the record) and tell the merchant, who provides the data to the customer.
 */
export async function customerDataRequestWorkflow(input: DataRequestInput): Promise<DataRequestOutcome> {
  const email = onRateLimitedQueue<PrivacyActivities>('email', PRIVACY_EMAIL);
  const { workflowId } = workflowInfo();
  const { held, notHeld } = await temporal.findHeldOrders({ shopDomain: input.shopDomain, orderIds: unique(input.orderIds) });
  const summary = `Data request ${input.dataRequestId} for customer ${input.customerId}: cellarhand holds ${held.length} of ${input.orderIds.length} listed orders.`;
  setCurrentDetails(
    [`**${summary}**`, '', ...held.map((o) => `- ${o.shopifyOrderName ?? o.shopifyOrderId} (\`${o.workflowId}\`, ${o.status ?? 'unknown'})`)].join('\n'),
  );
  const { emailId } = await email.sendPrivacyEmail({
    kind: 'data_request',
    dataRequestId: input.dataRequestId,
    customerId: input.customerId,
    held,
    notHeldOrderIds: notHeld,
    receivedAt: input.receivedAt,
    workflowId,
    idempotencyKey: `${workflowId}/data-request-email`,
  });
  setCurrentDetails(
    [
      `**${summary}**`,
      `The merchant was emailed (${emailId}).`,
      '',
      ...held.map((o) => `- ${o.shopifyOrderName ?? o.shopifyOrderId} (\`${o.workflowId}\`)`),
    ].join('\n'),
  );
  return { held, notHeldOrderIds: notHeld, emailId };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
