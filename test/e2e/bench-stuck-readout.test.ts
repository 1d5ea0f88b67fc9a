// The bench's read-out of a parked order that did not resume (scripts/bench/parts/parked.ts), on a
// real server, with the one kind of stuck order it exists for: workflow code that throws on every
// task. It must say why the query fails, show the failing workflow task and its error, and keep the
// history in the replayer's format.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { whereTheOthersStand } from '../../scripts/bench/parts/parked';
import { projectRoot } from '../../scripts/temporal-binaries';
import { OrderStatusKey, ShopDomainKey } from '../../domain';
import { FAILING_WORKFLOWS_PATH, startFailingOrderWorker, type FailingOrderWorker } from '../helpers/failing-order-worker';
import { historyFromJSON } from '../helpers/history-json';
import { startOwnTemporalServer, type OwnTemporalServer } from '../helpers/stack';

const TASK_QUEUE = 'bench-readout-broken';
const WORKFLOW_ID = 'order:bench-readout.myshopify.com:5000000526';

let temporal: OwnTemporalServer;
let worker: FailingOrderWorker;

beforeAll(async () => {
  temporal = await startOwnTemporalServer();
  worker = await startFailingOrderWorker({ address: temporal.env.address, namespace: temporal.env.namespace ?? 'default', taskQueue: TASK_QUEUE });
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await temporal?.stop();
});

test('a stuck order is read to the bottom: the query’s gRPC cause, the failing workflow task and its error, its history kept for the replayer', async () => {
  const { client } = temporal.env;
  const handle = await client.workflow.start('orderWorkflow', {
    workflowId: WORKFLOW_ID,
    taskQueue: TASK_QUEUE,
    typedSearchAttributes: [
      { key: OrderStatusKey, value: 'needs_attention' },
      { key: ShopDomainKey, value: 'bench-readout.myshopify.com' },
    ],
  });
  // Until the task has failed twice (from then on the server refuses the query at once) and visibility lists the order.
  const deadline = Date.now() + 60_000;
  const ready = async () =>
    ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 2 &&
    (await client.workflow.count(`WorkflowId="${WORKFLOW_ID}" AND OrderStatus="needs_attention"`)).count === 1;
  while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const stood = await whereTheOthersStand(client);
  expect(stood).toHaveLength(1);
  const [order] = stood;
  expect(order.workflowId).toBe(WORKFLOW_ID);
  expect(order.status).toBe('(RUNNING)');
  // The server refuses the query (its task in failed state) or lets it time out (its task under way), by the task's state at that moment.
  expect(order.lastEvents[0]).toMatch(/^ServiceError: Failed to query Workflow ← .*(Workflow Task in failed state|DEADLINE_EXCEEDED)/);
  expect(order.pendingWorkflowTask).toMatch(/attempt [2-9]/);
  expect(order.historyTail?.join('\n')).toMatch(
    /WORKFLOW_TASK_FAILED \(WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE\): Cannot read properties of undefined/,
  );

  const file = path.join(projectRoot(), order.historyFile!);
  try {
    const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    const failed = history.events?.filter((e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) ?? [];
    expect(failed.length).toBeGreaterThanOrEqual(1);
    // A history the replayer reads (it replays up to the last completed task: none here, so it has nothing to disagree with).
    await expect(Worker.runReplayHistory({ workflowsPath: FAILING_WORKFLOWS_PATH }, history, WORKFLOW_ID)).resolves.toBeUndefined();
  } finally {
    rmSync(file, { force: true });
  }
  await handle.terminate('test over');
}, 120_000);
