// A fixed offered rate, open loop: request i is due at start + i/rate and is sent then whether or
// not earlier ones were answered (up to MAX_SOCKETS connections; beyond that, requests queue in
// the agent and the wait counts). Latency is measured from the due time, so a server that falls
// behind shows it in full (no coordinated omission).
//
// Why not autocannon's `overallRate` for this: autocannon 9.0.0 gives each connection a quota per
// second and sends it back to back at the top of every second (lib/httpClient.js, a 1 s interval
// resetting `reqsMadeThisSecond`), so "200/s" arrives as bursts, and its coordinated-omission
// correction assumes a 1 ms interval whatever the rate (lib/run.js, `Math.ceil(1 / rate)`). Measured
// here against the bare HMAC route at 200/s: autocannon (10 connections) p99 27 ms, this p99 2.4 ms.
// autocannon is used where a closed loop is the question (scripts/bench/load.ts).
import http from 'node:http';
import type { SignedOrder } from './shop';
import { summarize, type LatencySummary } from './stats';

const MAX_SOCKETS = 1024;
/** Shopify waits 5 s for an answer; a request unanswered after 10 s is counted as failed. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The dispatch loop's tick: requests due within it go out together. */
const TICK_MS = 1;

export interface OpenLoopResult {
  rate: number;
  durationSec: number;
  sent: number;
  ok2xx: number;
  /** Non-2xx answers by status. */
  failedStatuses: Record<string, number>;
  /** No answer within the timeout, or a connection error. */
  errors: number;
  /** From the due time to the end of the response, every request that was answered (any status). */
  latency: LatencySummary;
  /** The same, of the requests answered 503 only: how fast an overloaded route turns a delivery away. */
  rejectedLatency: LatencySummary;
  /** How late the generator itself sent requests (p99): above a few ms the machine could not keep up. */
  sendLagP99: number;
  /** Deliveries that reused a body because the prepared ones ran out. */
  reused: number;
  /** The five slowest answers: when each was due (ms after the first) and how long it took; shows whether a p99 is a cold start or a stall. */
  slowest: Array<{ dueAtMs: number; ms: number; status: number }>;
}

export async function openLoop(url: string, deliveries: readonly SignedOrder[], rate: number, durationSec: number): Promise<OpenLoopResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const total = Math.round(rate * durationSec);
  const lags: number[] = [];
  /** Every answer: when it was due (ms after the first), its latency from then, its status. */
  const answered: Array<{ dueAtMs: number; ms: number; status: number }> = [];
  const failedStatuses: Record<string, number> = {};
  let ok2xx = 0;
  let errors = 0;

  const send = (index: number, due: number) =>
    new Promise<void>((resolve) => {
      const delivery = deliveries[index % deliveries.length];
      lags.push(performance.now() - due);
      let settled = false;
      const done = (status: number | null) => {
        if (settled) return;
        settled = true;
        if (status === null) errors++;
        else {
          answered.push({ dueAtMs: Math.round(due - start), ms: performance.now() - due, status });
          if (status >= 200 && status < 300) ok2xx++;
          else failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
        }
        resolve();
      };
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? null));
          res.on('error', () => done(null));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(null));
      req.end(delivery.body);
    });

  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 20;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) {
        inFlight.push(send(next, start + (next * 1000) / rate));
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  return {
    rate,
    durationSec,
    sent: total,
    ok2xx,
    failedStatuses,
    errors,
    latency: summarize(answered.map((a) => a.ms)),
    rejectedLatency: summarize(answered.filter((a) => a.status === 503).map((a) => a.ms)),
    sendLagP99: summarize(lags).p99,
    reused: Math.max(0, total - deliveries.length),
    slowest: answered
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((a) => ({ ...a, ms: Math.round(a.ms) })),
  };
}
