// `npm run worker`: one worker process against the configured Temporal (dev server, self-hosted or Cloud).
// Per process, whatever the number of Worker instances: one logger (the SDK's logs included), one
// metrics registry, one operations port (WORKER_METRICS_PORT: /metrics, /health, /ready).
import type { Server } from 'node:http';
import { loadConfigOrExit } from '../config';
import { createActivities, createClients } from '../activities';
import { processLogger } from '../observability/logger';
import { createRegistry, externalCallMetrics } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { orderMetrics } from '../observability/order-metrics';
import { temporalReachable } from '../observability/readiness';
import { freeLoopbackAddress, installTemporalRuntime } from '../observability/temporal-runtime';
import { connectWorker } from '../temporal/connection';
import { ShopSettings } from '../temporal/shop-settings';
import { createOrderWorkers } from './create-worker';
import { ensureSchedules } from './schedules';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = processLogger(config, 'worker');
  const metricsPort = config.observability.workerMetricsPort;
  // The SDK's exporter listens on loopback only; the operations port serves its metrics with ours.
  const sdkMetricsAddress = metricsPort ? await freeLoopbackAddress() : undefined;
  installTemporalRuntime({ logger, prometheusBindAddress: sdkMetricsAddress });
  const registry = createRegistry();

  try {
    const connection = await connectWorker(config.temporal);
    const worker = await createOrderWorkers({
      connection,
      config,
      activities: createActivities(createClients(config, externalCallMetrics(registry)), config),
      log: (message) => logger.info(message),
    });
    // The worker's own client: same connection, namespace and data converter as the worker (a Client
    // over the NativeConnection; the privacy, reconciliation and alert activities use the same one).
    if (worker.client) {
      // The shop's settings (sync switch, install time): the first start of cellarhand is its install.
      const settings = new ShopSettings(worker.client, {
        shopDomain: config.shopify.shopDomain,
        taskQueue: config.temporal.taskQueue,
        syncEnabledByDefault: config.orders.syncEnabled,
      });
      await settings.current().then(
        (state) =>
          logger.info(
            { syncEnabled: state.syncEnabled, installedAt: state.installedAt },
            `shop settings: sync ${state.syncEnabled ? 'on' : 'off'}, installed ${state.installedAt}`,
          ),
        (err) => logger.error({ err }, 'shop settings could not be set up'),
      );
      for (const { name, outcome, detail, error, impact } of await ensureSchedules(worker.client, config)) {
        if (outcome) logger.info({ schedule: name, outcome, detail }, `${name} schedule: ${outcome} (${detail})`);
        // Orders still flow from webhooks; say loudly which safety net is missing.
        else logger.error({ schedule: name, error }, `${name} schedule could not be set up; ${impact}`);
      }
    }

    let server: Server | undefined;
    let stopOrderMetrics = () => {};
    if (metricsPort) {
      server = await startMetricsServer({
        port: metricsPort,
        registry,
        sdkMetricsUrl: `http://${sdkMetricsAddress}/metrics`,
        logger,
        readiness: {
          temporal: temporalReachable(connection),
          // Polling: every Worker of the process runs (none is starting, draining or stopped).
          polling: async () => {
            const state = worker.getState();
            if (state !== 'RUNNING') throw new Error(`worker ${state.toLowerCase()}`);
          },
        },
      });
      if (worker.client)
        stopOrderMetrics = orderMetrics({ registry, client: worker.client, config, logger }).start(config.observability.orderMetricsIntervalMs);
      logger.info({ port: metricsPort }, `metrics, health and readiness on http://localhost:${metricsPort}/metrics, /health, /ready`);
    }

    const { taskQueues } = config.orders;
    logger.info(
      {
        taskQueue: config.temporal.taskQueue,
        vinoshipperTaskQueue: taskQueues.vinoshipper,
        emailTaskQueue: taskQueues.email,
        temporalAddress: config.temporal.address,
        namespace: config.temporal.namespace,
      },
      `worker polling task queues "${config.temporal.taskQueue}", "${taskQueues.vinoshipper}" (${config.rateLimits.vinoshipperPerSecond}/s) and "${taskQueues.email}" (${config.rateLimits.resendPerSecond}/s)`,
    );
    // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves when it has.
    await worker.run();
    stopOrderMetrics();
    server?.close();
    await connection.close();
    logger.info('worker stopped');
  } catch (err) {
    logger.fatal({ err }, 'worker stopped');
    process.exit(1);
  }
}

void main();
