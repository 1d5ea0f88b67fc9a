// Part 2, orders: N distinct orders placed in the sandbox store, each delivered once as a signed
// `orders/create` webhook to POST /webhooks/shopify by autocannon (a fixed number of concurrent
// connections, as a burst of deliveries from Shopify would arrive); orders per second from the
// first delivery until visibility counts all N with OrderStatus="submitted" (polled every 200 ms).
import type { LocalStack } from '../../lib/local-stack';
import { runLoad, type LoadResult } from '../load';
import { cpuWindow, rssOf, sampler, stackPids, waitForCount, type CpuShares } from '../processes';
import { addProduct, BENCH_SKUS, placeOrders } from '../shop';
import { ORDER_QUERY, type PartContext } from './context';

export interface OrdersResult {
  n: number;
  connections: number;
  delivery: LoadResult;
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
  const delivering = runLoad({ url: `${stack.apiUrl}/webhooks/shopify`, deliveries, connections, amount: n });
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
