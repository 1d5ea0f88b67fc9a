// Run 4: Resend answers 429, then 500, then 503 while a batch of orders raises issues (an unknown
// SKU: product_missing). Each issue email arrives exactly once.
import { ISSUE_WORDING } from '../../domain';
import type { FaultRun, RunContext } from './harness';
import { batchSize } from './mid-batch';
import { UNKNOWN_SKU, verifyOrders, World } from './observe';

type Status = 429 | 500 | 503;
interface ResendFaults {
  fault: { status: Status; remaining: number } | null;
  injected: Record<Status, number>;
}

export const resendFaults: FaultRun = {
  id: 'resend-faults',
  title: 'Resend answering 429 and 5xx while orders raise issues',
  deadlineMs: ({ short }) => (short ? 120_000 : 240_000),
  async run(ctx, { short }) {
    const n = batchSize(short);
    const stack = await ctx.startStack();
    const world = new World(stack);
    // Every order's first send gets a 429, half of the retries a 500, half of those a 503: at most
    // four attempts per email, well inside the email activity's eight.
    const phases: Array<{ status: Status; count: number }> = [
      { status: 429, count: n },
      { status: 500, count: Math.ceil(n / 2) },
      { status: 503, count: Math.ceil(n / 4) },
    ];
    await arm(world, phases[0]);
    ctx.step(`Resend faults armed: 429 for the next ${phases[0].count} sends`);
    const placed = await world.placeOrders(ctx, n, { sku: UNKNOWN_SKU, concurrency: 4 });
    ctx.step(`${n} orders placed with the unknown SKU ${UNKNOWN_SKU}`);
    for (const [i, phase] of phases.entries()) {
      if (i > 0) {
        await arm(world, phase);
        ctx.step(`Resend faults armed: ${phase.status} for the next ${phase.count} sends`);
      }
      // Move on once this phase's failures are used up (or after 30 s: fewer retries came than planned).
      await waitUsedUp(
        ctx,
        world,
        phase.status,
        phases
          .slice(0, i + 1)
          .filter((p) => p.status === phase.status)
          .reduce((s, p) => s + p.count, 0),
      );
    }
    const { injected } = await world.sandbox<ResendFaults>('GET', '/sandbox/resend/faults');
    ctx.inject(
      `Resend failures answered: 429 ×${injected[429]}, 500 ×${injected[500]}, 503 ×${injected[503]} (armed ${phases.map((p) => `${p.status} ×${p.count}`).join(', ')})`,
    );
    ctx.check(injected[429] > 0 && injected[500] + injected[503] > 0, 'both 429s and 5xx were injected');

    await world.settle(ctx, placed, 'needs_attention', 'product_missing');
    const title = ISSUE_WORDING.product_missing.title;
    const issueEmails = (await world.emails()).filter((e) => e.subject.includes(title));
    ctx.count(`product_missing issue emails: ${issueEmails.length} for ${n} orders`);
    await verifyOrders(ctx, world, placed, { status: 'needs_attention', issueType: 'product_missing', inVinoshipper: false, emailsPerOrder: 1 });
  },
};

async function arm(world: World, phase: { status: Status; count: number }): Promise<void> {
  await world.sandbox('POST', '/sandbox/resend/faults', phase);
}

async function waitUsedUp(ctx: RunContext, world: World, status: Status, total: number): Promise<void> {
  await ctx
    .waitFor(`${total} Resend ${status}s used up`, async () => (await world.sandbox<ResendFaults>('GET', '/sandbox/resend/faults')).injected[status] >= total, {
      everyMs: 100,
      withinMs: 30_000,
    })
    .catch((err) => ctx.step(`${(err as Error).message}; going on`));
}
