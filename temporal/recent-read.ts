// A value read now and then, e.g. the shop's settings (temporal/shop-settings.ts) on every webhook:
// a webhook never waits for a read while a recent one is at hand.

/**
 * One value read now and then: fresh reads are used as they are; a read past `freshMs` (but within
 * `staleLimitMs`) is used at once while a new read runs behind it; older, or none yet, callers wait
 * for the new read. Callers at the same moment share one read; a failed read is not kept.
 */
export class RecentRead<T> {
  private last: { value: T; at: number } | null = null;
  private reading: Promise<T> | null = null;

  constructor(
    private readonly readValue: () => Promise<T>,
    private readonly opts: { freshMs: number; staleLimitMs: number; now?: () => number },
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  get(): Promise<T> {
    const last = this.last;
    const age = last ? this.now() - last.at : Infinity;
    if (last && age < this.opts.freshMs) return Promise.resolve(last.value);
    const reading = this.reading ?? this.readAgain();
    return last && age < this.opts.staleLimitMs ? Promise.resolve(last.value) : reading;
  }

  /** A value known to be current (e.g. the answer of a change just made). */
  set(value: T): void {
    this.last = { value, at: this.now() };
  }

  private readAgain(): Promise<T> {
    const startedAt = this.now();
    const reading = (async () => {
      try {
        const value = await this.readValue();
        // Not over a value set after this read began (a change's own answer is newer).
        if (!this.last || this.last.at <= startedAt) this.last = { value, at: startedAt };
        return value;
      } finally {
        this.reading = null;
      }
    })();
    // Nobody may wait for a read behind a served value: its failure is only that the next caller tries again.
    reading.catch(() => {});
    this.reading = reading;
    return reading;
  }
}
