// `npm run worker`: one worker process against the configured Temporal (dev server, self-hosted or Cloud).
import { loadConfigOrExit } from '../config';
import { createActivities, createClients } from '../activities';
import { connectWorker } from '../temporal/connection';
import { createOrderWorker } from './create-worker';
import { ensureSchedules } from './schedules';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const connection = await connectWorker(config.temporal);
  const worker = await createOrderWorker({ connection, config, activities: createActivities(createClients(config), config) });
  // The worker's own client: same connection, namespace and data converter as the worker (a Client
  // over the NativeConnection; the privacy and reconciliation activities use the same one).
  if (worker.client) {
    for (const { name, outcome, detail, error, impact } of await ensureSchedules(worker.client, config)) {
      if (outcome) console.log(`${name} schedule: ${outcome} (${detail})`);
      // Orders still flow from webhooks; say loudly which safety net is missing.
      else console.error(`${name} schedule could not be set up; ${impact}: ${error}`);
    }
  }
  console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace})`);
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves when it has.
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error('worker stopped:', err instanceof Error ? err.message : err);
  process.exit(1);
});
