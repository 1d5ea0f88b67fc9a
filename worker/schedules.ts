// cellarhand's Temporal Schedules, kept in line with configuration at every worker start: created
// when missing, updated when the configuration changed, paused with a note while turned off.
// - `cellarhand-reconcile-orders`: every RECONCILE_INTERVAL, catches webhooks that were late or lost.
// - `cellarhand-catalog-check`: every CATALOG_CHECK_INTERVAL, compares the Shopify and Vinoshipper SKUs
//   (its first run starts as soon as it is created).
// - `cellarhand-daily-digest`: once a day at DAILY_DIGEST_TIME in DAILY_DIGEST_TIMEZONE.
// Their runs are ordinary workflows: the Web UI lists them under the schedule, each with a summary.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import {
  CATALOG_CHECK_SCHEDULE_ID,
  CATALOG_CHECK_WORKFLOW_TYPE,
  DAILY_DIGEST_SCHEDULE_ID,
  DAILY_DIGEST_WORKFLOW_TYPE,
  DEFAULT_RECONCILIATION_SETTINGS,
  RECONCILIATION_SCHEDULE_ID,
  RECONCILIATION_WORKFLOW_TYPE,
  type ReconciliationSettings,
} from '../domain';

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'paused' | 'absent';

/** Temporal refuses a catch-up window under 10 s. */
const MIN_CATCHUP_MS = 10_000;

interface ManagedSchedule {
  enabled: boolean;
  desired: ScheduleOptions;
  /** The state note while paused by configuration (the desired state's note is the one while enabled). */
  disabledNote: string;
  /** Run once at creation (the catalogue check: a new install learns about its mismatches at once). */
  triggerOnCreate?: boolean;
}

/** Schedules count in whole seconds. */
function wholeSeconds(ms: number): number {
  return Math.max(1_000, Math.round(ms / 1_000) * 1_000);
}

/** A schedule that starts `workflowType` every `every` ms, one run at a time, one catch-up run after an outage. */
function intervalSchedule(
  taskQueue: string,
  opts: { scheduleId: string; workflowType: string; every: number; args: unknown[]; summary: string; note: string },
): ScheduleOptions {
  return {
    scheduleId: opts.scheduleId,
    spec: { intervals: [{ every: opts.every }] },
    action: { type: 'startWorkflow', workflowType: opts.workflowType, workflowId: opts.scheduleId, taskQueue, args: opts.args, staticSummary: opts.summary },
    // A run still going when the next is due: skip the next (the following one covers the same
    // ground). After an outage, one catch-up run is enough: each run looks at everything since.
    policies: { overlap: 'SKIP', catchupWindow: Math.max(MIN_CATCHUP_MS, opts.every) },
    state: { note: opts.note },
  };
}

export function reconciliationScheduleOptions(config: Pick<Config, 'temporal' | 'reconciliation'>): ScheduleOptions {
  const { intervalMs, maxLookbackMs } = config.reconciliation;
  const every = wholeSeconds(intervalMs);
  const settings: ReconciliationSettings = { intervalMs: every, maxLookbackMs, overlapMs: DEFAULT_RECONCILIATION_SETTINGS.overlapMs };
  return intervalSchedule(config.temporal.taskQueue, {
    scheduleId: RECONCILIATION_SCHEDULE_ID,
    workflowType: RECONCILIATION_WORKFLOW_TYPE,
    every,
    args: [settings],
    summary: 'Reconcile Shopify orders: catch webhooks that were late or lost',
    note: 'Managed by cellarhand (RECONCILE_ENABLED, RECONCILE_INTERVAL, RECONCILE_MAX_LOOKBACK)',
  });
}

export function ensureReconciliationSchedule(client: Client, config: Pick<Config, 'temporal' | 'reconciliation'>): Promise<ScheduleOutcome> {
  return ensureSchedule(client, {
    enabled: config.reconciliation.enabled,
    desired: reconciliationScheduleOptions(config),
    disabledNote: 'Paused by cellarhand: RECONCILE_ENABLED=false',
  });
}

export function catalogCheckScheduleOptions(config: Pick<Config, 'temporal' | 'catalogCheck'>): ScheduleOptions {
  return intervalSchedule(config.temporal.taskQueue, {
    scheduleId: CATALOG_CHECK_SCHEDULE_ID,
    workflowType: CATALOG_CHECK_WORKFLOW_TYPE,
    every: wholeSeconds(config.catalogCheck.intervalMs),
    args: [],
    summary: 'Catalogue check: Shopify SKUs against Vinoshipper products',
    note: 'Managed by cellarhand (CATALOG_CHECK_ENABLED, CATALOG_CHECK_INTERVAL)',
  });
}

export function ensureCatalogCheckSchedule(client: Client, config: Pick<Config, 'temporal' | 'catalogCheck'>): Promise<ScheduleOutcome> {
  return ensureSchedule(client, {
    enabled: config.catalogCheck.enabled,
    desired: catalogCheckScheduleOptions(config),
    disabledNote: 'Paused by cellarhand: CATALOG_CHECK_ENABLED=false',
    triggerOnCreate: true,
  });
}

export function dailyDigestScheduleOptions(config: Pick<Config, 'temporal' | 'alerts'>): ScheduleOptions {
  const { hour, minute, timeZone } = config.alerts.dailyDigest;
  const at = clock(hour, minute);
  return {
    scheduleId: DAILY_DIGEST_SCHEDULE_ID,
    // A calendar in the winery's zone: 08:00 stays 08:00 across daylight saving time.
    spec: { calendars: [{ hour, minute, comment: `daily at ${at} ${timeZone}` }], timezone: timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: DAILY_DIGEST_WORKFLOW_TYPE,
      workflowId: DAILY_DIGEST_SCHEDULE_ID,
      taskQueue: config.temporal.taskQueue,
      args: [],
      staticSummary: 'Daily digest: every order that still needs attention',
    },
    // A digest missed by more than an hour (worker down at 08:00) is skipped: the next day's comes.
    policies: { overlap: 'SKIP', catchupWindow: 3_600_000 },
    state: { note: 'Managed by cellarhand (DAILY_DIGEST_ENABLED, DAILY_DIGEST_TIME, DAILY_DIGEST_TIMEZONE)' },
  };
}

export function ensureDailyDigestSchedule(client: Client, config: Pick<Config, 'temporal' | 'alerts'>): Promise<ScheduleOutcome> {
  return ensureSchedule(client, {
    enabled: config.alerts.dailyDigest.enabled,
    desired: dailyDigestScheduleOptions(config),
    disabledNote: 'Paused by cellarhand: DAILY_DIGEST_ENABLED=false',
  });
}

export interface ScheduleReport {
  name: string;
  outcome: ScheduleOutcome | null;
  /** How it is configured, for the worker's log ("every 300 s", "DAILY_DIGEST_ENABLED=false"). */
  detail: string;
  error: string | null;
  /** What is missing while it cannot be set up. */
  impact: string;
}

/** Every schedule, each on its own: one that cannot be set up does not keep the others from it. */
export async function ensureSchedules(
  client: Client,
  config: Pick<Config, 'temporal' | 'reconciliation' | 'catalogCheck' | 'alerts'>,
): Promise<ScheduleReport[]> {
  const { reconciliation, catalogCheck, alerts } = config;
  const digest = alerts.dailyDigest;
  const all = [
    {
      name: 'reconciliation',
      ensure: () => ensureReconciliationSchedule(client, config),
      detail: reconciliation.enabled ? `every ${duration(reconciliation.intervalMs)}` : 'RECONCILE_ENABLED=false',
      impact: 'lost webhooks will NOT be caught up',
    },
    {
      name: 'catalogue check',
      ensure: () => ensureCatalogCheckSchedule(client, config),
      detail: catalogCheck.enabled ? `every ${duration(catalogCheck.intervalMs)}` : 'CATALOG_CHECK_ENABLED=false',
      impact: 'SKU mismatches are found only when an order fails',
    },
    {
      name: 'daily digest',
      ensure: () => ensureDailyDigestSchedule(client, config),
      detail: digest.enabled ? `daily at ${clock(digest.hour, digest.minute)} ${digest.timeZone}` : 'DAILY_DIGEST_ENABLED=false',
      impact: 'no daily digest email',
    },
  ];
  const reports: ScheduleReport[] = [];
  for (const { ensure, ...about } of all) {
    try {
      reports.push({ ...about, outcome: await ensure(), error: null });
    } catch (err) {
      reports.push({ ...about, outcome: null, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return reports;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

async function ensureSchedule(client: Client, managed: ManagedSchedule): Promise<ScheduleOutcome> {
  const { desired } = managed;
  const handle = client.schedule.getHandle(desired.scheduleId);
  let current = await describe(client, desired.scheduleId);
  if (!managed.enabled) {
    if (!current) return 'absent';
    if (!current.state.paused) await handle.pause(managed.disabledNote);
    return 'paused';
  }
  if (!current) {
    try {
      await client.schedule.create({ ...desired, state: { ...desired.state, triggerImmediately: managed.triggerOnCreate } });
      return 'created';
    } catch (err) {
      // Another worker created it a moment ago: check it like an existing one.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      current = await describe(client, desired.scheduleId);
      if (!current) throw err;
    }
  }
  if (!current.state.paused && matches(current, desired)) return 'unchanged';
  await handle.update((previous) => ({
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
    typedSearchAttributes: previous.typedSearchAttributes,
    state: { paused: false, note: desired.state?.note },
  }));
  return 'updated';
}

async function describe(client: Client, scheduleId: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

function matches(current: ScheduleDescription, desired: ScheduleOptions): boolean {
  const intervals = current.spec.intervals ?? [];
  const wantedIntervals = desired.spec.intervals ?? [];
  const calendars = current.spec.calendars ?? [];
  const wantedCalendars = desired.spec.calendars ?? [];
  return (
    intervals.length === wantedIntervals.length &&
    intervals.every((interval, i) => interval.every === wantedIntervals[i].every) &&
    calendars.length === wantedCalendars.length &&
    // The comment names the time and zone (see dailyDigestScheduleOptions).
    calendars.every((calendar, i) => calendar.comment === wantedCalendars[i].comment) &&
    (current.spec.timezone ?? '') === (desired.spec.timezone ?? '') &&
    current.action.workflowType === desired.action.workflowType &&
    current.action.taskQueue === desired.action.taskQueue &&
    JSON.stringify(current.action.args ?? []) === JSON.stringify(desired.action.args ?? []) &&
    current.policies.overlap === desired.policies?.overlap &&
    current.policies.catchupWindow === desired.policies?.catchupWindow
  );
}
