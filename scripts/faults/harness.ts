// What every fault run shares: a fresh LocalStack (its parts' output in a log file), a deadline
// that bounds the run, and the report — what was injected, what was counted, which checks held.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { LocalStack, SERVER_LABEL, type Backend, type LocalStackOptions } from '../lib/local-stack';
import { projectRoot } from '../temporal-binaries';

export interface RunSizes {
  /** `--short`: the CI form, smaller batches. */
  short: boolean;
  /** `--backend`: which Temporal server the stacks run (default the dev server). */
  backend: Backend;
}

export interface FaultRun {
  id: string;
  /** One line: what the run does, as in the issue. */
  title: string;
  /** The backends it applies to (default all): killing PostgreSQL needs PostgreSQL. */
  backends?: Backend[];
  /** The run fails with a clear message once this is exceeded. */
  deadlineMs(sizes: RunSizes): number;
  run(ctx: RunContext, sizes: RunSizes): Promise<void>;
}

export interface Check {
  ok: boolean;
  what: string;
}

/**
 * Every run turns reconciliation off: a lost webhook must not be caught up behind the fault's back.
 * The runs count emails per order (ALERT_MODE=per_order), and no scheduled catalogue check or daily
 * digest adds its own calls and emails to what a run counts.
 */
export const BASE_ENV: Record<string, string> = {
  RECONCILE_ENABLED: 'false',
  ALERT_MODE: 'per_order',
  CATALOG_CHECK_ENABLED: 'false',
  DAILY_DIGEST_ENABLED: 'false',
};

export class DeadlineExceeded extends Error {}

export class RunContext {
  readonly injected: string[] = [];
  readonly counted: string[] = [];
  readonly checks: Check[] = [];
  readonly startedAt = Date.now();
  readonly deadline: number;
  readonly logFile: string;
  private stacks: LocalStack[] = [];
  private log: WriteStream;
  private aborted: string | null = null;
  private closing?: Promise<void>;

  constructor(
    readonly run: FaultRun,
    deadlineMs: number,
    readonly backend: Backend = 'dev',
  ) {
    this.deadline = this.startedAt + deadlineMs;
    const dir = path.join(projectRoot(), '.cellarhand', 'fault-runs');
    mkdirSync(dir, { recursive: true });
    this.logFile = path.join(dir, `${run.id}.log`);
    this.log = createWriteStream(this.logFile);
  }

  /** Seconds since the run started, for the progress lines. */
  elapsed(): string {
    return `${((Date.now() - this.startedAt) / 1000).toFixed(1)}s`.padStart(7);
  }

  step(line: string): void {
    console.log(`  ${this.elapsed()}  ${line}`);
    this.log.write(`---- ${this.elapsed()} ${line}\n`);
  }

  inject(line: string): void {
    this.injected.push(line);
  }
  count(line: string): void {
    this.counted.push(line);
  }
  check(ok: boolean, what: string): boolean {
    this.checks.push({ ok, what });
    return ok;
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  /** A fresh stack for this run, stopped by `close()` whatever happens. */
  async startStack(opts: Omit<LocalStackOptions, 'log' | 'backend'> = {}): Promise<LocalStack> {
    this.throwIfAborted();
    const stack = await LocalStack.start({
      ...opts,
      backend: this.backend,
      env: { ...BASE_ENV, ...opts.env },
      log: (part, line) => this.log.write(`[${part}] ${line}\n`),
    });
    if (this.closing) {
      await stack.stop(); // the run was stopped while this stack came up
      this.throwIfAborted();
    }
    this.stacks.push(stack);
    this.step(
      `stack up: ${SERVER_LABEL[this.backend]} ${stack.config.temporal.address}${this.backend === 'postgres' ? ` on PostgreSQL (pid ${stack.pid('postgres')})` : opts.persistent ? ' (persistent SQLite)' : ''}, sandbox ${stack.sandboxUrl}, worker, API ${stack.apiUrl}`,
    );
    return stack;
  }

  /** Polls `probe` until it returns something truthy; throws DeadlineExceeded (naming `what`) at the run's deadline. */
  async waitFor<T>(
    what: string,
    probe: () => Promise<T | null | undefined | false>,
    { everyMs = 250, withinMs }: { everyMs?: number; withinMs?: number } = {},
  ): Promise<T> {
    const until = Math.min(this.deadline, withinMs === undefined ? Infinity : Date.now() + withinMs);
    let lastError: unknown;
    for (;;) {
      this.throwIfAborted();
      try {
        const found = await probe();
        if (found) return found;
        lastError = undefined;
      } catch (err) {
        lastError = err; // a part may be down on purpose: keep polling
      }
      if (Date.now() > until) {
        const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        if (until === this.deadline)
          throw new DeadlineExceeded(`deadline of ${Math.round((this.deadline - this.startedAt) / 1000)} s exceeded waiting for ${what}${why}`);
        throw new Error(`gave up waiting for ${what} after ${withinMs} ms${why}`);
      }
      await sleep(everyMs);
    }
  }

  /** Stops the run's loops (deadline passed or Ctrl-C). */
  abort(reason: string): void {
    this.aborted ??= reason;
  }

  throwIfAborted(): void {
    if (this.aborted) throw new DeadlineExceeded(this.aborted);
  }

  /** Stops every stack this run started and closes the log (once, however often it is called). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const stack of this.stacks) {
        // Interrupted or overdue: no graceful shutdown (the API can take seconds to drain), just end them.
        if (this.aborted) for (const part of ['api', 'worker', 'sandbox', 'temporal', 'postgres'] as const) await stack.kill(part).catch(() => undefined);
        await stack.stop().catch((err) => console.error(`  could not stop a stack cleanly: ${(err as Error).message}`));
      }
      this.stacks = [];
      await new Promise<void>((resolve) => this.log.end(resolve));
    })();
    return this.closing;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** "1×18, 2×2": how often each value occurs, smallest value first. */
export function histogram(values: number[]): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return (
    [...counts]
      .sort(([a], [b]) => a - b)
      .map(([v, n]) => `${v}×${n}`)
      .join(', ') || 'none'
  );
}
