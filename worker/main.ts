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
import { createOrderWorkers } from './create-worker';
import { ensureReconciliationSchedule } from './schedules';

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
    // over the NativeConnection; the privacy and reconciliation activities use the same one).
    if (worker.client) {
      try {
        const outcome = await ensureReconciliationSchedule(worker.client, config);
        logger.info({ outcome, enabled: config.reconciliation.enabled, intervalMs: config.reconciliation.intervalMs }, `reconciliation schedule: ${outcome}`);
      } catch (err) {
        // Orders still flow from webhooks; say loudly that the safety net is missing.
        logger.error({ err }, 'reconciliation schedule could not be set up; lost webhooks will NOT be caught up');
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
