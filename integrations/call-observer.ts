// How a client tells whoever is interested (metrics) about each call it made to its external
// system. Clients take an optional observer instead of reaching for a global registry, so they stay
// plain objects: tests and scripts build them without one.

export type ExternalSystem = 'vinoshipper' | 'shopify' | 'resend';

/**
 * One vocabulary for every system. unavailable: no answer, timeout, 429 or 5xx (worth retrying);
 * rejected: the system refused the request's content; configuration: credentials, URL or version
 * are wrong; not_found / conflict: the thing is missing, or past the point where it can change.
 */
export type CallOutcome = 'ok' | 'unavailable' | 'rejected' | 'configuration' | 'not_found' | 'conflict';

export interface ExternalCall {
  system: ExternalSystem;
  /** A route or operation name with no ids in it, e.g. `PUT /orders/{number}` or `refundCreate`. */
  operation: string;
  outcome: CallOutcome;
  durationMs: number;
}

export type CallObserver = (call: ExternalCall) => void;

/** Runs one call and reports it; `outcomeOf` sorts what it returned or threw. */
export async function observeCall<T>(
  observer: CallObserver | undefined,
  call: { system: ExternalSystem; operation: string },
  run: () => Promise<T>,
  outcomeOf: (result: { value: T } | { error: unknown }) => CallOutcome,
): Promise<T> {
  if (!observer) return run();
  const started = performance.now();
  const report = (outcome: CallOutcome) => observer({ ...call, outcome, durationMs: performance.now() - started });
  try {
    const value = await run();
    report(outcomeOf({ value }));
    return value;
  } catch (error) {
    report(outcomeOf({ error }));
    throw error;
  }
}
