// docs/BENCHMARKS.md holds the last full run of each backend — the dev server and the Temporal
// server on PostgreSQL — with the headline figures side by side (and the ratio per row), then each
// run's own report. Each full run is kept as JSON beside the page (docs/benchmarks/<backend>.json),
// so a full run of one backend re-renders the page with the other's last run; both carry their date
// and machine, so a reader can see whether they were measured on the same one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKENDS, type Backend } from '../lib/local-stack';
import { renderBeforeAfter } from './before-after';
import { lastRunFigures, renderReport, type ReportInput } from './report';
import { mb, ms, perSec, secs } from './stats';

export const RUNS_DIR = path.join('docs', 'benchmarks');

const TITLE: Record<Backend, string> = { dev: 'Dev server (Temporal CLI, SQLite)', postgres: 'Temporal server on PostgreSQL' };

/** Every run, quick or full, is also kept here by backend: `npm run bench:compare` sets the latest of each side by side. */
export const LATEST_RUNS_DIR = path.join('.cellarhand', 'bench', 'runs');

export function saveRun(root: string, input: ReportInput, runsDir = RUNS_DIR): void {
  const dir = path.join(root, runsDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${input.options.backend}.json`), `${JSON.stringify(input, null, 1)}\n`);
}

export function loadRun(root: string, backend: Backend, runsDir = RUNS_DIR): ReportInput | null {
  const file = path.join(root, runsDir, `${backend}.json`);
  if (!existsSync(file)) return null;
  const input = JSON.parse(readFileSync(file, 'utf8')) as ReportInput;
  return { ...input, startedAt: new Date(input.startedAt) };
}

interface Row {
  label: string;
  value: (input: ReportInput) => number | null | undefined;
  format: (v: number) => string;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

const ROWS: Row[] = [
  { label: '1 · Ceiling: trivial workflows completed', value: (r) => r.results.ceiling?.perSec, format: perSec },
  { label: '2 · Orders: webhook → `submitted`', value: (r) => r.results.orders?.perSec, format: perSec },
  {
    label: '2 · Orders ÷ ceiling',
    value: (r) => (r.results.orders && r.results.ceiling ? r.results.orders.perSec / r.results.ceiling.perSec : null),
    format: (v) => `${v.toFixed(2)} ×`,
  },
  { label: '2 · Orders: Temporal server RSS peak', value: (r) => r.results.orders?.serverRssPeak, format: mb },
  { label: '3 · Webhook ack p99, worker running', value: (r) => r.results.ack?.ours.latency.p99, format: (v) => ms(v) },
  { label: '3 · Webhook ack p99, worker stopped', value: (r) => r.results.ack?.oursWithoutWorker?.latency.p99, format: (v) => ms(v) },
  { label: '3 · Bare HMAC route p99 (the machine, no Temporal)', value: (r) => r.results.ack?.bare.latency.p99, format: (v) => ms(v) },
  { label: '3 · Highest webhook rate with p99 < 1 s', value: (r) => r.results.ack?.oursSearch.highest, format: (v) => `${v}/s` },
  { label: '4 · Parked orders: worker RSS', value: (r) => r.results.parked?.workerRssParked, format: mb },
  { label: '4 · Parked orders: Temporal server RSS', value: (r) => r.results.parked?.serverRssParked, format: mb },
  { label: '4 · Parked orders resumed: last `submitted`', value: (r) => r.results.parked?.lastSubmittedMs, format: secs },
  // The issue-11 figures (the keys of last-run.json).
  { label: '3 · Webhook ack p99 at half the order capacity', value: (r) => lastRunFigures(r.results).ackP99AtHalfCapacityMs, format: (v) => ms(v) },
  { label: '3 · Overload: p99 time to a 503', value: (r) => lastRunFigures(r.results).overloadRejectP99Ms, format: (v) => ms(v) },
  { label: '5 · One order idle 30 days: Temporal actions', value: (r) => lastRunFigures(r.results).idleActionsPerOrder30d, format: String },
  { label: '5 · One order idle 30 days: Vinoshipper calls', value: (r) => lastRunFigures(r.results).idleVinoshipperCallsPerOrder30d, format: String },
  {
    label: '6 · Open orders: Vinoshipper peak (most calls in one second)',
    value: (r) => lastRunFigures(r.results).vinoshipperPeakCallsPerSec,
    format: (v) => `${v}`,
  },
  { label: '6 · Open orders: worker RSS, fewer', value: (r) => lastRunFigures(r.results).workerRssMbAt10kOpen, format: (v) => `${v} MB` },
  { label: '6 · Open orders: worker RSS, more', value: (r) => lastRunFigures(r.results).workerRssMbAt50kOpen, format: (v) => `${v} MB` },
];

/** The headline figures of both runs and PostgreSQL ÷ dev server per row. */
export function renderComparison(dev: ReportInput, postgres: ReportInput): string {
  const header = ['', TITLE.dev, TITLE.postgres, 'PostgreSQL ÷ dev server'];
  const rows = ROWS.map(({ label, value, format }) => {
    const [a, b] = [value(dev), value(postgres)];
    return [label, finite(a) ? format(a) : '—', finite(b) ? format(b) : '—', finite(a) && finite(b) && a !== 0 ? `${(b / a).toFixed(2)} ×` : '—'];
  });
  const when = (r: ReportInput) =>
    `${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${(r.durationMs / 60000).toFixed(0)} min, load ${r.machine.loadAverageAtStart[0].toFixed(2)} at the start`;
  rows.unshift(['run', when(dev), when(postgres), '']);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The whole page from the runs there are (one or both backends). */
export function renderDocument(runs: Partial<Record<Backend, ReportInput>>): string {
  const present = BACKENDS.filter((b) => runs[b]);
  if (present.length === 1) {
    const only = present[0];
    const other = BACKENDS.find((b) => b !== only)!;
    return renderReport(runs[only]!).replace(
      /^# Benchmarks\n/,
      `# Benchmarks\n\nThis page has the ${TITLE[only]} only: no full run of the ${TITLE[other]} yet (\`npm run bench -- --backend ${other}\`).\n\n${renderBeforeAfter(runs)}`,
    );
  }
  const lines = [
    '# Benchmarks',
    '',
    'The same parts (`npm run bench`, scripts/bench/) on both Temporal backends, one full run each on the same kind of machine: the CLI dev server that `npm start` and `npm test` use, and the production server on PostgreSQL that `npm start -- --backend postgres`, `npm run test:postgres` and docker-compose.yml run. Every figure is what its run measured; the ratios divide the PostgreSQL figure by the dev server one. Each run shares its 2 cores with the load generator and every other part, so only the ratios carry over to other machines.',
    '',
    renderBeforeAfter(runs),
    '## Side by side',
    '',
    renderComparison(runs.dev!, runs.postgres!),
    '',
  ];
  for (const backend of BACKENDS) {
    // Each run's own report, its headings one level down.
    const report = renderReport(runs[backend]!)
      .replace(/^# Benchmarks\n/, `# ${TITLE[backend]}\n`)
      .replace(/^(#+) /gm, '#$1 ');
    lines.push(report);
  }
  return lines.join('\n');
}
