// The workers of one cellarhand worker process: the order task queue (workflows, Shopify, privacy and
// reconciliation activities) and one task queue per rate-limited system (Vinoshipper, Resend). Each
// of those declares its budget to the server (`maxTaskQueueActivitiesPerSecond`), which enforces it
// across every worker polling the queue: several worker processes together never exceed it.
// Shared by `npm run worker`, `npm start` and the tests (which pass a prebuilt workflow bundle).
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { CellarhandActivities } from '../activities';
import type { Config } from '../config';
import { createDataConverter } from '../temporal/data-converter';
import { stickyCacheSize } from './memory';
import { workflowBundle as cachedWorkflowBundle } from './workflow-bundle';

export interface OrderWorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'temporal' | 'codec' | 'orders' | 'rateLimits' | 'worker'>;
  activities: CellarhandActivities;
  /**
   * The workflow code, bundled ahead of time; by default the one `npm run build` wrote, or the one
   * cached for this code (worker/workflow-bundle.ts). A bundle made elsewhere must be built with
   * `failureConverterPath: FAILURE_CONVERTER_PATH` (temporal/data-converter.ts).
   */
  workflowBundle?: WorkflowBundleOption;
  /** Progress worth a line in the log (building the bundle on first use). */
  log?: (message: string) => void;
}

export interface CellarhandWorkers {
  orders: Worker;
  vinoshipper: Worker;
  email: Worker;
  /** The order worker's own client (same connection, namespace and data converter). */
  client: Client | undefined;
  /** `RUNNING` only when all three run; otherwise the state of the first that does not. */
  getState(): ReturnType<Worker['getState']>;
  /** Runs all three until shutdown (SIGINT/SIGTERM, or `shutdown()`); rejects if any fails. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createOrderWorkers({ connection, config, activities, workflowBundle, log }: OrderWorkerOptions): Promise<CellarhandWorkers> {
  const common = { connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.codec) };
  const orders = await Worker.create({
    ...common,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: workflowBundle ?? (await cachedWorkflowBundle({ log })),
    activities: activities.orders,
    // Orders mostly wait: the sticky cache holds the few that are busy, sized to the heap
    // (worker/memory.ts); an evicted order is replayed from its history when it wakes.
    maxCachedWorkflows: stickyCacheSize(config.worker.maxCachedWorkflows),
    maxConcurrentActivityTaskExecutions: 20,
  });
  const vinoshipper = await Worker.create({
    ...common,
    taskQueue: config.orders.taskQueues.vinoshipper,
    activities: activities.vinoshipper,
    // Vinoshipper reportedly trips a Cloudflare gate after ~10 rapid calls: one budget for the deployment.
    maxTaskQueueActivitiesPerSecond: config.rateLimits.vinoshipperPerSecond,
    maxConcurrentActivityTaskExecutions: 10,
  });
  const email = await Worker.create({
    ...common,
    taskQueue: config.orders.taskQueues.email,
    activities: activities.email,
    // Resend allows 2 requests/s per team.
    maxTaskQueueActivitiesPerSecond: config.rateLimits.resendPerSecond,
    maxConcurrentActivityTaskExecutions: 5,
  });
  const all = [orders, vinoshipper, email];
  const stopAll = () => {
    for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    orders,
    vinoshipper,
    email,
    client: orders.client,
    getState() {
      return all.map((w) => w.getState()).find((state) => state !== 'RUNNING') ?? 'RUNNING';
    },
    async run() {
      // One failing worker stops the others, so the process exits (and is restarted) instead of half-running.
      const runs = all.map((w) => w.run());
      try {
        await Promise.all(runs);
      } catch (err) {
        stopAll();
        await Promise.allSettled(runs);
        throw err;
      }
    },
    shutdown: stopAll,
  };
}
