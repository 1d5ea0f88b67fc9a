// The benchmark on both backends: the flag, and docs/BENCHMARKS.md setting the last full run of
// each side by side (no processes start here; the inputs are made up).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Backend } from '../../scripts/lib/local-stack';
import { isDefaultFullRun, parseBenchArgs } from '../../scripts/bench/options';
import type { CeilingResult } from '../../scripts/bench/parts/ceiling';
import type { ReportInput } from '../../scripts/bench/report';
import { loadRun, renderComparison, renderDocument, saveRun } from '../../scripts/bench/side-by-side';

function run(backend: Backend, ceilingPerSec: number): ReportInput {
  const options = { ...parseBenchArgs(backend === 'dev' ? [] : ['--backend', backend]) };
  const ceiling = {
    n: 2000,
    startsMs: 1000,
    totalMs: 2000 / ceilingPerSec / 1000,
    completed: 2000,
    perSec: ceilingPerSec,
    cpu: {},
  } as unknown as CeilingResult;
  return {
    startedAt: new Date('2026-12-01T12:00:00Z'),
    durationMs: 600_000,
    machine: {
      cores: 2,
      model: 'test',
      memoryBytes: 24 * 2 ** 30,
      node: 'v20',
      os: 'Linux',
      temporalCli: '1.9.1 (Server 1.32.0, UI 2.54.1)',
      temporalServer: backend === 'postgres' ? '1.32.1 on PostgreSQL 15.18' : null,
      loadAverageAtStart: [0.5, 0.5, 0.5],
    },
    flags: '',
    options,
    cpu: { wallSec: 600, capacitySec: 1200, busySec: 900, oursSec: 880, otherSec: 20 },
    results: { failures: {}, ceiling },
  };
}

test('--backend picks the Temporal server; a full run of either is the documented one', () => {
  expect(parseBenchArgs([]).backend).toBe('dev');
  const postgres = parseBenchArgs(['--backend', 'postgres']);
  expect(postgres.backend).toBe('postgres');
  expect(isDefaultFullRun(postgres)).toBe(true);
  expect(isDefaultFullRun(parseBenchArgs(['--backend', 'postgres', '--quick']))).toBe(false);
  expect(() => parseBenchArgs(['--backend', 'mysql'])).toThrow('--backend must be one of dev, postgres');
  expect(() => parseBenchArgs(['--backend', 'postgres', '--temporal', 'file'])).toThrow('--temporal is for the dev server');
  // The dev server's full run is documented with its state in memory or in a file (as npm start), not with other sizes.
  expect(isDefaultFullRun(parseBenchArgs([]))).toBe(true);
  expect(isDefaultFullRun(parseBenchArgs(['--temporal', 'file']))).toBe(true);
  expect(isDefaultFullRun(parseBenchArgs(['--orders-n', '100']))).toBe(false);
});

test('the side-by-side table has both figures and PostgreSQL ÷ dev server per row', () => {
  const table = renderComparison(run('dev', 10), run('postgres', 20));
  expect(table).toContain('| 1 · Ceiling: trivial workflows completed | 10.0/s | 20.0/s | 2.00 × |');
  // A part neither run measured shows a dash, not a made-up ratio.
  expect(table).toContain('| 4 · Parked orders: worker RSS | — | — | — |');
});

test("a full run is kept beside the page, so the other backend's next full run shows both", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cellarhand-bench-'));
  try {
    saveRun(root, run('dev', 10));
    const dev = loadRun(root, 'dev')!;
    expect(dev.startedAt).toEqual(new Date('2026-12-01T12:00:00Z'));
    expect(loadRun(root, 'postgres')).toBeNull();

    const alone = renderDocument({ dev });
    expect(alone).toContain('no full run of the Temporal server on PostgreSQL yet (`npm run bench -- --backend postgres`)');

    const both = renderDocument({ dev, postgres: run('postgres', 20) });
    expect(both).toMatch(/^# Benchmarks\n/);
    expect(both).toContain('## Side by side');
    expect(both).toContain('## Dev server (Temporal CLI, SQLite)\n');
    expect(both).toContain('## Temporal server on PostgreSQL\n');
    expect(both).toContain('### Machine and run');
    expect(both).toContain('| Temporal server | 1.32.1 on PostgreSQL 15.18 |');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
