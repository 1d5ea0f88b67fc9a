// Load generation with autocannon (in this process). Every request's latency is taken from
// autocannon's per-response event (time from writing the request to the end of the response), so
// percentiles come from every sample rather than from autocannon's histogram, whose
// coordinated-omission correction assumes a 1 ms interval whatever the rate (autocannon 9.0.0,
// lib/run.js: `Math.ceil(1 / rate)` with a rate in requests per second); that correction is off.
import autocannon from 'autocannon';
import type { SignedOrder } from './shop';
import { summarize, type LatencySummary } from './stats';

export interface LoadResult {
  offeredRate: number | null;
  durationMs: number;
  /** Responses received (any status). */
  completed: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  achievedRate: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
  /** Deliveries that had to reuse a body because the prepared ones ran out (fixed-rate runs). */
  reused: number;
}

interface RunOptions {
  url: string;
  deliveries: readonly SignedOrder[];
  connections: number;
  /** Fixed rate: requests per second over all connections, for `durationSec`. */
  rate?: number;
  durationSec?: number;
  /** Burst: send each delivery exactly once, as fast as `connections` allow. */
  amount?: number;
  /** Told of each delivery answered 5xx or 429, which Shopify would deliver again. */
  onRefused?: (delivery: SignedOrder) => void;
}

/**
 * One autocannon run. Each request takes the next prepared delivery (a shared cursor across
 * connections: no body is sent twice until all have been used).
 */
export async function runLoad({ url, deliveries, connections, rate, durationSec, amount, onRefused }: RunOptions): Promise<LoadResult> {
  let cursor = 0;
  let reused = 0;
  const next = () => {
    if (cursor >= deliveries.length) reused++;
    return deliveries[cursor++ % deliveries.length];
  };
  const latencies: number[] = [];
  const tracker = autocannon({
    url,
    connections,
    ...(amount !== undefined ? { amount } : { duration: durationSec, overallRate: rate, ignoreCoordinatedOmission: true }),
    // Shopify gives a webhook 5 s; a request still unanswered after 10 s counts as an error.
    timeout: 10,
    requests: [
      {
        method: 'POST',
        // The context is the connection's: it carries the delivery in flight to its response.
        setupRequest: (request, context) => {
          const delivery = next();
          context.delivery = delivery;
          return { ...request, method: 'POST', headers: delivery.headers, body: delivery.body };
        },
        onResponse: (status, _body, context) => {
          if (onRefused && context.delivery && isRefused(status)) onRefused(context.delivery as SignedOrder);
        },
      },
    ],
    renderProgressBar: false,
    renderResultsTable: false,
  });
  tracker.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await tracker;
  const durationMs = result.finish.getTime() - result.start.getTime();
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]));
  const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    offeredRate: rate ?? null,
    durationMs,
    completed,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    achievedRate: (completed / durationMs) * 1000,
    latency: summarize(latencies),
    statuses,
    reused,
  };
}

/** An answer Shopify delivers again after: a 5xx or a 429. */
export function isRefused(status: number): boolean {
  return status >= 500 || status === 429;
}
