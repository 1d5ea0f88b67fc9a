// Each process's operations port (WORKER_METRICS_PORT, API_METRICS_PORT), kept off the public API
// port: GET /metrics (Prometheus text: cellarhand's registry, then the Temporal SDK's exporter where
// the process has one), GET /health (liveness) and GET /ready (readiness).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { checkReadiness, type ReadinessCheck } from './readiness';

export interface MetricsServerOptions {
  port: number;
  registry: Registry;
  /** The Temporal SDK's own Prometheus endpoint, scraped and appended (its names all start with `temporal_`). */
  sdkMetricsUrl?: string;
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
}

const SDK_SCRAPE_TIMEOUT_MS = 2_000;

export async function startMetricsServer({ port, registry, sdkMetricsUrl, readiness, logger }: MetricsServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ error: 'GET only' }));
      if (path === '/metrics') {
        const parts = [await registry.metrics()];
        if (sdkMetricsUrl) parts.push(await scrape(sdkMetricsUrl, logger));
        return send(200, registry.contentType, parts.join('\n'));
      }
      if (path === '/health') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/ready') {
        const state = await checkReadiness(readiness);
        return send(state.ready ? 200 : 503, 'application/json', JSON.stringify(state));
      }
      return send(404, 'application/json', JSON.stringify({ error: 'GET /metrics, /health or /ready' }));
    };
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    };
    answer().catch((err: unknown) => {
      logger.error({ err }, 'metrics server: request failed');
      if (!res.headersSent) send(500, 'application/json', JSON.stringify({ error: 'internal error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The SDK exporter's text; on failure a comment, so cellarhand's own metrics are still served. */
async function scrape(url: string, logger: Logger): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (err) {
    logger.warn({ err }, 'metrics server: the Temporal SDK exporter did not answer');
    return '# Temporal SDK metrics unavailable\n';
  }
}
