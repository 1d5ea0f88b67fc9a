// The bench's own helper processes (the ceiling worker, the bare HMAC route) and the stacks it
// starts: each a separate Node process, measured and stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { LocalStack, type Backend, type PartName } from '../lib/local-stack';
import { projectRoot } from '../temporal-binaries';
import type { ENTRIES } from './build';
import { percentile, sleep } from './stats';

export type Built = Record<keyof typeof ENTRIES, string>;

export interface StackChoice {
  backend: Backend;
  /** Temporal dev server state: in memory (LocalStack's default) or a SQLite file (as `npm start`). */
  temporal: 'memory' | 'file';
  /** How the worker and API run: compiled under node (as the Docker image), or through tsx (as `npm start`). */
  runtime: 'built' | 'tsx';
  /** Extra node flags for the worker process only (diagnosis, e.g. --max-old-space-size=256). */
  workerNodeOptions: string[];
}

/** The last lines each process printed, shown when something fails. */
const recent = new Map<string, string[]>();
/** Every warning or error line the stack's worker printed (bounded), to explain an order that did not get where it should. */
const workerWarnings: string[] = [];
const WORKER_WARNINGS_KEPT = 2000;
function remember(name: string, line: string): void {
  const lines = recent.get(name) ?? [];
  lines.push(line);
  if (lines.length > 40) lines.shift();
  recent.set(name, lines);
  if (name === 'worker' && /"level":"(warn|error)"/.test(line)) {
    workerWarnings.push(line);
    if (workerWarnings.length > WORKER_WARNINGS_KEPT) workerWarnings.shift();
  }
}
/** The worker's warnings and errors that name `text` (a workflow id), at most `max`, newest last. */
export function workerWarningsAbout(text: string, max = 5): string[] {
  return workerWarnings.filter((line) => line.includes(text)).slice(-max);
}
export function recentOutput(): string {
  return [...recent.entries()].map(([name, lines]) => `--- ${name} ---\n${lines.join('\n')}`).join('\n');
}

/**
 * A fresh stack: Temporal (the dev server, or the server on its own PostgreSQL cluster), sandbox,
 * worker and API, each its own process. The sandbox keeps its state in memory (no state file
 * rewritten every 200 ms as the store grows), and the reconciliation, catalogue check and daily
 * digest schedules are off so that no run lands at a random point of a measurement. Emails go one
 * per order (ALERT_MODE=per_order), as in the earlier runs, so the parked orders' numbers compare.
 */
/** `env`: a part's own settings on top of the bench's (e.g. part 6's safety-net cadence). */
export async function startStack(choice: StackChoice, built: Built, env: Record<string, string> = {}): Promise<LocalStack> {
  const stack = await LocalStack.start({
    backend: choice.backend,
    persistent: choice.temporal === 'file',
    env: {
      SANDBOX_STATE_FILE: '',
      RECONCILE_ENABLED: 'false',
      CATALOG_CHECK_ENABLED: 'false',
      DAILY_DIGEST_ENABLED: 'false',
      ALERT_MODE: 'per_order',
      // The sandbox has no rate limit; at the default budgets (2/s) the parts would measure the budget (part 6 measures it).
      VINOSHIPPER_RATE_LIMIT: '1000',
      RESEND_RATE_LIMIT: '1000',
      ...env,
    },
    nodeArgs:
      choice.runtime === 'built'
        ? { worker: [...choice.workerNodeOptions, built.worker], api: [built.api] }
        : { worker: [...choice.workerNodeOptions, '--import', 'tsx', 'worker/main.ts'], api: ['--import', 'tsx', 'api/main.ts'] },
    log: (part: PartName, line: string) => remember(part, line),
  });
  liveStacks.add(stack);
  return stack;
}

const liveStacks = new Set<LocalStack>();
const liveProcesses = new Set<NodeProcess>();

/** On Ctrl-C or SIGTERM: every process the bench started is killed, no orphan left behind. */
export async function killEverything(): Promise<void> {
  await Promise.all([...liveProcesses].map((p) => p.kill()));
  await Promise.all(
    [...liveStacks].map(async (stack) => {
      for (const part of ['api', 'worker', 'sandbox', 'temporal', 'postgres'] as const) await stack.kill(part);
      await stack.stop();
    }),
  );
}

/**
 * Stops a stack once its measurement is over: the worker and the API are killed (a graceful stop
 * would first work off their backlog), then the sandbox and Temporal stop as usual.
 */
export async function stopStack(stack: LocalStack): Promise<void> {
  // Gracefully (SIGINT, SIGKILL after 15 s): a worker run with --cpu-prof writes its profile on exit.
  await stack.stopPart('api');
  await stack.stopPart('worker');
  await stack.stop();
  liveStacks.delete(stack);
}

export class NodeProcess {
  readonly launchedAt = Date.now();
  private readonly exited: Promise<void>;
  private readonly lineListeners: Array<(line: string) => void> = [];

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.on('exit', () => resolve()));
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        remember(name, line);
        for (const listener of this.lineListeners) listener(line);
      });
    }
  }

  static start(name: string, args: string[], env: Record<string, string>): NodeProcess {
    const proc = spawn(process.execPath, args, { cwd: projectRoot(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = new NodeProcess(name, proc);
    liveProcesses.add(started);
    return started;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with the first printed line matching `pattern` (its match). */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs / 1000} s`)), timeoutMs);
      void this.exited.then(() => reject(new Error(`${this.name} exited while starting`)));
      this.lineListeners.push((line) => {
        const match = pattern.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
    });
  }

  rss(): number {
    return rssOf(this.pid);
  }

  /** SIGINT, then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    liveProcesses.delete(this);
    if (!this.running) return;
    this.proc.kill('SIGINT');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }

  async kill(): Promise<void> {
    liveProcesses.delete(this);
    if (!this.running) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** Resident memory of a process in bytes (Linux /proc); NaN when it is gone. */
export function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds (user + system) a live process has used, with its children's (PostgreSQL works in
 * one child process per connection): those still running and those it has reaped. NaN when it is gone.
 */
export function cpuSecondsOf(pid: number | undefined): number {
  const own = statFields(pid);
  if (!own) return NaN;
  // Fields after the command, counted from 1: ppid(4) utime(14) stime(15) cutime(16) cstime(17).
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statFields(Number(entry));
    if (child && Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12]);
  }
  return ticks / 100; // USER_HZ
}

function statFields(pid: number | undefined): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}

/** Share of the machine's CPU per process over a window: Temporal, our parts, the bench itself. */
export type CpuShares = Record<string, number>;

/**
 * Starts measuring the CPU time of the given processes (and of this process, as "bench"); `stop()`
 * returns each one's share of the machine's capacity (all cores) over the window.
 */
export function cpuWindow(pids: Record<string, number | undefined>): { stop(): CpuShares } {
  const t0 = Date.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const self0 = process.cpuUsage();
  return {
    stop() {
      const capacity = ((Date.now() - t0) / 1000) * os.cpus().length;
      const shares: CpuShares = {};
      for (const [name, pid] of Object.entries(pids)) shares[name] = (cpuSecondsOf(pid) - before[name]) / capacity;
      const self = process.cpuUsage(self0);
      shares.bench = (self.user + self.system) / 1e6 / capacity;
      return shares;
    },
  };
}

/** The report's names for the Temporal processes (CPU of PostgreSQL's own children is not counted: see the report). */
export const TEMPORAL_CPU = 'Temporal server';
export const POSTGRES_CPU = 'PostgreSQL';

/** The stack's processes, named as the report names them. */
export function stackPids(stack: LocalStack): Record<string, number | undefined> {
  return { ...temporalPids(stack), worker: stack.pid('worker'), API: stack.pid('api'), sandbox: stack.pid('sandbox') };
}

export function temporalPids(stack: LocalStack): Record<string, number | undefined> {
  return stack.backend === 'postgres'
    ? { [TEMPORAL_CPU]: stack.pid('temporal'), [POSTGRES_CPU]: stack.pid('postgres') }
    : { [TEMPORAL_CPU]: stack.pid('temporal') };
}

/** Samples a value every `everyMs` until stopped: the peak, the last and the median of the samples. */
export function sampler(read: () => number, everyMs = 500): { stop(): { peak: number; last: number; median: number } } {
  const values: number[] = [];
  const take = () => {
    const value = read();
    if (Number.isFinite(value)) values.push(value);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const peak = values.length ? values.reduce((a, b) => Math.max(a, b)) : NaN;
      return { peak, last: values.at(-1) ?? NaN, median: percentile(values, 50) };
    },
  };
}

/**
 * A process's resident memory at rest: the median of one reading a second over `settleSec`. One
 * instant is not a figure: the worker's RSS moves by tens of MB with each collection in its two
 * V8 isolates (readings of 259, 274 and 286 MB for the same 10,000 open orders, 2026-12-01).
 */
export async function restingRss(read: () => number, settleSec: number): Promise<number> {
  const readings = sampler(read, 1000);
  await sleep(settleSec * 1000);
  return readings.stop().median;
}

/** Waits until a worker launched at `since` polls `taskQueue` (as LocalStack does for the order worker). */
export async function waitForPoller(client: Client, taskQueue: string, since: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pollers } = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue } });
    if (pollers.some((p) => tsToMs(p.lastAccessTime) >= since)) return;
    if (Date.now() > deadline) throw new Error(`no worker polled ${taskQueue} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/**
 * Polls a visibility count until it reaches `target`. Returns when it did (ms epoch, resolution
 * `everyMs`), or null when it made no progress for `stallMs` (the caller reports how far it got).
 */
export async function waitForCount(
  client: Client,
  query: string,
  target: number,
  { everyMs = 200, stallMs = 60_000, onCount }: { everyMs?: number; stallMs?: number; onCount?: (count: number) => void } = {},
): Promise<{ reachedAt: number | null; count: number }> {
  let best = -1;
  let progressAt = Date.now();
  for (;;) {
    const { count } = await client.workflow.count(query);
    const now = Date.now();
    onCount?.(count);
    if (count >= target) return { reachedAt: now, count };
    if (count > best) {
      best = count;
      progressAt = now;
    } else if (now - progressAt > stallMs) {
      return { reachedAt: null, count };
    }
    await sleep(everyMs);
  }
}
