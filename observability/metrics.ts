// cellarhand's own Prometheus metrics (prom-client), one registry per process: the worker's and the
// API's. The Temporal SDK's metrics are the SDK's own exporter's (observability/temporal-runtime.ts),
// served on the same /metrics (observability/metrics-server.ts).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallObserver } from '../integrations/call-observer';

/** A process's registry, with Node's process metrics (CPU, memory, event loop lag, GC). */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Seconds: most calls take tens of milliseconds; the slowest allowed ones (timeouts) 10 to 30 s. */
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Calls to Vinoshipper, Shopify and Resend by outcome, as each client reports them (one per HTTP
 * request; a retried activity counts each attempt). Resend sends also count as emails sent or failed.
 */
export function externalCallMetrics(registry: Registry): CallObserver {
  const calls = new Counter({
    name: 'cellarhand_external_calls_total',
    help: 'Calls to Vinoshipper, Shopify and Resend, by system, operation and outcome (ok, unavailable, rejected, configuration, not_found, conflict)',
    labelNames: ['system', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cellarhand_external_call_duration_seconds',
    help: 'Duration of calls to Vinoshipper, Shopify and Resend, by system and operation',
    labelNames: ['system', 'operation'] as const,
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const emails = new Counter({
    name: 'cellarhand_emails_total',
    help: 'Email send attempts through Resend, by outcome (sent, failed); a failed attempt is retried by its activity',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return ({ system, operation, outcome, durationMs }) => {
    calls.inc({ system, operation, outcome });
    duration.observe({ system, operation }, durationMs / 1000);
    if (system === 'resend') emails.inc({ outcome: outcome === 'ok' ? 'sent' : 'failed' });
  };
}
