// Runs 1, 2, 7 and 8 share a shape: place a batch, and once a third of it is in Vinoshipper (the
// rest placed or arriving, their workflows between the webhook and the write-back: in flight),
// break something; then let the batch finish. Progress is read from the sandbox, not from
// visibility, which lags behind.
import { tsToMs } from '@temporalio/common/lib/time';
import type { LocalStack } from '../lib/local-stack';
import type { RunContext } from './harness';
import type { Placed, World } from './observe';

export function batchSize(short: boolean): number {
  return short ? 20 : 100;
}

export type Progress = Awaited<ReturnType<World['progress']>>;

/**
 * Places `n` orders — the first `burst` at once (a backlog: workflows in flight), the rest over
 * about `spreadMs` (orders still arriving during the fault) — and calls `fault` once a third of
 * them are in Vinoshipper. Checks that the fault found placed orders not yet through.
 */
export async function batchWithFault(
  ctx: RunContext,
  world: World,
  n: number,
  { burst = n, spreadMs = 0 }: { burst?: number; spreadMs?: number },
  fault: (atFault: Progress) => Promise<void>,
): Promise<{ placed: Placed[]; atFault: Progress }> {
  await world.stockUp();
  // Orders placed before the batch (other groups of the run) are not the batch's.
  const before = await world.progress();
  const third = Math.ceil(n / 3);
  const placing = (async () => {
    const first = await world.placeOrders(ctx, burst, { concurrency: 4 });
    // Two lanes, paced so that the rest takes about `spreadMs`.
    const rest = n > burst ? await world.placeOrders(ctx, n - burst, { concurrency: 2, paceMs: Math.round((2 * spreadMs) / (n - burst)) }) : [];
    return [...first, ...rest];
  })();
  placing.catch(() => undefined); // awaited below; the fault may fail first
  const atFault = await ctx.waitFor(
    `${third} of ${n} orders in Vinoshipper`,
    async () => {
      const now = await world.progress();
      const progress = {
        placed: now.placed - before.placed,
        inVinoshipper: now.inVinoshipper - before.inVinoshipper,
        writtenBack: now.writtenBack - before.writtenBack,
      };
      return progress.inVinoshipper >= third ? progress : null;
    },
    { everyMs: 50 },
  );
  await fault(atFault);
  const placed = await placing;
  ctx.check(
    atFault.placed - atFault.writtenBack > 0,
    `the fault hit mid-batch: ${atFault.placed} orders placed, ${atFault.inVinoshipper} in Vinoshipper, ${atFault.writtenBack} written back — ${atFault.placed - atFault.writtenBack} placed but not through`,
  );
  return { placed, atFault };
}

export function describeProgress(p: Progress, n: number): string {
  return `${p.placed} of ${n} placed, ${p.inVinoshipper} in Vinoshipper, ${p.writtenBack} written back to Shopify (${p.placed - p.writtenBack} placed but not through, ${n - p.placed} still to come)`;
}

/**
 * After a fault in Temporal or its database: the same worker and API processes (no restart by
 * anyone) poll again and answer from Temporal again, within a minute.
 */
export async function checkSurvivors(ctx: RunContext, stack: LocalStack, pids: { worker?: number; api?: number }, since: number): Promise<void> {
  const client = await stack.client();
  const polling = await ctx
    .waitFor(
      'the worker polling again',
      async () => {
        const { pollers } = await client.workflowService.describeTaskQueue({
          namespace: stack.config.temporal.namespace,
          taskQueue: { name: stack.config.temporal.taskQueue },
        });
        return pollers.some((p) => tsToMs(p.lastAccessTime) >= since);
      },
      { withinMs: 60_000 },
    )
    .then(
      () => true,
      () => false,
    );
  ctx.check(
    stack.isRunning('worker') && stack.pid('worker') === pids.worker && polling,
    `the worker process (pid ${pids.worker}) survived and polls again${stack.isRunning('worker') ? '' : ' — it EXITED'}`,
  );
  const answering = await ctx
    .waitFor(
      'the API answering from Temporal again',
      async () => (await fetch(`${stack.apiUrl}/api/orders?limit=1`, { headers: { authorization: `Bearer ${stack.config.api.opsToken}` } })).ok,
      { withinMs: 60_000 },
    )
    .then(
      () => true,
      () => false,
    );
  ctx.check(
    stack.isRunning('api') && stack.pid('api') === pids.api && answering,
    `the API process (pid ${pids.api}) survived and reads from Temporal again${stack.isRunning('api') ? '' : ' — it EXITED'}`,
  );
}
