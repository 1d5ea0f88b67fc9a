// Part 1, the ceiling: N trivial workflows (one no-op activity each) started as fast as the client
// can (100 starts in flight), run by a bench worker process on its own task queue against the same
// dev server; completed workflows per second from the first start until visibility counts all N
// completed (polled every 200 ms).
import type { LocalStack } from '../../lib/local-stack';
import { CEILING_TASK_QUEUE, CEILING_WORKFLOW_TYPE } from '../ceiling-workflows';
import { cpuWindow, NodeProcess, rssOf, sampler, temporalPids, waitForCount, waitForPoller, type CpuShares } from '../processes';
import { inPool } from '../stats';
import type { PartContext } from './context';

export interface CeilingResult {
  n: number;
  /** From the first start until the last start call returned. */
  startsMs: number;
  /** From the first start until all N were seen completed; null if they never were. */
  totalMs: number | null;
  completed: number;
  perSec: number;
  benchWorkerRssPeak: number;
  serverRssPeak: number;
  cpu: CpuShares;
}

const STARTS_IN_FLIGHT = 100;
const POLL_MS = 200;

export async function runCeiling(ctx: PartContext, stack: LocalStack): Promise<CeilingResult> {
  const { ceilingN: n } = ctx.options;
  const client = await stack.client();
  const args = ctx.choice.runtime === 'built' ? [ctx.built.ceilingWorker] : ['--import', 'tsx', 'scripts/bench/ceiling-worker.ts'];
  // With the heap limits cellarhand's worker runs under.
  const worker = NodeProcess.start('ceiling worker', args, { ...stack.workerEnv, BENCH_TASK_QUEUE: CEILING_TASK_QUEUE });
  try {
    await waitForPoller(client, CEILING_TASK_QUEUE, worker.launchedAt);
    ctx.log(`ceiling: starting ${n} trivial workflows`);
    const rss = sampler(() => worker.rss());
    const serverRss = sampler(() => rssOf(stack.pid('temporal')));
    const cpu = cpuWindow({ ...temporalPids(stack), 'bench worker': worker.pid });
    const t0 = Date.now();
    let startsMs = NaN;
    const starting = inPool(
      Array.from({ length: n }, (_, i) => i),
      STARTS_IN_FLIGHT,
      async (i) => {
        await client.workflow.start(CEILING_WORKFLOW_TYPE, { workflowId: `bench-ceiling-${t0}-${i}`, taskQueue: CEILING_TASK_QUEUE, args: [i] });
      },
    ).then(() => (startsMs = Date.now() - t0));
    const done = await waitForCount(client, `WorkflowType="${CEILING_WORKFLOW_TYPE}" AND ExecutionStatus="Completed"`, n, { everyMs: POLL_MS });
    const cpuShares = cpu.stop();
    await starting;
    const totalMs = done.reachedAt === null ? null : done.reachedAt - t0;
    const result: CeilingResult = {
      n,
      startsMs,
      totalMs,
      completed: done.count,
      perSec: totalMs === null ? NaN : (n / totalMs) * 1000,
      benchWorkerRssPeak: rss.stop().peak,
      serverRssPeak: serverRss.stop().peak,
      cpu: cpuShares,
    };
    ctx.log(`ceiling: ${done.count}/${n} completed in ${totalMs === null ? '(stalled)' : `${(totalMs / 1000).toFixed(1)} s`}: ${result.perSec.toFixed(1)}/s`);
    return result;
  } finally {
    await worker.stop();
  }
}
