// The worker's gauges about orders, refreshed from Temporal every ORDER_METRICS_INTERVAL: open
// orders by status and by issue type, and those whose workflow fails (visibility counts), the age
// of the oldest open issue (the `status` query of each order that needs attention), and when
// reconciliation last completed.
//
// Server 1.32 counts with GROUP BY ExecutionStatus only (its `countGroupByExecutionStatus`
// capability; GROUP BY a custom search attribute fails), so each status and issue type is one count.
import type { Client } from '@temporalio/client';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ISSUE_TYPES, ORDER_STATUSES, ORDER_WORKFLOW_TYPE, statusQuery } from '../domain';
import { orderListQuery } from '../temporal/order-workflows';
import { reconciliationHistory } from '../temporal/reconciliation-runs';

/** Orders that need attention whose issue age is read per refresh; beyond it the gauge is a lower bound. */
const MAX_ISSUES_READ = 200;
const CONCURRENCY = 4;
const CALL_TIMEOUT_MS = 5_000;

export interface OrderMetricsOptions {
  registry: Registry;
  client: Client;
  config: Pick<Config, 'temporal' | 'shopify' | 'reconciliation'>;
  logger: Logger;
}

export interface OrderMetrics {
  refresh(): Promise<void>;
  /** Refreshes now and every `intervalMs`; returns a stop function. */
  start(intervalMs: number): () => void;
}

export function orderMetrics({ registry, client, config, logger }: OrderMetricsOptions): OrderMetrics {
  const registers = [registry];
  const openOrders = new Gauge({
    name: 'cellarhand_open_orders',
    help: 'Order workflows still running, by OrderStatus (Temporal visibility)',
    labelNames: ['status'] as const,
    registers,
  });
  const openIssues = new Gauge({
    name: 'cellarhand_open_issues',
    help: 'Running orders in needs_attention, by IssueType (Temporal visibility)',
    labelNames: ['issue_type'] as const,
    registers,
  });
  const oldestIssueAge = new Gauge({
    name: 'cellarhand_oldest_open_issue_age_seconds',
    help: `Age of the oldest open issue among running orders in needs_attention (0 when none; at most ${MAX_ISSUES_READ} orders are read)`,
    registers,
  });
  const workflowsFailing = new Gauge({
    name: 'cellarhand_orders_workflow_failing',
    help: 'Running orders whose workflow task Temporal reports failing or timing out (TemporalReportedProblems); absent when the server cannot say',
    registers,
  });
  const reconciliationLastCompleted = new Gauge({
    name: 'cellarhand_reconciliation_last_completed_timestamp_seconds',
    help: 'Start time of the newest completed reconciliation run (the schedule creation time until one completes; 0 when neither exists)',
    registers,
  });
  const reconciliationEnabled = new Gauge({ name: 'cellarhand_reconciliation_enabled', help: 'RECONCILE_ENABLED (1 or 0)', registers });
  const reconciliationInterval = new Gauge({ name: 'cellarhand_reconciliation_interval_seconds', help: 'RECONCILE_INTERVAL in seconds', registers });
  const lastRefresh = new Gauge({
    name: 'cellarhand_order_metrics_last_refresh_timestamp_seconds',
    help: 'When the order gauges were last refreshed from Temporal',
    registers,
  });
  const refreshFailures = new Counter({ name: 'cellarhand_order_metrics_refresh_failures_total', help: 'Failed refreshes of the order gauges', registers });
  reconciliationEnabled.set(config.reconciliation.enabled ? 1 : 0);
  reconciliationInterval.set(config.reconciliation.intervalMs / 1000);

  const orders = `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ExecutionStatus="Running" AND ShopDomain="${config.shopify.shopDomain}"`;
  const needsAttention = `${orders} AND OrderStatus="needs_attention"`;
  const withDeadline = <T>(call: () => Promise<T>) => client.withDeadline(Date.now() + CALL_TIMEOUT_MS, call);
  const count = async (query: string) => (await withDeadline(() => client.workflow.count(query))).count;

  async function refreshCounts(): Promise<void> {
    const byStatus = await mapLimit(ORDER_STATUSES, (status) => count(`${orders} AND OrderStatus="${status}"`));
    const byIssue = await mapLimit(ISSUE_TYPES, (type) => count(`${needsAttention} AND IssueType="${type}"`));
    // Its own count: a server older than 1.28 rejects the attribute, and the other gauges still refresh.
    const failing = await count(orderListQuery(config.shopify.shopDomain, { running: true, workflowTaskFailing: true })).catch(() => null);
    ORDER_STATUSES.forEach((status, i) => openOrders.set({ status }, byStatus[i]));
    ISSUE_TYPES.forEach((type, i) => openIssues.set({ issue_type: type }, byIssue[i]));
    if (failing === null) workflowsFailing.reset();
    else workflowsFailing.set(failing);
  }

  async function refreshOldestIssue(): Promise<void> {
    const workflowIds: string[] = [];
    for await (const wf of client.workflow.list({ query: needsAttention, pageSize: 100 })) {
      workflowIds.push(wf.workflowId);
      if (workflowIds.length >= MAX_ISSUES_READ) break;
    }
    // Visibility has no issue time, the workflow does: ask it. An order that moved on meanwhile is skipped.
    const since = await mapLimit(workflowIds, async (id) => {
      const view = await withDeadline(() => client.workflow.getHandle(id).query(statusQuery)).catch(() => null);
      return view?.issue ? Date.parse(view.issue.since) : NaN;
    });
    const oldest = Math.min(...since.filter((t) => !Number.isNaN(t)));
    oldestIssueAge.set(Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
  }

  async function refreshReconciliation(): Promise<void> {
    const history = await reconciliationHistory(client, config.temporal.taskQueue);
    const at = history.lastCompletedRunStartedAt ?? history.scheduleCreatedAt;
    reconciliationLastCompleted.set(at ? Date.parse(at) / 1000 : 0);
  }

  async function refresh(): Promise<void> {
    try {
      await Promise.all([refreshCounts(), refreshOldestIssue(), refreshReconciliation()]);
      lastRefresh.set(Date.now() / 1000);
    } catch (err) {
      refreshFailures.inc();
      logger.warn({ err }, 'order metrics: refresh from Temporal failed; the gauges keep their last values');
    }
  }

  return {
    refresh,
    start(intervalMs) {
      let running: Promise<void> | null = null;
      const tick = () => {
        running ??= refresh().finally(() => (running = null));
      };
      tick();
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** `fn` over `items`, at most `concurrency` at a time, results in order. Also used by the console's bulk requests. */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, concurrency = CONCURRENCY): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
