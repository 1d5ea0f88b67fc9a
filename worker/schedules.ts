// The reconciliation schedule, kept in line with configuration at every worker start: created when
// missing, updated when the interval (or task queue, look-back) changed, paused with a note while
// RECONCILE_ENABLED=false. Its runs are ordinary workflows: the Web UI lists them under the
// schedule, each with a one-line summary of what it did.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { DEFAULT_RECONCILIATION_SETTINGS, RECONCILIATION_SCHEDULE_ID, RECONCILIATION_WORKFLOW_TYPE, type ReconciliationSettings } from '../domain';

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'paused' | 'absent';

/** Temporal refuses a catch-up window under 10 s. */
const MIN_CATCHUP_MS = 10_000;
const DISABLED_NOTE = 'Paused by cellarhand: RECONCILE_ENABLED=false';
const ENABLED_NOTE = 'Managed by cellarhand (RECONCILE_ENABLED, RECONCILE_INTERVAL, RECONCILE_MAX_LOOKBACK)';

export function reconciliationScheduleOptions(config: Pick<Config, 'temporal' | 'reconciliation'>): ScheduleOptions {
  const { intervalMs, maxLookbackMs } = config.reconciliation;
  // Schedules count in whole seconds.
  const every = Math.max(1_000, Math.round(intervalMs / 1_000) * 1_000);
  const settings: ReconciliationSettings = { intervalMs: every, maxLookbackMs, overlapMs: DEFAULT_RECONCILIATION_SETTINGS.overlapMs };
  return {
    scheduleId: RECONCILIATION_SCHEDULE_ID,
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow',
      workflowType: RECONCILIATION_WORKFLOW_TYPE,
      workflowId: RECONCILIATION_SCHEDULE_ID,
      taskQueue: config.temporal.taskQueue,
      args: [settings],
      staticSummary: 'Reconcile Shopify orders: catch webhooks that were late or lost',
    },
    policies: {
      // A run still going when the next is due: skip the next (the following one covers its window).
      overlap: 'SKIP',
      // After an outage, one catch-up run is enough: each run covers everything since the last completed one.
      catchupWindow: Math.max(MIN_CATCHUP_MS, every),
    },
    state: { note: ENABLED_NOTE },
  };
}

export async function ensureReconciliationSchedule(client: Client, config: Pick<Config, 'temporal' | 'reconciliation'>): Promise<ScheduleOutcome> {
  const handle = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
  let current = await describe(client);
  if (!config.reconciliation.enabled) {
    if (!current) return 'absent';
    if (!current.state.paused) await handle.pause(DISABLED_NOTE);
    return 'paused';
  }
  const desired = reconciliationScheduleOptions(config);
  if (!current) {
    try {
      await client.schedule.create(desired);
      return 'created';
    } catch (err) {
      // Another worker created it a moment ago: check it like an existing one.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      current = await describe(client);
      if (!current) throw err;
    }
  }
  if (!current.state.paused && matches(current, desired)) return 'unchanged';
  await handle.update((previous) => ({
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
    typedSearchAttributes: previous.typedSearchAttributes,
    state: { paused: false, note: ENABLED_NOTE },
  }));
  return 'updated';
}

async function describe(client: Client): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

function matches(current: ScheduleDescription, desired: ScheduleOptions): boolean {
  const intervals = current.spec.intervals ?? [];
  const every = desired.spec.intervals?.[0]?.every;
  return (
    intervals.length === 1 &&
    intervals[0].every === every &&
    (current.spec.calendars ?? []).length === 0 &&
    current.action.workflowType === desired.action.workflowType &&
    current.action.taskQueue === desired.action.taskQueue &&
    JSON.stringify(current.action.args) === JSON.stringify(desired.action.args) &&
    current.policies.overlap === desired.policies?.overlap &&
    current.policies.catchupWindow === desired.policies?.catchupWindow
  );
}
