// The API's request metrics: count and latency by method, route and status. The route is the
// pattern express matched (`/api/orders/:shopifyOrderId`, `/webhooks/vinoshipper/:token`), never the
// path itself, which carries order ids and secret tokens (and would make a series per order).
import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds: webhooks are acknowledged in milliseconds; Shopify gives up after 5 s. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function httpMetrics(registry: Registry): RequestHandler {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'cellarhand_http_requests_total',
    help: 'API requests by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cellarhand_http_request_duration_seconds',
    help: 'API request latency by method, route pattern and status',
    labelNames,
    buckets: BUCKETS,
    registers: [registry],
  });
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      // A client that went away before the answer: counted, under its own status.
      const labels = { method: req.method, route: routeOf(req), status: res.headersSent ? String(res.statusCode) : 'aborted' };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** The matched route's pattern; requests no route took (404s, refused preflights) share one label. */
function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}
