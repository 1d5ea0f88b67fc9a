// Reconciliation: Shopify may deliver a webhook a day late or not at all, so a Temporal Schedule
// runs `reconcileOrdersWorkflow` every few minutes. It lists the orders changed since the last
// completed run through the Admin API and start-or-signals each one, exactly as its webhook would
// have. Pure vocabulary and arithmetic here (bundled into the workflow).

export const RECONCILIATION_SCHEDULE_ID = 'cellarhand-reconcile-orders';
export const RECONCILIATION_WORKFLOW_TYPE = 'reconcileOrdersWorkflow';

export interface ReconciliationSettings {
  /** How often the schedule runs (RECONCILE_INTERVAL). */
  intervalMs: number;
  /** Never look further back than this (RECONCILE_MAX_LOOKBACK). */
  maxLookbackMs: number;
  /**
   * Each window starts this much before the previous run's start: Shopify's search index may lag a
   * little behind a change, and an order seen twice costs one ignored signal.
   */
  overlapMs: number;
}

export const DEFAULT_RECONCILIATION_SETTINGS: ReconciliationSettings = {
  intervalMs: 5 * 60_000,
  maxLookbackMs: 7 * 86_400_000,
  overlapMs: 2 * 60_000,
};

/** What the workflow learns from Temporal before it picks its window. */
export interface ReconciliationHistory {
  /** Start time (ISO) of the newest completed reconciliation run on this task queue, if any. */
  lastCompletedRunStartedAt: string | null;
  /** When the schedule was created (ISO), if it exists: the "first run" anchor. */
  scheduleCreatedAt: string | null;
}

/**
 * The start of this run's window, in ms since the epoch:
 * - after a completed run: that run's start minus the overlap (so nothing between two runs is missed,
 *   even if the worker was down for a while), but never before `now - maxLookback`;
 * - with no completed run (a fresh install): from the schedule's creation minus the overlap, so a new
 *   install does not replay a week of old orders into Vinoshipper; without a schedule (a manual run),
 *   one interval plus the overlap.
 */
export function reconciliationWindowStart(nowMs: number, history: ReconciliationHistory, settings: ReconciliationSettings): number {
  const lastRun = parseTime(history.lastCompletedRunStartedAt);
  const created = parseTime(history.scheduleCreatedAt);
  const anchor = lastRun ?? created ?? nowMs - settings.intervalMs;
  const floor = nowMs - settings.maxLookbackMs;
  return Math.max(floor, Math.min(anchor, nowMs) - settings.overlapMs);
}

function parseTime(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export interface ReconcileOrdersInput {
  /** ISO timestamp: orders with `updated_at` at or after it are listed. */
  since: string;
}

export interface ReconciliationCounts {
  /** Orders Shopify listed as changed in the window. */
  listed: number;
  /** Handed to their workflow (started it, or signalled the running one; an up-to-date one ignores it). */
  delivered: number;
  /** Their workflow had already finished: left alone, never restarted. */
  finished: number;
  /** Pages read from the Admin API. */
  pages: number;
}

export interface ReconciliationResult extends ReconciliationCounts {
  since: string;
  /** One line, also in the run's memo (`summary`) for the Web UI. */
  summary: string;
}

export function reconciliationSummary(since: string, counts: ReconciliationCounts): string {
  if (counts.listed === 0) return `No Shopify orders changed since ${since}.`;
  const orders = counts.listed === 1 ? '1 Shopify order' : `${counts.listed} Shopify orders`;
  return `${orders} changed since ${since}: ${counts.delivered} handed to their workflow, ${counts.finished} already finished.`;
}

export interface ReconciliationActivities {
  reconciliationHistory(): Promise<ReconciliationHistory>;
  reconcileOrders(input: ReconcileOrdersInput): Promise<ReconciliationCounts>;
}
