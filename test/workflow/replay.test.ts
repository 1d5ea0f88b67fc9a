// Replays every recorded event history in test/histories/ (`npm run histories:record`) against the
// current workflow code, the bundle global-setup just built. A change that makes the workflow issue
// different commands for an existing history (an activity, timer or signal handled in another
// order, one added or removed without `patched()`) fails here, naming the history, before it can
// break the orders already running in production. See README, "Changing the workflow safely".
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker, makeTelemetryFilterString, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../config';
import { createDataConverter } from '../../temporal/data-converter';
import { historyFromJSON } from '../helpers/history-json';

/** Fewer than this means histories went missing (an empty folder must not pass). Raise it when adding scenarios. */
const MIN_HISTORIES = 30;
const ROOT = join(__dirname, '..', 'histories');
const MANIFEST = 'manifest.json';

interface ManifestEntry {
  file: string;
  scenario: string;
  workflowType: string;
  workflowId: string;
  run: number;
  status: string;
}

interface Recorded {
  /** Relative to test/histories/, e.g. `product-missing.json` or `before-x/product-missing.json`. */
  name: string;
  entry: ManifestEntry | undefined;
  history: temporal.api.history.v1.IHistory;
}

/** Every folder under test/histories/ with its manifest (the top-level set, and any kept older sets). */
function load(dir = ROOT): { recorded: Recorded[]; problems: string[] } {
  const recorded: Recorded[] = [];
  const problems: string[] = [];
  const names = readdirSync(dir);
  const manifestPath = join(dir, MANIFEST);
  const manifest = names.includes(MANIFEST) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { histories: ManifestEntry[] }) : null;
  const files = names.filter((n) => n.endsWith('.json') && n !== MANIFEST);
  if (files.length && !manifest) problems.push(`${relative(ROOT, dir) || '.'}: history files but no ${MANIFEST}`);
  for (const file of files) {
    const name = relative(ROOT, join(dir, file));
    const entry = manifest?.histories.find((e) => e.file === file);
    if (!entry) problems.push(`${name} is not listed in its folder's ${MANIFEST} (its workflow id is unknown)`);
    recorded.push({ name, entry, history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))) });
  }
  for (const entry of manifest?.histories ?? []) {
    if (!files.includes(entry.file)) problems.push(`${relative(ROOT, join(dir, entry.file))} is listed in ${MANIFEST} but missing`);
  }
  for (const sub of names.filter((n) => statSync(join(dir, n)).isDirectory())) {
    const inner = load(join(dir, sub));
    recorded.push(...inner.recorded);
    problems.push(...inner.problems);
  }
  return { recorded, problems };
}

function replayOptions(): ReplayWorkerOptions {
  const codePath = process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('CELLARHAND_TEST_WORKFLOW_BUNDLE is not set: run the tests through jest (test/helpers/global-setup.ts)');
  return {
    // The bundle of the current workflow code, built with the failure converter like the worker's.
    workflowBundle: { codePath },
    // Decodes the sandbox-key payloads the histories were recorded with, as the worker would.
    dataConverter: createDataConverter(loadConfig({ NODE_ENV: 'test' }).codec),
    replayName: 'cellarhand-replay-test',
  };
}

/** Replays all of them on one replay worker; results come back one per history, in order. */
async function replay(histories: Recorded[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const input = histories.map((h) => ({ history: h.history, workflowId: h.entry?.workflowId ?? 'unknown' }));
  for await (const result of Worker.runReplayHistories(replayOptions(), input)) results.push(result);
  return results;
}

function explain(name: string, entry: ManifestEntry | undefined, error: Error): string {
  return [
    `${name} (${entry?.workflowType ?? '?'} ${entry?.workflowId ?? '?'}, run ${entry?.run ?? '?'}) does not replay on the current workflow code:`,
    `${error.name}: ${error.message}`,
    error instanceof DeterminismViolationError
      ? 'The code now issues different commands than the history recorded. Workflows of this shape may be running: guard the change with patched() (README, "Changing the workflow safely"); do not just re-record.'
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const { recorded, problems } = load();

beforeAll(() => {
  try {
    // Keep the output readable: Core logs every non-determinism it finds at WARN (the failures below say it anyway).
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  } catch {
    // Another test file in this process installed it already.
  }
});

test(`test/histories holds at least ${MIN_HISTORIES} recorded histories, each listed in its manifest`, () => {
  expect(problems).toEqual([]);
  expect(recorded.length).toBeGreaterThanOrEqual(MIN_HISTORIES);
  // Every workflow type the worker runs has at least one history.
  const types = new Set(recorded.map((r) => r.entry?.workflowType));
  expect([...types].sort()).toEqual(
    expect.arrayContaining([
      'catalogCheckWorkflow',
      'customerDataRequestWorkflow',
      'dailyDigestWorkflow',
      'merchantAlertsWorkflow',
      'orderWorkflow',
      'reconcileOrdersWorkflow',
      'redactionWorkflow',
    ]),
  );
});

describe('every recorded history replays on the current workflow code', () => {
  let results: ReplayResult[] = [];
  beforeAll(async () => {
    results = await replay(recorded);
  }, 120_000);

  test.each(recorded.map((r, i) => [r.name, i] as const))('%s', (name, i) => {
    const result = results[i];
    expect(result).toBeDefined();
    if (result.error) throw new Error(explain(name, recorded[i].entry, result.error));
  });
});

test('the replay catches a history that disagrees with the code (the check is not vacuous)', async () => {
  // The happy path with its first activity renamed: the code schedules another one there.
  const original = recorded.find((r) => r.entry?.scenario === 'fulfilment' && r.entry.workflowType === 'orderWorkflow');
  if (!original) throw new Error('no fulfilment history to tamper with');
  const json = JSON.parse(readFileSync(join(ROOT, original.name), 'utf8')) as { events: Array<Record<string, any>> };
  const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes;
  const expected: string = scheduled.activityType.name;
  scheduled.activityType.name = 'aDifferentActivity';

  const [result] = await replay([{ ...original, history: historyFromJSON(json) }]);
  expect(result.error).toBeInstanceOf(DeterminismViolationError);
  expect(result.error?.message).toContain(`'aDifferentActivity' does not match activity type of activity command '${expected}'`);
}, 60_000);
