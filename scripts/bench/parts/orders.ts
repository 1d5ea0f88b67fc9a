// Part 2, orders: N distinct orders placed in the sandbox store, each delivered once as a signed
// `orders/create` webhook to POST /webhooks/shopify by autocannon (a fixed number of concurrent
// connections, as a burst of deliveries from Shopify would arrive; one answered 503 is delivered
// again after 1 s, as Shopify retries it); orders per second from the
// first delivery until visibility counts all N with OrderStatus="submitted" (polled every 200 ms).
import type { LocalStack } from '../../lib/local-stack';
import { isRefused, runLoad, type LoadResult } from '../load';
import { cpuWindow, rssOf, sampler, stackPids, waitForCount, type CpuShares } from '../processes';
import { addProduct, BENCH_SKUS, placeOrders, type SignedOrder } from '../shop';
import { inPool, sleep } from '../stats';
import { ORDER_QUERY, type PartContext } from './context';

export interface OrdersResult {
  n: number;
  connections: number;
  /** The burst; `redelivered`: deliveries sent again after a 503 (counted each time). */
  delivery: LoadResult & { redelivered: number };
  totalMs: number | null;
  submitted: number;
  /** Other statuses when not all N got there (e.g. needs_attention). */
  elsewhere: Record<string, number>;
  perSec: number;
  workerRssPeak: number;
  serverRssPeak: number;
  cpu: CpuShares;
}

const POLL_MS = 200;

export async function runOrders(ctx: PartContext, stack: LocalStack): Promise<OrdersResult> {
  const { ordersN: n, ordersConnections: connections } = ctx.options;
  const client = await stack.client();
  for (const sku of BENCH_SKUS) await addProduct(stack, sku);
  ctx.log(`orders: placing ${n} orders in the sandbox store`);
  const deliveries = await placeOrders(stack, n, BENCH_SKUS);
  ctx.log(`orders: delivering ${n} orders/create webhooks (${connections} connections)`);
  const rss = sampler(() => stack.rss('worker'));
  const serverRss = sampler(() => rssOf(stack.pid('temporal')));
  const cpu = cpuWindow(stackPids(stack));
  const t0 = Date.now();
  // A delivery answered 503 (the hand-over's deadline passed) is delivered again after its
  // Retry-After, as Shopify does; the orders are counted when all of them are submitted.
  const url = `${stack.apiUrl}/webhooks/shopify`;
  const refused: SignedOrder[] = [];
  const delivering = runLoad({ url, deliveries, connections, amount: n, onRefused: (d) => refused.push(d) }).then(async (delivery) => ({
    ...delivery,
    redelivered: await deliverAgain(url, refused, connections),
  }));
  const done = await waitForCount(client, `${ORDER_QUERY} AND OrderStatus="submitted"`, n, { everyMs: POLL_MS });
  const cpuShares = cpu.stop();
  const delivery = await delivering;
  const totalMs = done.reachedAt === null ? null : done.reachedAt - t0;
  const elsewhere: Record<string, number> = {};
  if (done.count < n) {
    for (const status of ['syncing', 'needs_attention']) elsewhere[status] = (await client.workflow.count(`${ORDER_QUERY} AND OrderStatus="${status}"`)).count;
  }
  const result: OrdersResult = {
    n,
    connections,
    delivery,
    totalMs,
    submitted: done.count,
    elsewhere,
    perSec: totalMs === null ? NaN : (n / totalMs) * 1000,
    workerRssPeak: rss.stop().peak,
    serverRssPeak: serverRss.stop().peak,
    cpu: cpuShares,
  };
  ctx.log(`orders: ${done.count}/${n} submitted in ${totalMs === null ? '(stalled)' : `${(totalMs / 1000).toFixed(1)} s`}: ${result.perSec.toFixed(1)}/s`);
  return result;
}

/** Shopify's retry, sooner: each refused delivery again after 1 s (the route's Retry-After), until it is taken. */
async function deliverAgain(url: string, refused: SignedOrder[], connections: number): Promise<number> {
  let sent = 0;
  while (refused.length) {
    await sleep(1_000);
    await inPool(refused.splice(0), connections, async (delivery) => {
      sent += 1;
      const res = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await res.arrayBuffer();
      if (isRefused(res.status)) refused.push(delivery);
      else if (!res.ok) throw new Error(`a delivery sent again was answered ${res.status}`);
    });
  }
  return sent;
}
