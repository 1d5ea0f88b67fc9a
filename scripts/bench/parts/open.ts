// Open orders: the worker's memory, and Vinoshipper's request rate, while many orders wait for
// shipment. Setup: orders placed in the sandbox store and handed to Temporal with the webhook
// route's own signal-with-start (OrderWorkflows.deliverSnapshot, no HTTP hop), under the bench's
// raised Vinoshipper budget so that setup takes minutes, not hours; each level (e.g. 10,000 then
// 50,000) is reached when visibility counts that many `submitted`, then the worker's resident
// memory is read over --settle seconds (the median of one reading a second). Then the worker is restarted with the default budget
// (VINOSHIPPER_RATE_LIMIT, 2/s) and every open order gets a Vinoshipper webhook hint at once: a
// burst of re-reads, the worst a deployment sees. The safety-net looks wait a week for the whole
// part (RECHECK_BACKOFF=7d), so that they do not compete with the setup. Vinoshipper's calls are
// counted where Vinoshipper would count them: their arrival times at the sandbox
// (GET /sandbox/vinoshipper/arrivals) over the whole window. The peak is the most calls that arrived
// within any one second; the highest rate over any 10 s is reported beside it.
import { loadConfig } from '../../../config';
import { vinoshipperNumberOfPlaced } from '../../../sandbox/driver';
import { OrderWorkflows } from '../../../temporal/order-workflows';
import { restingRss, startStack, stopStack, waitForCount } from '../processes';
import { addProduct, BENCH_SKUS, call, handOver, placeOrders, type SignedOrder } from '../shop';
import { inPool, sleep } from '../stats';
import { ORDER_QUERY, type PartContext } from './context';

const IN_FLIGHT = 50;
const HINTS_IN_FLIGHT = 20;
/** The longer window reported beside the one-second peak. */
const LONG_WINDOW_MS = 10_000;

export interface OpenResult {
  /** The first order, delivered the moment the stack is ready, to `submitted` (visibility polled every 50 ms); null if it never got there. */
  firstOrderMs: number | null;
  /** Open orders at each reading, and the worker's resident memory then. */
  levels: Array<{ open: number; workerRss: number }>;
  setupMs: number;
  /** Setup's signal-with-start calls made again after the server failed them (absent in runs before 2026-12-02 evening). */
  handOverRetries?: number;
  /** The budget the worker declared during the measurement (the default unless VINOSHIPPER_RATE_LIMIT is set). */
  budgetPerSec: number;
  hintsSent: number;
  windowSec: number;
  vinoshipperCalls: number;
  /** The most calls that arrived at Vinoshipper within any one second of the window. */
  vinoshipperPeakPerSec: number;
  /** The highest rate over any LONG_WINDOW_MS of the window. */
  vinoshipperPeakTenSeconds: number;
}

export async function runOpen(ctx: PartContext): Promise<OpenResult> {
  const levels = ctx.options.openLevels;
  // The orders' safety-net looks wait a week: at the default cadence (first look after 15 min) the
  // looks of the orders placed first took the 2 cores from the setup, which slowed to 4 orders/s by
  // 26,000 open (2026-12-02); the memory of waiting orders is what this part measures.
  const stack = await startStack(ctx.choice, ctx.built, { RECHECK_BACKOFF: '7d' });
  try {
    const client = await stack.client();
    for (const sku of BENCH_SKUS) await addProduct(stack, sku);
    const orders = new OrderWorkflows(client, {
      shopDomain: stack.config.shopify.shopDomain,
      taskQueue: stack.config.temporal.taskQueue,
      settings: stack.config.orders,
    });
    // The stack says ready (the worker polls, the API reaches Temporal): its first order, through the
    // webhook route, is worked on at once (npm start waits for the same before its banner).
    const [first] = await placeOrders(stack, 1, BENCH_SKUS);
    const firstSent = Date.now();
    const res = await fetch(`${stack.apiUrl}/webhooks/shopify`, { method: 'POST', headers: first.headers, body: first.body });
    void res.body?.cancel();
    if (!res.ok) throw new Error(`the first order's webhook answered ${res.status}`);
    const firstDone = await waitForCount(client, `${ORDER_QUERY} AND OrderStatus="submitted"`, 1, { everyMs: 50, stallMs: 30_000 });
    const firstOrderMs = firstDone.reachedAt === null ? null : firstDone.reachedAt - firstSent;
    ctx.log(`open: the first order after the stack was ready reached submitted after ${firstOrderMs ?? '(never)'} ms`);
    const setupStart = Date.now();
    const placed: SignedOrder[] = [first];
    const readings: OpenResult['levels'] = [];
    let handOverRetries = 0;
    for (const level of levels) {
      const more = level - placed.length;
      ctx.log(`open: placing and handing over ${more} more orders (to ${level} open)`);
      for (let done = 0; done < more; done += 5_000) {
        const batch = await placeOrders(stack, Math.min(5_000, more - done), BENCH_SKUS);
        await inPool(batch, IN_FLIGHT, async (delivery) => {
          handOverRetries += await handOver(orders, delivery);
        });
        placed.push(...batch);
      }
      const reached = await waitForCount(client, `${ORDER_QUERY} AND OrderStatus="submitted"`, level, { everyMs: 1000, stallMs: 120_000 });
      if (reached.reachedAt === null) throw new Error(`only ${reached.count} of ${level} orders reached submitted`);
      const workerRss = await restingRss(() => stack.rss('worker'), ctx.options.settleSec);
      readings.push({ open: level, workerRss });
      ctx.log(
        `open: ${level} open, worker RSS ${Math.round(workerRss / 1e6)} MB (median over ${ctx.options.settleSec} s); hand-overs made again so far: ${handOverRetries}`,
      );
    }
    const setupMs = Date.now() - setupStart;

    // The configured budget, as a deployment runs it: the worker restarted without the bench's raise.
    const budgetPerSec = loadConfig({}).rateLimits.vinoshipperPerSecond;
    stack.env.VINOSHIPPER_RATE_LIMIT = String(budgetPerSec);
    await stack.kill('worker');
    await stack.startPart('worker');
    const token = stack.config.vinoshipper.webhookToken;
    const prefix = stack.config.orders.vinoshipperOrderPrefix;
    const windowStart = Date.now();
    ctx.log(`open: budget ${budgetPerSec}/s; a Vinoshipper webhook hint to each of the ${placed.length} open orders`);
    await inPool(placed, HINTS_IN_FLIGHT, async (order) => {
      const res = await fetch(`${stack.apiUrl}/webhooks/vinoshipper/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          identifier: vinoshipperNumberOfPlaced(prefix, order),
          subject: 'ORDER',
          event: 'UPDATED',
        }),
      });
      await res.arrayBuffer();
    });
    // Then a while longer: the re-reads the hints asked for drain at the budget's pace.
    await sleep(ctx.options.openWindowSec * 1000);
    const windowSec = (Date.now() - windowStart) / 1000;
    const { at } = await call<{ at: number[] }>('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/arrivals?since=${windowStart}`);
    const peak = mostWithin(at, 1_000);
    const peakTen = mostWithin(at, LONG_WINDOW_MS) / (LONG_WINDOW_MS / 1000);
    ctx.log(
      `open: ${at.length} Vinoshipper calls in ${windowSec.toFixed(0)} s, at most ${peak} within one second, ${peakTen.toFixed(2)}/s over ${LONG_WINDOW_MS / 1000} s (budget ${budgetPerSec}/s)`,
    );
    return {
      firstOrderMs,
      levels: readings,
      setupMs,
      handOverRetries,
      budgetPerSec,
      hintsSent: placed.length,
      windowSec,
      vinoshipperCalls: at.length,
      vinoshipperPeakPerSec: peak,
      vinoshipperPeakTenSeconds: peakTen,
    };
  } finally {
    await stopStack(stack);
  }
}

/** The most arrival times (sorted, ms) within any half-open window [t, t + windowMs). */
export function mostWithin(at: readonly number[], windowMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < at.length; last++) {
    while (at[last] - at[first] >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
