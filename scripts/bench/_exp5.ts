import { LocalStack } from '../lib/local-stack';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { parseOrderWebhook } from '../../integrations/shopify/webhooks';
import { NodeProcess, waitForCount, waitForPoller } from './processes';
import { MISSING_SKU, placeOrders } from './shop';
import { inPool, sleep } from './stats';
async function main() {
  const variant = process.argv[2]; const n = Number(process.argv[3] ?? 1000); const extra = process.argv.slice(4);
  const stack = await LocalStack.start({ parts: ['sandbox', 'api'], env: { SANDBOX_STATE_FILE: '', RECONCILE_ENABLED: 'false' } });
  const client = await stack.client();
  const script = variant === 'prebuilt' ? '/tmp/wexp/prebuilt-worker.js' : variant === 'cache' ? '/tmp/wexp/cache-worker.js' : '.cellarhand/bench/build/worker/main.js';
  const w = NodeProcess.start('w', [...extra, script], { ...stack.env });
  await waitForPoller(client, stack.config.temporal.taskQueue, w.launchedAt);
  await sleep(3000);
  const idle = w.rss();
  const orders = new OrderWorkflows(client, { shopDomain: stack.config.shopify.shopDomain, taskQueue: stack.config.temporal.taskQueue, settings: stack.config.orders });
  const d = await placeOrders(stack, n, [MISSING_SKU]);
  const t = Date.now();
  await inPool(d, 50, async (x) => { const p = parseOrderWebhook(JSON.parse(x.body.toString())); if (p.ok) await orders.deliverSnapshot(p.snapshot); });
  await waitForCount(client, 'OrderStatus="needs_attention"', n, { everyMs: 1000 });
  const parkMs = Date.now() - t;
  const r0 = w.rss(); await sleep(10000); const r1 = w.rss();
  console.log(JSON.stringify({ variant, extra, n, idleMB: Math.round(idle / 1e6), parkedMB: Math.round(r0 / 1e6), after10sMB: Math.round(r1 / 1e6), parkPerSec: (n / parkMs * 1000).toFixed(1) }));
  await w.stop(); await stack.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
