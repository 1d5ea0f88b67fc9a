// Run 5: orders blocked for compliance (the rules change to forbid CA, where the demo customer
// lives) are refunded while Shopify loses refundCreate's reply (the refund is made, the answer never
// arrives). The refund is asked for twice per order, as a double click would. Exactly one refund.
import { histogram, type FaultRun } from './harness';
import { verifyOrders, World } from './observe';

export const refundLostReply: FaultRun = {
  id: 'refund-lost-reply',
  title: 'a Shopify refund whose reply is lost',
  deadlineMs: ({ short }) => (short ? 90_000 : 150_000),
  async run(ctx, { short }) {
    const n = short ? 3 : 10;
    const stack = await ctx.startStack();
    const world = new World(stack);
    await world.stockUp();
    const { blockedStates } = await world.driver.blockedStates();
    await world.driver.setBlockedStates([...blockedStates, 'CA']);
    ctx.step(`Vinoshipper compliance now blocks CA (${[...blockedStates, 'CA'].join(', ')})`);
    const placed = await world.placeOrders(ctx, n, { concurrency: 2 });
    await world.settle(ctx, placed, 'needs_attention', 'compliance_failed');

    await world.sandbox('POST', '/sandbox/shopify/faults', { mode: 'drop_response', operation: 'refundCreate', count: n });
    ctx.step(`Shopify faults armed: drop the reply of the next ${n} refundCreate calls`);
    const asked = await Promise.all(
      placed.flatMap((p) =>
        [1, 2].map(() =>
          world.driver.refund(p.id, 'fault run: cannot ship to CA').then(
            () => 'accepted',
            (err: Error) => err.message,
          ),
        ),
      ),
    );
    ctx.step(`refund asked twice for each of the ${n} orders (${asked.filter((a) => a === 'accepted').length} of ${asked.length} requests accepted)`);
    await world.settle(ctx, placed, 'refunded');

    const { dropped } = await world.sandbox<{ dropped: Record<string, number> }>('GET', '/sandbox/shopify/faults');
    ctx.inject(
      `refundCreate replies dropped after the refund was made: ${dropped.refundCreate ?? 0} (armed ${n}); refund signal sent twice per order (${2 * n})`,
    );
    ctx.check((dropped.refundCreate ?? 0) > 0, 'refundCreate replies were dropped');

    const shopify = new Map((await world.shopifyOrders()).map((o) => [String(o.id), o]));
    const refunds = placed.map((p) => shopify.get(p.id)?.refunds?.length ?? 0);
    const vinoshipper = new Map((await world.vinoshipperOrders()).map((o) => [o.orderNumber, o]));
    const cancellations = placed.map((p) => vinoshipper.get(p.vinoshipperOrderNumber)?.cancellations ?? 0);
    ctx.count(`Shopify refunds per order: ${histogram(refunds)}; Vinoshipper cancellations per order: ${histogram(cancellations)}`);
    ctx.check(
      refunds.every((r) => r === 1),
      'exactly one refund per order in Shopify',
    );
    ctx.check(
      placed.every((p) => shopify.get(p.id)?.financial_status === 'refunded'),
      'every Shopify order refunded in full',
    );
    ctx.check(
      cancellations.every((c) => c === 1),
      'each Vinoshipper order cancelled once',
    );
    await verifyOrders(ctx, world, placed, { status: 'refunded', inVinoshipper: true, emailsPerOrder: 1, refundsPerOrder: 1, cancelledInVinoshipper: true });
  },
};
