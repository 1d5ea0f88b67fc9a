// The benchmark's ceiling: the least a workflow can do with the same machinery as an order — one
// workflow task, one activity (a no-op), one more workflow task, done. Bundled into the bench
// worker only (scripts/bench/ceiling-worker.ts); never part of cellarhand's worker.
import { proxyActivities } from '@temporalio/workflow';

export const CEILING_TASK_QUEUE = 'cellarhand-bench-ceiling';
export const CEILING_WORKFLOW_TYPE = 'benchCeilingWorkflow';

export interface CeilingActivities {
  benchNoop(input: { i: number }): Promise<number>;
}

const { benchNoop } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '30s' });

export async function benchCeilingWorkflow(i: number): Promise<number> {
  return benchNoop({ i });
}
