// Run 6: the API process is SIGKILLed twice during a burst of orders/create webhooks and started
// again. Webhooks that got no 2xx (refused while it was down, or cut off mid-request, possibly after
// the API had already handed the order to Temporal) are delivered again by the store, as Shopify
// does: same payload, same webhook id, until acknowledged. No order lost, none doubled.
import { sleep, type FaultRun } from './harness';
import { batchSize } from './mid-batch';
import { describeDeliveries, verifyOrders, World } from './observe';

/** Webhook redelivery rounds after the store's own retries gave up (Shopify retries for hours). */
const MAX_REDELIVERY_ROUNDS = 5;

export const apiRestart: FaultRun = {
  id: 'api-restart',
  title: 'the API process SIGKILLed and restarted during a burst of webhooks',
  deadlineMs: ({ short }) => (short ? 120_000 : 240_000),
  async run(ctx, { short }) {
    const n = batchSize(short);
    const stack = await ctx.startStack();
    const world = new World(stack);
    await world.stockUp();

    const killAt = [Math.ceil(n / 3), Math.ceil((2 * n) / 3)];
    const kills: Array<{ at: number; downMs: number; backAt: number; cut: string[]; refused: number; errors: Set<string> }> = [];
    let restarts = Promise.resolve();
    const killAndRestart = (at: number) => {
      restarts = restarts.then(async () => {
        await sleep(15); // the deliveries of the orders just placed are on their way in
        const killedAt = Date.now();
        await stack.kill('api');
        await sleep(150); // long enough for the cut requests' errors to be recorded, short of the store's first retry (1 s)
        // A delivery whose attempt failed without ECONNREFUSED was under way in the killed process.
        const failed = (await world.deliveries()).filter((d) => d.state === 'pending' && d.error && d.topic === 'orders/create');
        const cut = failed.filter((d) => !/ECONNREFUSED/i.test(d.error ?? ''));
        await stack.startPart('api');
        const backAt = Date.now();
        kills.push({
          at,
          downMs: backAt - killedAt,
          backAt,
          cut: cut.map((d) => d.orderId),
          refused: failed.length - cut.length,
          errors: new Set(cut.map((d) => d.error!)),
        });
        ctx.step(
          `API SIGKILLed after ${at} orders placed, restarted after ${((backAt - killedAt) / 1000).toFixed(1)} s; ${cut.length} orders/create requests cut off mid-request (${[...new Set(cut.map((d) => d.error))].join('; ') || '-'})`,
        );
      });
    };
    // Groups of orders placed together: each group's webhooks arrive at the API at once.
    const group = short ? 5 : 10;
    const placed = await world.placeOrders(ctx, n, {
      concurrency: group,
      paceMs: 150,
      afterEach: (count) => {
        if (killAt.includes(count)) killAndRestart(count);
      },
    });
    await restarts;
    ctx.step(`${n} orders placed`);

    // Shopify's part: redeliver what was never acknowledged, until it is.
    const creates = async () => (await world.deliveries()).filter((d) => d.topic === 'orders/create' && !d.redelivery);
    await ctx.waitFor('the store to finish its own webhook retries', async () => !(await world.deliveries()).some((d) => d.state === 'pending'), {
      everyMs: 250,
    });
    let redelivered = 0;
    for (let round = 0; round < MAX_REDELIVERY_ROUNDS; round++) {
      const all = await world.deliveries();
      const unacknowledged = placed.filter((p) => !all.some((d) => d.orderId === p.id && d.topic === 'orders/create' && d.state === 'delivered'));
      if (!unacknowledged.length) break;
      for (const p of unacknowledged) await world.sandbox('POST', `/sandbox/shopify/orders/${p.id}/redeliver`, { topic: 'orders/create' });
      redelivered += unacknowledged.length;
      await ctx.waitFor('redeliveries to finish', async () => !(await world.deliveries()).some((d) => d.state === 'pending'), { everyMs: 250 });
    }

    const all = await world.deliveries();
    const unacknowledged = placed.filter((p) => !all.some((x) => x.orderId === p.id && x.topic === 'orders/create' && x.state === 'delivered'));
    const first = await creates();
    const d = describeDeliveries(first);
    ctx.inject(
      `API SIGKILL ×${kills.length} (after ${kills.map((k) => `${k.at}`).join(' and ')} of ${n} orders placed; down ${kills.map((k) => `${(k.downMs / 1000).toFixed(1)} s`).join(', ')})`,
    );
    // A cut request whose workflow had started before the API was back was handed to Temporal by the
    // killed process: its answer was lost, and the redelivery met the running workflow.
    const workflows = await world.workflows();
    const cut = kills.flatMap((k) => k.cut.map((id) => ({ id, backAt: k.backAt })));
    const handedOver = cut.filter((c) => (workflows.get(c.id)?.startedAt ?? Infinity) < c.backAt).length;
    ctx.inject(
      `orders/create requests cut off mid-request by the kills: ${cut.length}, of which ${handedOver} had already started their workflow (answer lost, then redelivered); attempts without a 2xx in all: ${d.attempts - first.length}`,
    );
    ctx.count(
      `orders/create webhooks: ${first.length}; ${d.retried} retried by the store with the same webhook id; ${redelivered} redelivered after the store gave up; unacknowledged at the end: ${unacknowledged.length}`,
    );
    ctx.check(unacknowledged.length === 0, "every order's orders/create webhook acknowledged in the end");
    ctx.check(kills.length === 2, 'the API was killed twice mid-burst');
    ctx.check(d.retried > 0, 'some webhooks got no 2xx and were delivered again');

    await world.settle(ctx, placed, 'submitted');
    await verifyOrders(ctx, world, placed, { status: 'submitted', inVinoshipper: true, emailsPerOrder: 0 });
  },
};
