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
  private nextAt = 0;
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError(`a call rate must be positive, not ${perSecond}`);
    this.intervalMs = (1000 / perSecond) * (1 + JITTER_MARGIN);
  }

  /** Resolves when the caller's turn comes: never sooner than one interval after the previous turn. */
  async turn(): Promise<void> {
    const now = this.now();
    const at = Math.max(this.nextAt, now);
    this.nextAt = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
