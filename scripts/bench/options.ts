// `npm run bench -- [flags]`: sizes and choices. `--quick` fits in under two minutes; the default
// (`--full`) is the run recorded in docs/BENCHMARKS.md.
import { parseArgs } from 'node:util';
import { BACKENDS, type Backend } from '../lib/local-stack';

export const PART_NAMES = ['ceiling', 'orders', 'ack', 'parked', 'idle', 'open'] as const;
export type BenchPart = (typeof PART_NAMES)[number];

export interface BenchOptions {
  profile: 'quick' | 'full';
  only: BenchPart[];
  ceilingN: number;
  ordersN: number;
  /** Concurrent webhook deliveries in part 2 (autocannon connections). */
  ordersConnections: number;
  /** Part 3's fixed offered rate (deliveries/s) and how long it is held. */
  rate: number;
  durationSec: number;
  /** Each step of the search for the highest rate with p99 < 1 s. */
  stepDurationSec: number;
  maxRate: number;
  minRate: number;
  /** Add one step at the geometric middle of the last passing and first failing rate. */
  refine: boolean;
  parkedN: number;
  /** Seconds the parked orders sit before the worker's memory is read. */
  settleSec: number;
  /** Part 6: open (submitted) orders at each reading of the worker's memory, e.g. 10,000 and 50,000. */
  openLevels: number[];
  /** Part 6: seconds the Vinoshipper rate is watched after the hints went out. */
  openWindowSec: number;
  /** Which Temporal server the stacks run: the CLI's dev server, or the production server on PostgreSQL. */
  backend: Backend;
  /** Dev server only: its state in memory or in a SQLite file. */
  temporal: 'memory' | 'file';
  runtime: 'built' | 'tsx';
  /** Extra node flags for the worker process (diagnosis only; the documented run uses none). */
  workerNodeOptions: string[];
  /** Where the Markdown report goes; null: the default for the profile (see index.ts). */
  out: string | null;
}

const PROFILES: Record<'quick' | 'full', Omit<BenchOptions, 'profile' | 'only' | 'backend' | 'temporal' | 'runtime' | 'workerNodeOptions' | 'out'>> = {
  quick: {
    ceilingN: 200,
    ordersN: 200,
    ordersConnections: 10,
    rate: 100,
    durationSec: 3,
    stepDurationSec: 2,
    maxRate: 100,
    minRate: 25,
    refine: false,
    parkedN: 100,
    settleSec: 3,
    openLevels: [100, 400],
    openWindowSec: 15,
  },
  full: {
    ceilingN: 2000,
    ordersN: 2000,
    ordersConnections: 10,
    rate: 200,
    durationSec: 30,
    stepDurationSec: 10,
    maxRate: 25600,
    minRate: 25,
    refine: true,
    parkedN: 10_000,
    settleSec: 30,
    openLevels: [10_000, 50_000],
    openWindowSec: 30,
  },
};

export const USAGE = `npm run bench -- [--quick | --full] [flags]

  --quick                 small sizes: under two minutes
  --full                  the default sizes (about ten minutes or more on 2 cores)
  --only LIST             comma-separated parts: ${PART_NAMES.join(',')}
  --ceiling-n N           part 1: trivial workflows started
  --orders-n N            part 2: orders/create webhooks delivered
  --orders-connections N  part 2: concurrent deliveries (default 10)
  --rate N                part 3: offered webhook rate per second (full 200, quick 100)
  --duration S            part 3: seconds at that rate (full 30, quick 3)
  --step-duration S       part 3: seconds per step of the highest-rate search (full 10, quick 2)
  --max-rate N            part 3: highest rate tried (full 25600, quick 100)
  --parked-n N            part 4: orders parked in needs_attention (full 10000, quick 100)
  --settle S              parts 4 and 6: seconds the worker's memory is read over, once a second, for its median (full 30, quick 3)
  --open-levels LIST      part 6: open orders at each memory reading (full 10000,50000; quick 100,400)
  --open-window S         part 6: seconds the Vinoshipper rate is watched after the hints (full 30, quick 15)
  --backend dev|postgres  the Temporal server: the CLI's dev server (default), or the production
                          server on a private PostgreSQL cluster (as npm start -- --backend postgres)
  --temporal memory|file  dev server state in memory (default) or a SQLite file, as npm start
  --runtime built|tsx     worker and API compiled under node (default, as the Docker image) or through tsx
  --worker-node-options=FLAGS
                          extra node flags for the worker process, e.g.
                          --worker-node-options=--max-old-space-size=256 (diagnosis; the documented run uses none)
  --out FILE              the report (default: docs/BENCHMARKS.md for a full run of every part —
                          with the other backend's last full run beside it — else
                          .cellarhand/bench/last-run.md)`;

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      only: { type: 'string' },
      'ceiling-n': { type: 'string' },
      'orders-n': { type: 'string' },
      'orders-connections': { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'step-duration': { type: 'string' },
      'max-rate': { type: 'string' },
      'parked-n': { type: 'string' },
      settle: { type: 'string' },
      'open-levels': { type: 'string' },
      'open-window': { type: 'string' },
      backend: { type: 'string' },
      temporal: { type: 'string' },
      runtime: { type: 'string' },
      'worker-node-options': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.quick && values.full) throw new Error('--quick and --full exclude each other');
  const profile = values.quick ? 'quick' : 'full';
  const base = PROFILES[profile];
  const int = (name: string, value: string | undefined, fallback: number, min = 1): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...PART_NAMES];
  const unknown = only.filter((p) => !(PART_NAMES as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; the parts are ${PART_NAMES.join(', ')}`);
  const choice = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T => {
    if (value === undefined) return allowed[0];
    if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
  const options: BenchOptions = {
    profile,
    only: PART_NAMES.filter((p) => only.includes(p)),
    ceilingN: int('ceiling-n', values['ceiling-n'], base.ceilingN),
    ordersN: int('orders-n', values['orders-n'], base.ordersN),
    ordersConnections: int('orders-connections', values['orders-connections'], base.ordersConnections),
    rate: int('rate', values.rate, base.rate),
    durationSec: int('duration', values.duration, base.durationSec),
    stepDurationSec: int('step-duration', values['step-duration'], base.stepDurationSec),
    maxRate: int('max-rate', values['max-rate'], base.maxRate),
    minRate: base.minRate,
    refine: base.refine,
    parkedN: int('parked-n', values['parked-n'], base.parkedN),
    settleSec: int('settle', values.settle, base.settleSec, 0),
    openLevels: values['open-levels'] ? values['open-levels'].split(',').map((v) => int('open-levels', v.trim(), 0)) : base.openLevels,
    openWindowSec: int('open-window', values['open-window'], base.openWindowSec),
    backend: choice('backend', values.backend, BACKENDS),
    temporal: choice('temporal', values.temporal, ['memory', 'file'] as const),
    runtime: choice('runtime', values.runtime, ['built', 'tsx'] as const),
    workerNodeOptions: values['worker-node-options']?.split(/\s+/).filter(Boolean) ?? [],
    out: values.out ?? null,
  };
  if (options.openLevels.length !== 2 || options.openLevels[1] <= options.openLevels[0])
    throw new Error('--open-levels takes two rising numbers, e.g. 10000,50000');
  if (options.ordersConnections > options.ordersN) throw new Error('--orders-connections cannot exceed --orders-n');
  if (options.backend === 'postgres' && values.temporal !== undefined) throw new Error('--temporal is for the dev server; PostgreSQL always keeps its state');
  return options;
}

/**
 * True when the run is a documented full run (of either backend): default sizes, every part. The
 * dev server's state may be in memory or in a file (`--temporal file`, as `npm start` keeps it; in
 * memory, its SQLite gave out at about 25,000 of part 6's 50,000 open orders); the page says which.
 */
export function isDefaultFullRun(options: BenchOptions): boolean {
  const base = PROFILES.full;
  return (
    options.profile === 'full' &&
    options.only.length === PART_NAMES.length &&
    (Object.keys(base) as (keyof typeof base)[]).every((key) => JSON.stringify(options[key]) === JSON.stringify(base[key])) &&
    options.runtime === 'built' &&
    options.workerNodeOptions.length === 0
  );
}

/** The flags as given, for the report. */
export function describeFlags(argv: string[]): string {
  return argv.length ? argv.join(' ') : '(none: full run, default sizes)';
}
