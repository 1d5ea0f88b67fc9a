// Run 8 (PostgreSQL only): restart PostgreSQL under the Temporal server mid-batch — a fast shutdown
// (what `pg_ctl restart` does: open transactions aborted, every connection cut), down a few
// seconds, then up on the same data — with orders, issue emails and refunds in flight. Nobody
// restarts the Temporal server, the worker or the API: they must ride it out, and every order,
// refund and email happens exactly once.
import type { FaultRun } from './harness';
import { sleep } from './harness';
import { checkSurvivors } from './mid-batch';
import { mixedBatchWithFault } from './mixed-batch';
import { World } from './observe';

const DOWN_MS = 5_000;

export const postgresRestart: FaultRun = {
  id: 'postgres-restart',
  title: 'restart PostgreSQL under the Temporal server mid-batch with refunds and issue emails in flight',
  backends: ['postgres'],
  deadlineMs: ({ short }) => (short ? 180_000 : 300_000),
  async run(ctx, { short }) {
    const stack = await ctx.startStack();
    const world = new World(stack);
    const pids = { worker: stack.pid('worker'), api: stack.pid('api'), temporal: stack.pid('temporal') };
    let backAt = 0;
    let stoppedAt = 0;
    await mixedBatchWithFault(ctx, world, short, {
      async inject() {
        stoppedAt = Date.now();
        await stack.stopPart('postgres');
        ctx.step(`PostgreSQL stopped (fast shutdown) in ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s; down for ${DOWN_MS / 1000} s`);
      },
      async repair() {
        await sleep(Math.max(0, stoppedAt + DOWN_MS - Date.now()));
        await stack.relaunch('postgres');
        backAt = Date.now();
        ctx.step(`PostgreSQL accepting sessions again after ${((backAt - stoppedAt) / 1000).toFixed(1)} s`);
        ctx.inject(`PostgreSQL restarted ×1 (fast shutdown); unreachable for ${((backAt - stoppedAt) / 1000).toFixed(1)} s`);
      },
    });
    ctx.check(
      stack.isRunning('temporal') && stack.pid('temporal') === pids.temporal,
      `the Temporal server process (pid ${pids.temporal}) rode out the database restart${stack.isRunning('temporal') ? '' : ' — it EXITED'}`,
    );
    await checkSurvivors(ctx, stack, pids, backAt);
  },
};
