// `npm run api`: the HTTP API against the configured Temporal (dev server, self-hosted or Cloud).
// `/health` and `/ready` on API_PORT (where platforms probe it); `/metrics` with them again on
// API_METRICS_PORT, off the public port.
import type { Server } from 'node:http';
import { loadConfigOrExit } from '../config';
import { processLogger } from '../observability/logger';
import { createRegistry } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { temporalReachable } from '../observability/readiness';
import { connectClient, probeConnection } from '../temporal/connection';
import { OrderWorkflows } from '../temporal/order-workflows';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = processLogger(config, 'api');
  try {
    const client = await connectClient(config.temporal, config.codec);
    const orders = new OrderWorkflows(client, {
      shopDomain: config.shopify.shopDomain,
      taskQueue: config.temporal.taskQueue,
      settings: config.orders,
      handOverTimeoutMs: config.api.handOverTimeoutMs,
    });
    // The install is recorded before the first webhook (the default cut-off for old orders).
    await orders.shopSettings.current().catch((err) => logger.error({ err }, 'shop settings could not be read yet; the first webhook will try again'));
    const registry = createRegistry();
    const probe = probeConnection(config.temporal);
    const readiness = {
      temporal: temporalReachable(probe),
    };
    const server = createApp({ config, orders, logger, registry, readiness }).listen(config.api.port, () => {
      logger.info({ port: config.api.port }, `API listening on http://localhost:${config.api.port} (webhooks: POST /webhooks/shopify)`);
    });
    let metricsServer: Server | undefined;
    if (config.observability.apiMetricsPort) {
      metricsServer = await startMetricsServer({ port: config.observability.apiMetricsPort, registry, readiness, logger });
      logger.info(
        { port: config.observability.apiMetricsPort },
        `metrics, health and readiness on http://localhost:${config.observability.apiMetricsPort}/metrics, /health, /ready`,
      );
    }
    const stop = () => {
      metricsServer?.close();
      // Finish requests in progress, but don't wait for idle keep-alive connections to time out.
      server.close(() => void Promise.all([client.connection.close(), probe.close()]).then(() => process.exit(0)));
      server.closeIdleConnections();
      setInterval(() => server.closeIdleConnections(), 250).unref();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    logger.fatal({ err }, 'API stopped');
    process.exit(1);
  }
}

void main();
