// Reconciliation end to end: no order is lost even when its webhook is. The schedule's run lists
// the sandbox store's changed orders through the Admin GraphQL API and start-or-signals each one.
import { WorkflowNotFoundError, type Client, type ScheduleHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { RECONCILIATION_SCHEDULE_ID, orderWorkflowId, type ReconciliationResult } from '../../domain';
import { StackDriver } from '../../sandbox/driver';
import { ensureReconciliationSchedule } from '../../worker/schedules';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
let client: Client;
let schedule: ScheduleHandle;
beforeAll(async () => {
  // A long interval: the tests trigger runs themselves, except the last one.
  stack = await startStack({ env: { RECONCILE_INTERVAL: '1h' } });
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  client = stack.env.client;
  schedule = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const LINE = { line_items: [{ sku: 'CHARD-2023-750', quantity: 1, price: '28.00' }] };

/** Triggers the schedule now and returns the run's result. */
async function reconcileNow(): Promise<ReconciliationResult> {
  const before = (await schedule.describe()).info.numActionsTaken;
  await schedule.trigger();
  const action = await waitFor('the schedule to start a run', async () => {
    const info = (await schedule.describe()).info;
    return info.numActionsTaken > before && info.recentActions[info.recentActions.length - 1];
  });
  return client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId).result();
}

const { EventType } = temporal.api.enums.v1;

async function events(workflowId: string) {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** Waits until the workflow got a signal after `from` events and finished the task handling it; returns what it scheduled then. */
async function reactionToSignal(workflowId: string, from: number): Promise<string[]> {
  return waitFor(`${workflowId} to handle the reconciliation's snapshot`, async () => {
    const all = await events(workflowId);
    const signalled = all.findIndex((e, i) => i >= from && e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    if (signalled < 0) return null;
    const handled = all.findIndex((e, i) => i > signalled && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (handled < 0) return null;
    return all
      .slice(signalled)
      .flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
  });
}

async function hasWorkflow(id: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(orderWorkflowId(stack.config.shopify.shopDomain, id)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

test('the worker’s schedule: created once, every RECONCILE_INTERVAL, overlapping runs skipped', async () => {
  expect(await ensureReconciliationSchedule(client, stack.config)).toBe('created');
  expect(await ensureReconciliationSchedule(client, stack.config)).toBe('unchanged');
  const description = await schedule.describe();
  expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
  expect(description.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 3_600_000 });
  expect(description.action).toMatchObject({ workflowType: 'reconcileOrdersWorkflow', taskQueue: stack.config.temporal.taskQueue });
  expect(description.state.paused).toBe(false);
});

test('an order whose webhook never came is found by reconciliation and reaches submitted', async () => {
  const order = await shop.placeOrder(LINE, { webhook: false });
  expect(stack.sandbox.shopify.deliveries().some((d) => d.orderId === order.id)).toBe(false);
  expect(await hasWorkflow(order.id)).toBe(false);

  const run = await reconcileNow();
  expect(run.listed).toBeGreaterThanOrEqual(1);
  expect(run.delivered).toBeGreaterThanOrEqual(1);
  expect(run.summary).toMatch(/handed to their workflow/);

  const view = await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  expect(view.vinoshipperOrderNumber).toBe(order.vinoshipperOrderNumber);
  expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);
  await shop.waitForListing(order.id, 'submitted');

  // The Web UI shows what the run did: its memo carries the one-line summary.
  const memo = await waitFor('the run in visibility with its summary', async () => {
    for await (const wf of client.workflow.list({ query: `WorkflowType="reconcileOrdersWorkflow" AND ExecutionStatus="Completed"` })) {
      if (typeof wf.memo?.summary === 'string') return wf.memo.summary;
    }
    return null;
  });
  expect(memo).toMatch(/Shopify orders? changed since/);
}, 60_000);

test('an order already up to date gets no second submission, and a finished one is never restarted', async () => {
  const current = await shop.placeOrder(LINE);
  await shop.waitForOrder(current.id, 'submitted and written back', (v) => v.status === 'submitted' && v.timeline.some((e) => e.event === 'written_back'));
  const finished = await shop.placeOrder(LINE);
  await shop.waitForOrder(finished.id, 'submitted', (v) => v.status === 'submitted');
  await shop.cancelOrderInShopify(finished.id);
  const finishedHandle = client.workflow.getHandle(orderWorkflowId(stack.config.shopify.shopDomain, finished.id));
  await waitFor('the cancelled order’s workflow to finish', async () => (await finishedHandle.describe()).status.name === 'COMPLETED');
  const finishedRun = (await finishedHandle.describe()).runId;

  // The echo of our own write-back has been delivered too: what comes next is the reconciliation's.
  await waitFor('the write-back echo', async () =>
    stack.sandbox.shopify.deliveries().some((d) => d.orderId === current.id && d.topic === 'orders/updated' && d.status === 200),
  );
  const currentId = orderWorkflowId(stack.config.shopify.shopDomain, current.id);
  const before = (await events(currentId)).length;
  const run = await reconcileNow();
  expect(run.finished).toBeGreaterThanOrEqual(1);

  // Seen again, changed nothing: the snapshot arrives and is ignored (nothing scheduled), one
  // submission, no resend, the finished order still the same run.
  expect(await reactionToSignal(currentId, before)).toEqual([]);
  const view = await shop.status(current.id);
  expect(view.status).toBe('submitted');
  expect(view.timeline.some((e) => e.event === 'resending')).toBe(false);
  expect((await shop.vinoshipperOrder(current.vinoshipperOrderNumber)).submissions).toBe(1);
  const after = await finishedHandle.describe();
  expect(after.runId).toBe(finishedRun);
  expect(after.status.name).toBe('COMPLETED');
  expect((await shop.vinoshipperOrder(finished.vinoshipperOrderNumber)).submissions).toBe(1);
}, 60_000);

test('a shorter RECONCILE_INTERVAL updates the schedule, which then catches a lost order by itself; disabled pauses it', async () => {
  const fast = { ...stack.config, reconciliation: { ...stack.config.reconciliation, intervalMs: 2_000 } };
  expect(await ensureReconciliationSchedule(client, fast)).toBe('updated');
  expect((await schedule.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 2_000 })]);

  const order = await shop.placeOrder(LINE, { webhook: false });
  await shop.waitForOrder(order.id, 'submitted without a trigger', (v) => v.status === 'submitted');
  expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);

  const off = { ...fast, reconciliation: { ...fast.reconciliation, enabled: false } };
  expect(await ensureReconciliationSchedule(client, off)).toBe('paused');
  const paused = await schedule.describe();
  expect(paused.state.paused).toBe(true);
  expect(paused.state.note).toMatch(/RECONCILE_ENABLED=false/);
  // Enabled again: running again.
  expect(await ensureReconciliationSchedule(client, fast)).toBe('updated');
  expect((await schedule.describe()).state.paused).toBe(false);
}, 60_000);
