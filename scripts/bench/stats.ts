// Small numeric helpers for the benchmark: percentiles by the nearest-rank method, and formatting.

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(Math.max(1, Math.ceil((p / 100) * sorted.length)), sorted.length) - 1] : NaN);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

export const ms = (v: number, digits = 1) => (Number.isFinite(v) ? `${v.toFixed(v >= 100 ? 0 : digits)} ms` : '—');
export const secs = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : '—');
export const perSec = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v >= 100 ? 0 : 1)}/s` : '—');
/** Megabytes of 10^6 bytes (the stricter reading of a "400 MB" target). */
export const mb = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 1e6)} MB` : '—');
export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function inPool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index], index);
    }
  });
  await Promise.all(lanes);
}
