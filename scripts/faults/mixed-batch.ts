// Runs 7 and 8 (PostgreSQL only) break Temporal's own storage while everything cellarhand does is in
// flight at once: a batch of orders on their way to Vinoshipper (as in runs 1 and 2), orders raising
// an issue (an unknown SKU: one email each) placed alongside, and refunds for orders blocked for
// compliance — half asked for just before the fault, half while it lasts (refused or cut off, then
// asked again, as a merchant would). Afterwards each group is counted: no order, refund or email
// lost or doubled.
import { sleep, type RunContext } from './harness';
import { batchSize, batchWithFault, describeProgress, type Progress } from './mid-batch';
import { UNKNOWN_SKU, verifyGroups, type Placed, type World } from './observe';

export interface MixedOutcome {
  atFault: Progress;
  n: number;
}

export interface Fault {
  /** Breaks it (returns once broken). */
  inject(): Promise<void>;
  /** Ends the outage (returns once it is over). */
  repair(): Promise<void>;
}

export async function mixedBatchWithFault(ctx: RunContext, world: World, short: boolean, fault: Fault): Promise<MixedOutcome> {
  const n = batchSize(short);
  const groupSize = short ? 4 : 10;
  await world.stockUp();

  // Orders to refund: Vinoshipper's compliance rules block CA (where the demo customer lives) while they are placed.
  const { blockedStates } = await world.driver.blockedStates();
  await world.driver.setBlockedStates([...blockedStates, 'CA']);
  const toRefund = await world.placeOrders(ctx, groupSize, { concurrency: 2 });
  await world.settle(ctx, toRefund, 'needs_attention', 'compliance_failed');
  await world.driver.setBlockedStates(blockedStates);
  ctx.step(`${groupSize} orders blocked for compliance (CA), one issue email each; CA allowed again`);

  // Issue orders arrive while the batch runs, paced over about the same time.
  const issues = world.placeOrders(ctx, groupSize, { sku: UNKNOWN_SKU, concurrency: 1, paceMs: 600 });
  issues.catch(() => undefined); // awaited below
  const half = Math.ceil(toRefund.length / 2);
  const refunds: Array<Promise<RefundRequests>> = [];
  const { placed, atFault } = await batchWithFault(ctx, world, n, { burst: n / 2, spreadMs: 8_000 }, async () => {
    // Accepted just now, so their refunds are under way when the fault hits.
    refunds.push(askRefunds(ctx, world, toRefund.slice(0, half)));
    await refunds[0];
    await fault.inject();
    refunds.push(askRefunds(ctx, world, toRefund.slice(half)));
    refunds[1].catch(() => undefined); // awaited below
    await fault.repair();
  });
  const issueOrders = await issues;
  const [before, during] = await Promise.all(refunds);
  const failed = before.failed + during.failed;
  const errors = [...before.errors, ...during.errors];
  ctx.inject(
    `fault at ${describeProgress(atFault, n)}; meanwhile ${issueOrders.length} orders with the unknown SKU ${UNKNOWN_SKU} placed and ${toRefund.length} refunds asked for`,
  );
  ctx.inject(
    `refunds: ${half} accepted just before the fault; ${toRefund.length - half} asked during it, accepted after up to ${(during.slowestMs / 1000).toFixed(1)} s; ${failed} of ${before.requests + during.requests} requests failed and were asked again${errors.length ? ` (${errors.join('; ')})` : ''}`,
  );

  await world.settle(ctx, placed, 'submitted');
  await world.settle(ctx, issueOrders, 'needs_attention', 'product_missing');
  await world.settle(ctx, toRefund, 'refunded');
  await verifyGroups(ctx, world, [
    { label: 'batch orders', placed, expect: { status: 'submitted', inVinoshipper: true, emailsPerOrder: 0 } },
    {
      label: 'issue orders',
      placed: issueOrders,
      expect: { status: 'needs_attention', issueType: 'product_missing', inVinoshipper: false, emailsPerOrder: 1 },
    },
    {
      label: 'refunded orders',
      placed: toRefund,
      expect: { status: 'refunded', inVinoshipper: true, emailsPerOrder: 1, refundsPerOrder: 1, cancelledInVinoshipper: true },
    },
  ]);
  return { atFault, n };
}

interface RefundRequests {
  requests: number;
  failed: number;
  errors: string[];
  /** From the first ask to the acceptance, for the slowest order. */
  slowestMs: number;
}

/** One refund request per order, asked again (as the merchant would click again) until the API accepts it. */
async function askRefunds(ctx: RunContext, world: World, orders: Placed[]): Promise<RefundRequests> {
  const result: RefundRequests = { requests: 0, failed: 0, errors: [], slowestMs: 0 };
  const startedAt = Date.now();
  await Promise.all(
    orders.map(async (order) => {
      for (;;) {
        ctx.throwIfAborted();
        result.requests += 1;
        try {
          await world.driver.refund(order.id, 'fault run: cannot ship to CA');
          result.slowestMs = Math.max(result.slowestMs, Date.now() - startedAt);
          return;
        } catch (err) {
          result.failed += 1;
          const message = (err as Error).message.slice(0, 120);
          if (!result.errors.includes(message) && result.errors.length < 3) result.errors.push(message);
          await sleep(1_000);
        }
      }
    }),
  );
  return result;
}
