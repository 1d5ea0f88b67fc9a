// `npm run worker`: one worker process against the configured Temporal (dev server, self-hosted or Cloud).
import { loadConfigOrExit } from '../config';
import { createActivities, createClients } from '../activities';
import { connectWorker } from '../temporal/connection';
import { createOrderWorkers } from './create-worker';
import { ensureReconciliationSchedule } from './schedules';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const connection = await connectWorker(config.temporal);
  const worker = await createOrderWorkers({ connection, config, activities: createActivities(createClients(config), config) });
  // The worker's own client: same connection, namespace and data converter as the worker (a Client
  // over the NativeConnection; the privacy and reconciliation activities use the same one).
  if (worker.client) {
    try {
      const outcome = await ensureReconciliationSchedule(worker.client, config);
      console.log(
        `reconciliation schedule: ${outcome}${config.reconciliation.enabled ? ` (every ${config.reconciliation.intervalMs / 1000} s)` : ' (RECONCILE_ENABLED=false)'}`,
      );
    } catch (err) {
      // Orders still flow from webhooks; say loudly that the safety net is missing.
      console.error('reconciliation schedule could not be set up; lost webhooks will NOT be caught up:', err instanceof Error ? err.message : err);
    }
  }
  const { taskQueues } = config.orders;
  console.log(
    `worker polling task queues "${config.temporal.taskQueue}", "${taskQueues.vinoshipper}" (${config.rateLimits.vinoshipperPerSecond}/s) and "${taskQueues.email}" (${config.rateLimits.resendPerSecond}/s) on ${config.temporal.address} (namespace ${config.temporal.namespace})`,
  );
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves when it has.
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error('worker stopped:', err instanceof Error ? err.message : err);
  process.exit(1);
});
