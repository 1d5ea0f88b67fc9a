// A worker that runs test/helpers/failing-order-workflow.ts (workflow code that throws on every task)
// on a task queue of its own, for the tests of what shows an order cellarhand cannot run.
import { NativeConnection, Worker } from '@temporalio/worker';

export const FAILING_WORKFLOWS_PATH = require.resolve('./failing-order-workflow');

export interface FailingOrderWorker {
  stop(): Promise<void>;
}

export async function startFailingOrderWorker(options: { address: string; namespace: string; taskQueue: string }): Promise<FailingOrderWorker> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({ connection, namespace: options.namespace, taskQueue: options.taskQueue, workflowsPath: FAILING_WORKFLOWS_PATH });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
