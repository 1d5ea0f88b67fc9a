// Liveness vs readiness, as container platforms probe them: `/health` says the process is up (a
// failing one gets restarted), `/ready` says it can do its work now (a failing one gets no traffic;
// restarting it would not help while Temporal is away).
export type ReadinessCheck = () => Promise<void>;

export interface Readiness {
  ready: boolean;
  /** Each check: `ok`, or why not. */
  checks: Record<string, string>;
}

/** Runs every check; one that throws (or takes longer than `timeoutMs`) makes the process not ready. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  return { ready: entries.every(([, state]) => state === 'ok'), checks: Object.fromEntries(entries) };
}

/**
 * A check whose result is kept for `ttlMs`: probes from several platforms (and Prometheus) cost
 * one call to Temporal per interval, and concurrent probes share the call in flight.
 */
export function cached(check: ReadinessCheck, ttlMs = 2_000): ReadinessCheck {
  let last: { at: number; result: Promise<void> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) {
      const result = check();
      result.catch(() => undefined);
      last = { at: Date.now(), result };
    }
    return last.result;
  };
}

/** Temporal answers a cheap call (GetSystemInfo) within the deadline. */
export function temporalReachable(call: (deadline: number) => Promise<unknown>, timeoutMs = 2_000): ReadinessCheck {
  return cached(async () => {
    try {
      await call(Date.now() + timeoutMs);
    } catch (err) {
      throw new Error(`Temporal unreachable (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
