// Reconciliation's pure parts: the window each run covers, its one-line summary, and the schedule
// it is run by.
import { loadConfig } from '../../config';
import { DEFAULT_RECONCILIATION_SETTINGS, reconciliationSummary, reconciliationWindowStart, type ReconciliationSettings } from '../../domain';
import { reconciliationScheduleOptions } from '../../worker/schedules';

const MIN = 60_000;
const DAY = 86_400_000;
const now = Date.parse('2026-10-01T12:00:00.000Z');
const settings: ReconciliationSettings = { intervalMs: 5 * MIN, maxLookbackMs: 7 * DAY, overlapMs: 2 * MIN };
const iso = (ms: number) => new Date(ms).toISOString();

describe('reconciliationWindowStart', () => {
  test('after a completed run: that run’s start minus the overlap', () => {
    const start = reconciliationWindowStart(now, { lastCompletedRunStartedAt: iso(now - 5 * MIN), scheduleCreatedAt: iso(now - 30 * DAY) }, settings);
    expect(start).toBe(now - 7 * MIN);
  });

  test('a worker down for a day catches up the whole day', () => {
    const start = reconciliationWindowStart(now, { lastCompletedRunStartedAt: iso(now - DAY), scheduleCreatedAt: null }, settings);
    expect(start).toBe(now - DAY - 2 * MIN);
  });

  test('never further back than the maximum look-back', () => {
    const start = reconciliationWindowStart(now, { lastCompletedRunStartedAt: iso(now - 30 * DAY), scheduleCreatedAt: null }, settings);
    expect(start).toBe(now - 7 * DAY);
  });

  test('first run of a fresh install: from the schedule’s creation, not a week back', () => {
    const start = reconciliationWindowStart(now, { lastCompletedRunStartedAt: null, scheduleCreatedAt: iso(now - 10_000) }, settings);
    expect(start).toBe(now - 10_000 - 2 * MIN);
  });

  test('no completed run and an old schedule (history expired): bounded by the look-back', () => {
    const start = reconciliationWindowStart(now, { lastCompletedRunStartedAt: null, scheduleCreatedAt: iso(now - 90 * DAY) }, settings);
    expect(start).toBe(now - 7 * DAY);
  });

  test('a manual run with no schedule and no history: one interval plus the overlap', () => {
    expect(reconciliationWindowStart(now, { lastCompletedRunStartedAt: null, scheduleCreatedAt: null }, settings)).toBe(now - 7 * MIN);
  });

  test('a clock skewed into the future is treated as now; garbage as absent', () => {
    expect(reconciliationWindowStart(now, { lastCompletedRunStartedAt: iso(now + DAY), scheduleCreatedAt: null }, settings)).toBe(now - 2 * MIN);
    expect(reconciliationWindowStart(now, { lastCompletedRunStartedAt: 'yesterday', scheduleCreatedAt: null }, settings)).toBe(now - 7 * MIN);
  });
});

test('the summary says what a run did in one line', () => {
  expect(reconciliationSummary('2026-10-01T11:53:00.000Z', { listed: 0, delivered: 0, finished: 0, pages: 1 })).toBe(
    'No Shopify orders changed since 2026-10-01T11:53:00.000Z.',
  );
  expect(reconciliationSummary('2026-10-01T11:53:00.000Z', { listed: 3, delivered: 2, finished: 1, pages: 1 })).toBe(
    '3 Shopify orders changed since 2026-10-01T11:53:00.000Z: 2 handed to their workflow, 1 already finished.',
  );
});

test('the schedule follows the configuration: interval, SKIP, a catch-up window of one interval', () => {
  const config = loadConfig({ RECONCILE_INTERVAL: '5m', RECONCILE_MAX_LOOKBACK: '3d', TEMPORAL_TASK_QUEUE: 'orders-q' });
  const options = reconciliationScheduleOptions(config);
  expect(options.scheduleId).toBe('cellarhand-reconcile-orders');
  expect(options.spec.intervals).toEqual([{ every: 5 * MIN }]);
  expect(options.policies).toEqual({ overlap: 'SKIP', catchupWindow: 5 * MIN });
  expect(options.action).toMatchObject({ workflowType: 'reconcileOrdersWorkflow', taskQueue: 'orders-q' });
  expect(options.action.args).toEqual([{ intervalMs: 5 * MIN, maxLookbackMs: 3 * DAY, overlapMs: DEFAULT_RECONCILIATION_SETTINGS.overlapMs }]);
});

test('a very short interval is whole seconds, with the smallest catch-up window Temporal accepts', () => {
  const options = reconciliationScheduleOptions(loadConfig({ RECONCILE_INTERVAL: '1500ms' }));
  expect(options.spec.intervals).toEqual([{ every: 2_000 }]);
  expect(options.policies?.catchupWindow).toBe(10_000);
});
