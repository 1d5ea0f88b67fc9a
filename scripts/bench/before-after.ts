// Issue 11's "before and after" on docs/BENCHMARKS.md: each figure of .cellarhand/bench/last-run.json
// as the full run of 2026-11-26 (dev server, before the changes) measured it, or as the issue
// estimated it where that run measured nothing, beside what the runs on the page measured.
import type { Backend } from '../lib/local-stack';
import { lastRunFigures, type LastRunFigures, type ReportInput } from './report';

type Figure = Exclude<keyof LastRunFigures, 'openOrders'>;

/** Before: words, because half of them are estimates or say what was not measured. */
const BEFORE: Array<{ key: Figure; before: string; target: string }> = [
  { key: 'ceilingPerSec', before: '61.3', target: '—' },
  { key: 'ordersPerSec', before: '20.9', target: '—' },
  { key: 'ordersToCeiling', before: '0.34', target: '≥ 0.5' },
  { key: 'ackP99AtHalfCapacityMs', before: 'not measured (p99 392 ms at 100/s, 2,063 ms at 200/s)', target: '≤ 50' },
  { key: 'overloadRejectP99Ms', before: 'no early answer: a hand-over waited up to 4 s, then 503', target: '≤ 1,000' },
  { key: 'idleActionsPerOrder30d', before: '≈ 5,800 (estimate: a re-read every 15 min)', target: '≤ 40' },
  { key: 'idleVinoshipperCallsPerOrder30d', before: '≈ 2,900 (estimate)', target: '≤ 30' },
  { key: 'vinoshipperPeakCallsPerSec', before: '≈ 11/s with 10,000 open (estimate; no budget)', target: '≤ 2 (the budget)' },
  { key: 'workerRssMbAt10kOpen', before: '867 with 10,000 parked orders', target: '≤ 300' },
  { key: 'workerRssMbAt50kOpen', before: 'not measured', target: 'within 10 % of the 10,000 figure' },
];

const TITLE: Record<Backend, string> = { dev: 'after: dev server', postgres: 'after: PostgreSQL' };

export function renderBeforeAfter(runs: Partial<Record<Backend, ReportInput>>): string {
  const present = (Object.keys(TITLE) as Backend[]).filter((b) => runs[b]);
  const figures = present.map((b) => lastRunFigures(runs[b]!.results));
  const header = ['figure (`last-run.json`)', 'before (2026-11-26)', ...present.map((b) => TITLE[b]), 'target'];
  const rows = BEFORE.map(({ key, before, target }) => [
    `\`${key}\``,
    before,
    ...figures.map((f) => (f[key] === null ? 'not measured' : String(f[key]))),
    target,
  ]);
  rows.push([
    '`openOrders`',
    '—',
    ...figures.map((f) => (f.openOrders ? f.openOrders.map((n) => n.toLocaleString('en-US')).join(', ') : '—')),
    '10,000, 50,000',
  ]);
  const first = present.map((b) => runs[b]!.results.open?.firstOrderMs);
  rows.push([
    'first order after the stack is ready → `submitted`',
    '> 5 s (the worker bundled its workflows at start)',
    ...first.map((v) => (typeof v === 'number' ? `${(v / 1000).toFixed(1)} s` : 'not measured')),
    '≤ 5 s',
  ]);
  return [
    '## Issue 11 (idle orders cost nothing): before and after',
    '',
    '"Before" is the full run of 2026-11-26 on the dev server, and the issue\'s estimates where that run measured nothing; "after" is the run (or runs) on this page. The verdicts are in each run\'s own report below.',
    '',
    ...[header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}
