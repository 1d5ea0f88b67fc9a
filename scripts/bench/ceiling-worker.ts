// The bench worker for the ceiling (scripts/bench/index.ts, part 1): a separate Node process started
// the way cellarhand's worker is (the same heap limits, connection code, data converter, and the
// worker options of worker/create-worker.ts), on its own task queue, running only
// benchCeilingWorkflow and a no-op activity. Environment: the stack's (TEMPORAL_ADDRESS,
// CODEC_KEYS…), the worker's NODE_OPTIONS (worker/memory.ts), plus BENCH_TASK_QUEUE.
import { Worker } from '@temporalio/worker';
import { loadConfigOrExit } from '../../config';
import { connectWorker } from '../../temporal/connection';
import { createDataConverter } from '../../temporal/data-converter';
import { stickyCacheSize } from '../../worker/memory';
import { CEILING_TASK_QUEUE, type CeilingActivities } from './ceiling-workflows';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const connection = await connectWorker(config.temporal);
  const activities: CeilingActivities = { benchNoop: async ({ i }) => i };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: process.env.BENCH_TASK_QUEUE ?? CEILING_TASK_QUEUE,
    workflowsPath: require.resolve('./ceiling-workflows'),
    activities,
    dataConverter: createDataConverter(config.codec),
    // As in worker/create-worker.ts, so the ceiling runs under the same worker limits as the orders.
    maxCachedWorkflows: stickyCacheSize(config.worker.maxCachedWorkflows),
    maxConcurrentActivityTaskExecutions: 20,
  });
  console.log(`bench ceiling worker polling ${worker.options.taskQueue}`);
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error('bench ceiling worker stopped:', err instanceof Error ? err.message : err);
  process.exit(1);
});
