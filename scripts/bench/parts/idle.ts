// Idle cost: one order that waits 30 days between acceptance and shipment, with no webhook hint, on
// the time-skipping test server (the in-process test stack: real workflow bundle, real activities
// against the sandbox, real timers; days pass in seconds). From the moment the order is
// `submitted` and has nothing in flight until 30 days later, its recorded history (every run, if
// it continued as new) is counted the way Temporal Cloud bills (scripts/bench/billable.ts), and
// its Vinoshipper calls are the attempts of activities on the Vinoshipper task queue (each re-read
// is one HTTP request).
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../../../domain';
import { StackDriver } from '../../../sandbox/driver';
import globalSetup from '../../../test/helpers/global-setup';
import { startStack } from '../../../test/helpers/stack';
import { addCosts, historyCost, type HistoryCost } from '../billable';
import type { PartContext } from './context';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;
const DAY = 24 * 3_600_000;
/** Workflow time moves in steps this long, each after the order settled (no task or activity in flight). */
const STEP_MS = 6 * 3_600_000;

export interface IdleResult {
  days: number;
  /** Billable actions and the work behind them over the idle days. */
  cost: HistoryCost;
  vinoshipperCalls: number;
  /** Runs of the order the idle days spanned (continue-as-new adds one). */
  runs: number;
  /** The safety-net looks in those days: timers that fired. */
  timersFired: number;
  /** The RECHECK_BACKOFF the order ran with. */
  backoff: string;
}

export async function runIdle(ctx: PartContext, days = 30): Promise<IdleResult> {
  // The test stack's executables and the workflow bundle (as jest's global setup provides them).
  await globalSetup();
  const stack = await startStack({ server: 'time-skipping', env: { RECONCILE_ENABLED: 'false' } });
  try {
    const shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 60_000 });
    const order = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }] });
    await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
    const handle = stack.env.client.workflow.getHandle(orderWorkflowId(stack.config.shopify.shopDomain, order.id));
    await settle(handle);
    // The write-back's echo (Shopify's orders/updated) and Vinoshipper's hint come back through the
    // API a moment later: part of the happy path, not of the wait.
    await new Promise((r) => setTimeout(r, 1_000));
    await settle(handle);
    const { runId } = await handle.describe();
    const fromEvent = (await history(handle, runId)).length;
    ctx.log(`idle: order ${order.name} submitted; letting ${days} days pass without a webhook`);
    for (let passed = 0; passed < days * DAY; passed += STEP_MS) {
      await stack.env.sleep(STEP_MS);
      await settle(handle);
    }
    // Every run the idle days touched: the one that was running at acceptance, then any it continued as.
    const runs: HistoryEvent[][] = [];
    for (let id: string | undefined = runId; id;) {
      const events = await history(handle, id);
      runs.push(runs.length === 0 ? events.slice(fromEvent) : events);
      id = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    const cost = addCosts(...runs.map((events, i) => historyCost(events, { signalWithStart: i > 0 })));
    const vinoshipperCalls = runs.reduce((sum, events) => sum + vinoshipperAttempts(events), 0);
    const timersFired = runs.flat().filter((e) => e.eventType === T.EVENT_TYPE_TIMER_FIRED).length;
    const backoff = stack.config.orders.recheckBackoffMs
      .map((ms) => (ms >= DAY ? `${ms / DAY}d` : ms >= 3_600_000 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`))
      .join(',');
    ctx.log(`idle: ${days} days cost ${cost.actions} actions (${timersFired} looks), ${vinoshipperCalls} Vinoshipper calls, ${runs.length} run(s)`);
    return { days, cost, vinoshipperCalls, runs: runs.length, timersFired, backoff };
  } finally {
    await stack.stop();
  }
}

async function history(handle: WorkflowHandle, runId: string): Promise<HistoryEvent[]> {
  const { events } = await handle.client.getHandle(handle.workflowId, runId).fetchHistory();
  return events ?? [];
}

/** Attempts of activities scheduled on the Vinoshipper task queue (retries included). */
function vinoshipperAttempts(events: readonly HistoryEvent[]): number {
  const onVinoshipper = new Set<string>();
  let attempts = 0;
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.taskQueue?.name?.endsWith('-vinoshipper')) onVinoshipper.add(String(event.eventId));
    const started = event.activityTaskStartedEventAttributes;
    if (started && onVinoshipper.has(String(started.scheduledEventId))) attempts += Math.max(1, Number(started.attempt ?? 1));
  }
  return attempts;
}

/** Until the order has no workflow task and no activity in flight (real time; a few seconds at most). */
async function settle(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask && !raw.pendingActivities?.length) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
