// Run 3: the Vinoshipper sandbox fails 30% of all calls — 503s, calls that never answer, and
// changes made whose reply is lost — for the whole batch. Every order completes, none is doubled.
import { ISSUE_WORDING } from '../../domain';
import type { FaultRun } from './harness';
import { batchSize } from './mid-batch';
import { verifyOrders, World } from './observe';

const RATE = 0.3;
/** Shorter than the defaults (10 s, 10 min) so the run is bounded; the logic is the same. */
const ENV = { VINOSHIPPER_TIMEOUT: '2s', UNREACHABLE_RETRY_INTERVAL: '5s' };

export const vinoshipperFaults: FaultRun = {
  id: 'vinoshipper-faults',
  title: `Vinoshipper failing ${RATE * 100}% of calls (unavailable, timeout, drop_response mixed)`,
  deadlineMs: ({ short }) => (short ? 120_000 : 300_000),
  async run(ctx, { short }) {
    const n = batchSize(short);
    const stack = await ctx.startStack({ env: ENV });
    const world = new World(stack);
    await world.stockUp();
    await world.sandbox('POST', '/sandbox/vinoshipper/faults', { mode: 'mixed', rate: RATE });
    ctx.step(
      `Vinoshipper faults armed: mixed, rate ${RATE} (VINOSHIPPER_TIMEOUT=${ENV.VINOSHIPPER_TIMEOUT}, UNREACHABLE_RETRY_INTERVAL=${ENV.UNREACHABLE_RETRY_INTERVAL})`,
    );
    const placed = await world.placeOrders(ctx, n, { concurrency: 4 });
    ctx.step(`${n} orders placed`);
    // Faults stay armed until every order has got through once; then Vinoshipper heals and the
    // orders settle (a re-read after a hint may have hit a fault and parked an order as unreachable).
    await ctx
      .waitFor(`all ${n} orders submitted with faults armed`, async () => (await world.countIn(placed, 'submitted')) === n, { everyMs: 500 })
      .catch(async (err) => {
        ctx.step(`orders at the deadline: ${await world.statusLine(placed)}`);
        throw err;
      });
    const faults = await world.sandbox<{ injected: Record<string, number> }>('POST', '/sandbox/vinoshipper/faults', { mode: 'none' });
    ctx.step(`all ${n} reached submitted under faults; faults cleared`);
    const { unavailable, timeout, drop_response } = faults.injected;
    ctx.inject(
      `Vinoshipper faults at rate ${RATE}: ${unavailable + timeout + drop_response} calls failed — unavailable (503) ${unavailable}, timeout (no answer, client gives up after ${ENV.VINOSHIPPER_TIMEOUT}) ${timeout}, drop_response (change made, reply lost) ${drop_response}`,
    );
    ctx.inject(`VINOSHIPPER_TIMEOUT=${ENV.VINOSHIPPER_TIMEOUT}, UNREACHABLE_RETRY_INTERVAL=${ENV.UNREACHABLE_RETRY_INTERVAL} for this run (defaults 10s, 10m)`);
    ctx.check(unavailable > 0 && timeout > 0 && drop_response > 0, 'all three fault kinds were injected');

    await world.settle(ctx, placed, 'submitted');
    const unreachable = (await world.emails()).filter((e) => e.subject.includes(ISSUE_WORDING.vinoshipper_unreachable.title)).length;
    ctx.count(`orders that exhausted the activity's 5 attempts and were parked as vinoshipper_unreachable (one email each): ${unreachable}`);
    await verifyOrders(ctx, world, placed, { status: 'submitted', inVinoshipper: true });
  },
};
