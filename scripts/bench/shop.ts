// Orders for the benchmark, made the way Shopify makes them: placed in the sandbox store without a
// webhook (`?webhook=false`), read back in the REST shape every order webhook carries, then signed
// with the shop's webhook secret. The bench sends them itself, so it controls the rate.
import { parseOrderWebhook, signShopifyWebhook } from '../../integrations/shopify/webhooks';
import type { OrderWorkflows } from '../../temporal/order-workflows';
import type { LocalStack } from '../lib/local-stack';
import { inPool, sleep } from './stats';

/** SKUs the bench adds to the Vinoshipper sandbox with inventory that never runs out. */
export const BENCH_SKUS = ['BENCH-RED-750', 'BENCH-WHITE-750'] as const;
/** A SKU Vinoshipper does not know: orders with it park in needs_attention / product_missing. */
export const MISSING_SKU = 'BENCH-MISSING-750';

export interface SignedOrder {
  id: string;
  name: string;
  body: Buffer;
  headers: Record<string, string>;
}

export async function addProduct(stack: LocalStack, sku: string): Promise<void> {
  await call('PUT', `${stack.sandboxUrl}/sandbox/vinoshipper/products/${sku}`, { name: sku, inventory: 1_000_000_000, price: '30.00' });
}

/**
 * Places `count` orders in the sandbox store (no webhook sent) and returns each as a signed
 * `orders/create` delivery: the exact REST JSON the store would have sent, HMAC'd with the first
 * configured secret, and Shopify's headers.
 */
export async function placeOrders(stack: LocalStack, count: number, skus: readonly string[]): Promise<SignedOrder[]> {
  const lineItems = skus.map((sku, i) => ({ sku, quantity: i === 0 ? 2 : 1, price: '30.00' }));
  const ids: string[] = [];
  await inPool(Array.from({ length: count }), 16, async () => {
    const created = await call<{ id: string }>('POST', `${stack.sandboxUrl}/sandbox/shopify/orders?webhook=false`, { line_items: lineItems });
    ids.push(created.id);
  });
  // One read of the whole store (the control route's list), instead of one GET per order.
  const wanted = new Set(ids);
  const all = await call<Array<Record<string, unknown>>>('GET', `${stack.sandboxUrl}/sandbox/shopify/orders`);
  const secret = stack.config.shopify.webhookSecrets[0];
  return all
    .filter((view) => wanted.has(String(view.id)))
    .map((view) => {
      // The store's view adds what hangs off the order; the webhook carries the order alone.
      const { metafields: _m, transactions: _t, fulfillment_orders: _f, ...order } = view;
      const body = Buffer.from(JSON.stringify(order));
      return {
        id: String(order.id),
        name: String(order.name),
        body,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': signShopifyWebhook(body, secret),
          'x-shopify-shop-domain': stack.config.shopify.shopDomain,
          'x-shopify-api-version': '2026-10',
          'x-shopify-webhook-id': `bench-${order.id}`,
        },
      };
    });
}

/** Hand-over tries per order in a part's setup: pauses of 2, 4, … 32 s between them, about a minute in all. */
const HAND_OVER_TRIES = 6;

/**
 * A part's setup hands a placed order to Temporal with the webhook route's own signal-with-start
 * (no HTTP hop). A server that cannot keep up fails a call now and then (the dev server's SQLite
 * file at about 46,000 open orders, 2026-12-02: "context deadline exceeded"); as Shopify redelivers
 * a webhook the route refused, the call is made again after a pause (signal-with-start by the
 * order's id is idempotent). Returns how many calls were made again.
 */
export async function handOver(orders: OrderWorkflows, delivery: SignedOrder): Promise<number> {
  const parsed = parseOrderWebhook(JSON.parse(delivery.body.toString('utf8')));
  if (!parsed.ok) throw new Error(`a generated order does not parse: ${parsed.problems.join('; ')}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await orders.deliverSnapshot(parsed.snapshot);
      return attempt - 1;
    } catch (err) {
      if (attempt >= HAND_OVER_TRIES) throw err;
      await sleep(1000 * 2 ** attempt);
    }
  }
}

/** A sandbox control call (throws with the answer on anything but 2xx). */
export async function call<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}
