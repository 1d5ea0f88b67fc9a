// Run 7 (PostgreSQL only): `kill -9` the Temporal server mid-batch — no graceful shutdown, its
// in-memory state and open database transactions gone — with orders, issue emails and refunds in
// flight; start it again on the same ports and database. The worker and the API reconnect by
// themselves; every order, refund and email happens exactly once.
import type { FaultRun } from './harness';
import { sleep } from './harness';
import { checkSurvivors } from './mid-batch';
import { mixedBatchWithFault } from './mixed-batch';
import { World } from './observe';

const DOWN_MS = 3_000;

export const temporalKill: FaultRun = {
  id: 'temporal-kill',
  title: 'kill -9 the Temporal server (PostgreSQL) mid-batch with refunds and issue emails in flight; start it again',
  backends: ['postgres'],
  deadlineMs: ({ short }) => (short ? 180_000 : 300_000),
  async run(ctx, { short }) {
    const stack = await ctx.startStack();
    const world = new World(stack);
    const pids = { worker: stack.pid('worker'), api: stack.pid('api') };
    let backAt = 0;
    let killedAt = 0;
    await mixedBatchWithFault(ctx, world, short, {
      async inject() {
        const pid = stack.pid('temporal');
        killedAt = Date.now();
        await stack.kill('temporal');
        ctx.step(`Temporal server (pid ${pid}) SIGKILLed; down for ${DOWN_MS / 1000} s`);
      },
      async repair() {
        await sleep(Math.max(0, killedAt + DOWN_MS - Date.now()));
        await stack.relaunch('temporal');
        backAt = Date.now();
        ctx.step(`Temporal server started again (pid ${stack.pid('temporal')}) after ${((backAt - killedAt) / 1000).toFixed(1)} s`);
        ctx.inject(`Temporal server SIGKILL ×1; unreachable for ${((backAt - killedAt) / 1000).toFixed(1)} s (${DOWN_MS / 1000} s down + start)`);
      },
    });
    await checkSurvivors(ctx, stack, pids, backAt);
  },
};
