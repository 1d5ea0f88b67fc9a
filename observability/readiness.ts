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
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 5_000): Promise<Readiness> {
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

/** What readiness needs of a Temporal connection: the client's `Connection` and the worker's `NativeConnection` both have it. */
export interface TemporalConnection {
  withDeadline<R>(deadline: number, fn: () => Promise<R>): Promise<R>;
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R>;
  workflowService: { getSystemInfo(request: object): Promise<unknown> };
}

/**
 * Temporal answers a cheap call (GetSystemInfo) within `timeoutMs`. The call gets the deadline and
 * is aborted at the timeout, so the client's retries of an unreachable server stop with it.
 */
export function temporalReachable(connection: TemporalConnection, timeoutMs = 2_000): ReadinessCheck {
  return cached(async () => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const call = connection.withAbortSignal(signal, () =>
        connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({})),
      );
      await withTimeout(
        call.then(() => undefined),
        timeoutMs + 100,
      );
    } catch (err) {
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      throw new Error(`Temporal unreachable (${reason})`, { cause: err });
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
