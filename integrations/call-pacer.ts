// Spaces one process's calls to an external system evenly: at most one call every 1/rate seconds,
// in the order they asked. The rate-limited task queues (worker/create-worker.ts) keep the whole
// deployment within its budget, but the server enforces that with token buckets (one per task-queue
// partition) that let a second's worth of tasks through at once after a quiet spell; this keeps the
// calls that reach Vinoshipper or Resend from one worker at most the budget in any second. Calls made
// inside one activity (pages of a list) are paced too. Hand-written on purpose: ten lines, where the
// libraries that do it are either token buckets themselves (bursts) or ESM-only.

/**
 * Calls are spaced 10 % wider than the budget: a request that leaves late (a fresh connection, a
 * busy event loop; the benchmark saw a worker's first call arrive 46 ms after its turn) must not put
 * one call more than the budget into a second at Vinoshipper's end.
 */
const JITTER_MARGIN = 0.1;

export class CallPacer {
  /** When the last caller was let go, by the clock when it really resumed. */
  private lastAt = -Infinity;
  /** The callers waiting, in the order they asked. */
  private queue: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`a call rate must be positive, not ${perSecond}`);
    this.intervalMs = (1000 / perSecond) * (1 + JITTER_MARGIN);
  }

  /** Resolves when the caller's turn comes: never sooner than one interval after the previous caller was let go. */
  turn(): Promise<void> {
    const mine = this.queue.then(() => this.spaced());
    this.queue = mine;
    return mine;
  }

  /**
   * Spacing measured from when the previous caller really went, not from when it was due: on a busy
   * host the previous timer may fire late, and a turn planned ahead would then go with it (on 2
   * cores compiling, the benchmark saw 3 calls within one second at a 2/s budget).
   */
  private async spaced(): Promise<void> {
    // A timer may also fire a little early; then wait out the rest.
    while (this.untilTurn() > 0) await new Promise((resolve) => setTimeout(resolve, this.untilTurn()));
    this.lastAt = this.now();
  }

  private untilTurn(): number {
    return this.lastAt + this.intervalMs - this.now();
  }
}
