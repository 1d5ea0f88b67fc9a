// Run 2: stop the Temporal server (the dev server with a persistent SQLite database, or the server on
// PostgreSQL) in the middle of a batch, keep it down a few seconds, start it again. The worker and the API reconnect by themselves (nobody
// restarts them) and every order completes; webhooks that got a 503 meanwhile are re-delivered.
import { SERVER_LABEL } from '../lib/local-stack';
import type { FaultRun } from './harness';
import { batchSize, batchWithFault, checkSurvivors, describeProgress } from './mid-batch';
import { describeDeliveries, verifyOrders, World } from './observe';

const DOWN_MS = 5_000;

export const temporalRestart: FaultRun = {
  id: 'temporal-restart',
  title: 'stop and restart the Temporal server (persistent database) mid-batch',
  deadlineMs: ({ short }) => (short ? 120_000 : 240_000),
  async run(ctx, { short }) {
    const n = batchSize(short);
    const stack = await ctx.startStack({ persistent: true });
    const world = new World(stack);
    const pids = { worker: stack.pid('worker'), api: stack.pid('api') };
    let restartedAt = 0;
    let outageMs = 0;
    const server = SERVER_LABEL[stack.backend];
    const { placed, atFault } = await batchWithFault(ctx, world, n, { burst: n / 2, spreadMs: 8_000 }, async () => {
      const stoppedAt = Date.now();
      ctx.step(`stopping the ${server} (SIGINT), down for ${DOWN_MS / 1000} s`);
      await stack.restartTemporal({ downMs: DOWN_MS });
      restartedAt = Date.now();
      outageMs = restartedAt - stoppedAt;
      ctx.step(`${server} back on the same port after ${(outageMs / 1000).toFixed(1)} s`);
    });
    ctx.inject(`${server} stopped at ${describeProgress(atFault, n)}; unreachable for ${(outageMs / 1000).toFixed(1)} s (${DOWN_MS / 1000} s down + restart)`);

    // The same worker and API processes must come back by themselves.
    await checkSurvivors(ctx, stack, pids, restartedAt);

    await world.settle(ctx, placed, 'submitted');
    const creates = (await world.deliveries()).filter((d) => d.topic === 'orders/create');
    const d = describeDeliveries(creates);
    ctx.count(
      `orders/create webhooks: ${creates.length}, ${creates.filter((x) => x.state === 'delivered').length} acknowledged; ${d.retried} needed more than one attempt (${d.attempts - creates.length} attempts without a 2xx while Temporal was down)`,
    );
    ctx.check(d.retried > 0, 'webhooks arrived while Temporal was down (answered 503 or not at all) and were delivered again');
    ctx.check(creates.length === n && creates.every((x) => x.state === 'delivered'), 'every orders/create webhook acknowledged in the end');
    await verifyOrders(ctx, world, placed, { status: 'submitted', inVinoshipper: true, emailsPerOrder: 0 });
  },
};
