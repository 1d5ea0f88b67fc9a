// The order worker: polls the task queue, runs the workflows and the activities. Shared by
// `npm run worker`, `npm start` and the tests (which pass a prebuilt workflow bundle).
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from '../config';
import type { OrderActivities } from '../domain';
import { createDataConverter } from '../temporal/data-converter';

export interface OrderWorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'temporal' | 'codec'>;
  activities: OrderActivities;
  /**
   * Tests bundle the workflow code once per run; otherwise the worker bundles it at start. A prebuilt
   * bundle must be built with `failureConverterPath: FAILURE_CONVERTER_PATH` (temporal/data-converter.ts).
   */
  workflowBundle?: WorkflowBundleOption;
}

export function createOrderWorker({ connection, config, activities, workflowBundle }: OrderWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities,
    // Payloads encrypted, failure messages encoded (personal data never in clear in Temporal).
    dataConverter: createDataConverter(config.codec),
    // Orders mostly wait; cap the sticky cache so thousands of parked orders fit in memory
    // (evicted workflows are replayed from history when they wake).
    maxCachedWorkflows: 500,
    // Vinoshipper reportedly trips a Cloudflare gate after ~10 rapid calls: keep activity
    // concurrency modest (the activity retry policies absorb the rest).
    maxConcurrentActivityTaskExecutions: 20,
  });
}
