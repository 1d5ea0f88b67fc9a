// Part 4, parked orders: N orders with a SKU Vinoshipper does not know park in needs_attention /
// product_missing (each after one catalogue check and one issue email). Creating them is setup:
// placed in the sandbox store (the write-back needs them there later), then handed to Temporal
// with the same signal-with-start the webhook route makes (OrderWorkflows.deliverSnapshot), without
// the HTTP hop. Once all are parked and have sat for --settle seconds, the worker's resident memory
// is read. The correction is the Vinoshipper-side fix the README describes: the product is added in
// Vinoshipper, then every order gets `retry` (the signal the ops API and the Web UI send; sent
// here with the Temporal client, 50 in flight). Measured: from the first retry until visibility
// counts all N submitted, and per order, from its retry signal to its OrderStatus=submitted
// upsert, both server timestamps read from its history (millisecond resolution).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { retrySignal, statusQuery } from '../../../domain';
import { OrderWorkflows } from '../../../temporal/order-workflows';
import { historyToJSON } from '../../../test/helpers/history-json';
import { projectRoot } from '../../temporal-binaries';
import { cpuWindow, restingRss, rssOf, sampler, stackPids, startStack, stopStack, waitForCount, workerWarningsAbout, type CpuShares } from '../processes';
import { addProduct, handOver, MISSING_SKU, placeOrders } from '../shop';
import { inPool, summarize, type LatencySummary } from '../stats';
import { ORDER_QUERY, type PartContext } from './context';

const EventType = temporal.api.enums.v1.EventType;
const PendingWorkflowTaskState = temporal.api.enums.v1.PendingWorkflowTaskState;
const WorkflowTaskFailedCause = temporal.api.enums.v1.WorkflowTaskFailedCause;

export interface ParkedResult {
  n: number;
  parked: number;
  setupMs: number;
  /** Worker RSS at the end of the settle, and the highest seen while the orders were parking. */
  workerRssParked: number;
  workerRssSetupPeak: number;
  serverRssParked: number;
  correctionsSentMs: number;
  /** First retry sent → all N counted submitted (polled every 500 ms); null if not all got there. */
  allSubmittedMs: number | null;
  /** First retry sent → the last submitted upsert in any history (exact). */
  lastSubmittedMs: number;
  submitted: number;
  perOrder: LatencySummary;
  workerRssResumePeak: number;
  /** Orders visibility did not count submitted when the wait ended (at most NOT_RESUMED_SHOWN): where each stands, read from the workflow. */
  notResumed: NotResumed[];
  /** While they resumed. */
  cpu: CpuShares;
}

export interface NotResumed {
  workflowId: string;
  status: string;
  issue: string | null;
  /** Its last timeline entries, oldest first (or why the query failed). */
  lastEvents: string[];
  /** From describe: the workflow task waiting or running (state and attempt), and the activities. */
  pendingWorkflowTask?: string | null;
  pendingActivities?: string[];
  /** Its last history events, oldest first; the whole history is written to historyFile. */
  historyTail?: string[];
  historyFile?: string;
  /** The worker's warnings and errors that name it. */
  workerWarnings?: string[];
}

/** How many of the orders that did not resume are read back and shown. */
const NOT_RESUMED_SHOWN = 10;
const IN_FLIGHT = 50;
const HISTORY_READS_IN_FLIGHT = 20;

export async function runParked(ctx: PartContext): Promise<ParkedResult> {
  const { parkedN: n, settleSec } = ctx.options;
  const stack = await startStack(ctx.choice, ctx.built);
  try {
    const client = await stack.client();
    const orders = new OrderWorkflows(client, {
      shopDomain: stack.config.shopify.shopDomain,
      taskQueue: stack.config.temporal.taskQueue,
      settings: stack.config.orders,
    });
    const setupStart = Date.now();
    ctx.log(`parked: placing ${n} orders with an unknown SKU`);
    const deliveries = await placeOrders(stack, n, [MISSING_SKU]);
    const setupRss = sampler(() => stack.rss('worker'), 1000);
    ctx.log(`parked: handing ${n} orders to Temporal (setup, not measured)`);
    let handed = 0;
    await inPool(deliveries, IN_FLIGHT, async (delivery) => {
      await handOver(orders, delivery);
      if (++handed % 2000 === 0) ctx.log(`parked: ${handed}/${n} handed over`);
    });
    const parkedQuery = `${ORDER_QUERY} AND OrderStatus="needs_attention" AND IssueType="product_missing"`;
    let lastLogged = 0;
    const parked = await waitForCount(client, parkedQuery, n, {
      everyMs: 1000,
      stallMs: 120_000,
      onCount: (count) => {
        if (Date.now() - lastLogged > 15_000) {
          lastLogged = Date.now();
          ctx.log(`parked: ${count}/${n} in needs_attention`);
        }
      },
    });
    const setupMs = Date.now() - setupStart;
    const workerRssSetupPeak = setupRss.stop().peak;
    ctx.log(`parked: ${parked.count}/${n} parked after ${(setupMs / 1000).toFixed(0)} s; settling ${settleSec} s`);
    const workerRssParked = await restingRss(() => stack.rss('worker'), settleSec);
    const serverRssParked = rssOf(stack.pid('temporal'));
    ctx.log(`parked: worker RSS ${(workerRssParked / 1e6).toFixed(0)} MB with ${parked.count} parked`);

    // The correction: the product appears in Vinoshipper, then `retry` for every order.
    await addProduct(stack, MISSING_SKU);
    const resumeRss = sampler(() => stack.rss('worker'), 1000);
    const ids = deliveries.map((d) => orders.workflowId(d.id));
    ctx.log(`parked: sending ${n} corrections (retry)`);
    const cpu = cpuWindow(stackPids(stack));
    const t0 = Date.now();
    await inPool(ids, IN_FLIGHT, async (workflowId) => {
      await client.workflow.getHandle(workflowId).signal(retrySignal, { by: 'bench' });
    });
    const correctionsSentMs = Date.now() - t0;
    lastLogged = 0;
    const resumed = await waitForCount(client, `${ORDER_QUERY} AND OrderStatus="submitted"`, n, {
      everyMs: 500,
      stallMs: 120_000,
      onCount: (count) => {
        if (Date.now() - lastLogged > 15_000) {
          lastLogged = Date.now();
          ctx.log(`parked: ${count}/${n} submitted again`);
        }
      },
    });
    const workerRssResumePeak = resumeRss.stop().peak;
    const cpuShares = cpu.stop();
    const notResumed = resumed.count < n ? await whereTheOthersStand(client) : [];
    for (const order of notResumed) ctx.log(`parked: not resumed: ${JSON.stringify(order)}`);
    ctx.log(`parked: reading ${n} histories for per-order times`);
    const perOrderMs: number[] = [];
    let lastSubmittedAt = NaN;
    await inPool(ids, HISTORY_READS_IN_FLIGHT, async (workflowId) => {
      const times = await retryToSubmitted(client, workflowId);
      if (times) {
        perOrderMs.push(times.submittedAt - times.retriedAt);
        lastSubmittedAt = Number.isFinite(lastSubmittedAt) ? Math.max(lastSubmittedAt, times.submittedAt) : times.submittedAt;
      }
    });
    const result: ParkedResult = {
      n,
      parked: parked.count,
      setupMs,
      workerRssParked,
      workerRssSetupPeak,
      serverRssParked,
      correctionsSentMs,
      allSubmittedMs: resumed.reachedAt === null ? null : resumed.reachedAt - t0,
      lastSubmittedMs: lastSubmittedAt - t0,
      submitted: resumed.count,
      perOrder: summarize(perOrderMs),
      workerRssResumePeak,
      notResumed,
      cpu: cpuShares,
    };
    ctx.log(`parked: ${resumed.count}/${n} submitted again; last ${(result.lastSubmittedMs / 1000).toFixed(1)} s after the first correction`);
    return result;
  } finally {
    await stopStack(stack);
  }
}

/** From one order's history: when its `retry` arrived and when it next became `submitted` (server times). */
async function retryToSubmitted(client: Client, workflowId: string): Promise<{ retriedAt: number; submittedAt: number } | null> {
  let retriedAt: number | null = null;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      nextPageToken,
    });
    for (const event of page.history?.events ?? []) {
      const at = tsToMs(event.eventTime);
      if (
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED &&
        event.workflowExecutionSignaledEventAttributes?.signalName === retrySignal.name
      ) {
        retriedAt ??= at;
      } else if (retriedAt !== null && event.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
        const status = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.OrderStatus?.data;
        if (status && JSON.parse(Buffer.from(status).toString('utf8')) === 'submitted') return { retriedAt, submittedAt: at };
      }
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return null;
}

/**
 * The orders not (yet) counted submitted, read while the stack still runs: a slow one and a stuck
 * one look different here. The query answers where the order stands; the history and the pending
 * workflow task say why a workflow cannot answer (a workflow task that keeps failing, e.g. on
 * replay); the whole history is kept in .cellarhand/bench/stuck/ to replay it in a test.
 */
export async function whereTheOthersStand(client: Client): Promise<NotResumed[]> {
  const found: NotResumed[] = [];
  for await (const execution of client.workflow.list({ query: `${ORDER_QUERY} AND OrderStatus!="submitted"` })) {
    if (found.length >= NOT_RESUMED_SHOWN) break;
    const handle = client.workflow.getHandle(execution.workflowId);
    const order: NotResumed = { workflowId: execution.workflowId, status: `(${execution.status.name})`, issue: null, lastEvents: [] };
    try {
      const view = await handle.query(statusQuery);
      order.status = view.status;
      order.issue = view.issue ? `${view.issue.type}: ${view.issue.details}` : null;
      order.lastEvents = view.timeline.slice(-6).map((e) => `${e.at} ${e.event}: ${e.message}`);
    } catch (err) {
      order.lastEvents = [errorChain(err)];
    }
    try {
      const { raw } = await handle.describe();
      const task = raw.pendingWorkflowTask;
      order.pendingWorkflowTask = task ? `${PendingWorkflowTaskState[task.state ?? 0]} attempt ${task.attempt}` : null;
      order.pendingActivities = (raw.pendingActivities ?? []).map(
        (a) => `${a.activityType?.name} attempt ${a.attempt}${a.lastFailure?.message ? `: ${a.lastFailure.message}` : ''}`,
      );
      const history = await handle.fetchHistory();
      order.historyTail = (history.events ?? []).slice(-8).map(describeEvent);
      order.historyFile = keepHistory(execution.workflowId, history);
    } catch (err) {
      order.historyTail = [`(history not read: ${errorChain(err)})`];
    }
    order.workerWarnings = workerWarningsAbout(execution.workflowId);
    found.push(order);
  }
  return found;
}

/** Writes the whole history to .cellarhand/bench/stuck/ (the format test/helpers/history-json reads back); its path from the project root. */
function keepHistory(workflowId: string, history: temporal.api.history.v1.IHistory): string {
  const file = path.join(projectRoot(), '.cellarhand', 'bench', 'stuck', `${workflowId.replace(/[^\w.-]+/g, '_')}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${historyToJSON(history)}\n`);
  return path.relative(projectRoot(), file);
}

/** An event as one line: its type, and for a failed workflow task or activity the failure. */
function describeEvent(event: temporal.api.history.v1.IHistoryEvent): string {
  const type = EventType[event.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(event.eventType);
  const failure = event.workflowTaskFailedEventAttributes?.failure ?? event.activityTaskFailedEventAttributes?.failure;
  const cause = event.workflowTaskFailedEventAttributes?.cause;
  return `${event.eventId} ${type}${cause ? ` (${WorkflowTaskFailedCause[cause]})` : ''}${failure?.message ? `: ${failure.message}` : ''}`;
}

/** An error and its causes in one line (a ServiceError's own message says little: the gRPC cause says why). */
function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(`${e.name}: ${e.message}`);
  return parts.length ? parts.join(' ← ') : String(err);
}
