// Run 1: `kill -9` the worker while orders are in flight, restart it. Every order reaches
// `submitted` with exactly one Vinoshipper order and one Shopify write-back.
import type { FaultRun } from './harness';
import { batchSize, batchWithFault, describeProgress } from './mid-batch';
import { verifyOrders, World } from './observe';

export const workerKill: FaultRun = {
  id: 'worker-kill',
  title: 'kill -9 the worker while orders are in flight; restart it',
  // Activities that ran on the killed worker are retried after their 30 s start-to-close timeout.
  deadlineMs: ({ short }) => (short ? 120_000 : 240_000),
  async run(ctx, { short }) {
    const n = batchSize(short);
    const stack = await ctx.startStack();
    const world = new World(stack);
    let atKill = { activities: 0, workflowTasks: 0 };
    let downMs = 0;
    const { placed, atFault } = await batchWithFault(ctx, world, n, { burst: n }, async () => {
      const pid = stack.pid('worker');
      const killedAt = Date.now();
      await stack.kill('worker');
      atKill = await world.pendingWork();
      ctx.step(`worker (pid ${pid}) SIGKILLed; ${atKill.activities} activities and ${atKill.workflowTasks} workflow tasks were scheduled or running`);
      await stack.startPart('worker');
      downMs = Date.now() - killedAt;
      ctx.step(`worker restarted and polling (${(downMs / 1000).toFixed(1)} s without a worker)`);
    });
    ctx.inject(`worker SIGKILL ×1 at ${describeProgress(atFault, n)}`);
    ctx.inject(
      `pending when the worker died: ${atKill.activities} activities (a started one is retried after its 30 s start-to-close timeout), ${atKill.workflowTasks} workflow tasks; restarted after ${(downMs / 1000).toFixed(1)} s`,
    );
    ctx.check(atKill.activities + atKill.workflowTasks > 0, 'work was in flight on the killed worker (activities or workflow tasks pending)');
    await world.settle(ctx, placed, 'submitted');
    await verifyOrders(ctx, world, placed, { status: 'submitted', inVinoshipper: true, emailsPerOrder: 0 });
  },
};
