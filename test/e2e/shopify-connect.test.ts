// Issue 9 end to end, on the real stack (dev server, worker, API, sandbox over HTTP): a Dev
// Dashboard app's client credentials with a token that lasts three seconds, and Shopify ids above
// 2^53 carried exactly from the webhook body to the workflow id, the ops API and the Shopify calls.
import { orderWorkflowId } from '../../domain';
import { vinoshipperNumberOfPlaced } from '../../sandbox/driver';
import { startStack, type Stack } from '../helpers/stack';
import { request, waitFor } from '../helpers/http';

const TOKEN_LIFETIME_S = 3;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      // The sandbox app's credentials, no admin token: how a new winery connects.
      SHOPIFY_CLIENT_ID: 'sandbox-client-id',
      SHOPIFY_CLIENT_SECRET: 'sandbox-client-secret',
      SANDBOX_SHOPIFY_TOKEN_LIFETIME: `${TOKEN_LIFETIME_S}s`,
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const ops = () => ({ Authorization: `Bearer ${stack.config.api.opsToken}` });

async function placeOrder(sku = 'CAB-2021-750'): Promise<{ id: string; name: string }> {
  const res = await request('POST', `${stack.sandboxUrl}/sandbox/shopify/orders`, { line_items: [{ sku, quantity: 1, price: '42.00' }] });
  expect(res.status).toBe(201);
  return res.body;
}

async function submittedAndWrittenBack(id: string, timeoutMs = 30_000) {
  return waitFor(
    `order ${id} submitted and written back`,
    async () => {
      const view = await stack.orders.status(id);
      return view.status === 'submitted' && view.timeline.some((e) => e.event === 'written_back') && view;
    },
    timeoutMs,
  );
}

async function tokenGrants(): Promise<number> {
  return (await request('GET', `${stack.sandboxUrl}/sandbox/shopify/access-tokens`)).body.granted;
}

test('18-digit order and line-item ids: webhook accepted, exact id in the workflow id, the ops API and the Shopify write-back and refund', async () => {
  const orderId = '820982911946154508';
  const lineItemId = '866550311766439020';
  expect(Number(orderId).toString()).not.toBe(orderId); // what JSON.parse would have made of it
  const ids = await request('POST', `${stack.sandboxUrl}/sandbox/shopify/ids`, { order: orderId, lineItem: lineItemId });
  expect(ids.status).toBe(200);

  const { id, name } = await placeOrder();
  expect(id).toBe(orderId);
  // The store writes REST JSON as Shopify does: the ids as bare numbers.
  const raw = await fetch(`${stack.sandboxUrl}/sandbox/shopify/orders/${id}`).then((r) => r.text());
  expect(raw).toContain(`"id":${orderId},`);
  expect(raw).toContain(`"id":${lineItemId},`);

  const delivery = await waitFor('the orders/create delivery to be answered', async () =>
    stack.sandbox.shopify.deliveries().find((d) => d.orderId === id && d.topic === 'orders/create' && d.status !== null),
  );
  expect(delivery.status).toBe(200);

  const view = await submittedAndWrittenBack(id);
  expect(view.shopifyOrderId).toBe(orderId);
  const workflowId = orderWorkflowId(stack.config.shopify.shopDomain, orderId);
  expect(await stack.env.client.workflow.getHandle(workflowId).describe()).toMatchObject({ workflowId, status: { name: 'RUNNING' } });

  const orderNumber = vinoshipperNumberOfPlaced(stack.config.orders.vinoshipperOrderPrefix, { id: orderId, name });
  const held = await request('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
  expect(held.status).toBe(200);

  // The write-back found the order by its exact gid.
  const shopifyOrder = await request('GET', `${stack.sandboxUrl}/sandbox/shopify/orders/${id}`);
  expect(shopifyOrder.body.tags).toContain(`vinoshipper:${orderNumber}`);

  // The ops API takes the id as given, and the refund names the exact line item.
  const status = await request('GET', `${stack.apiUrl}/api/orders/${orderId}`, undefined, ops());
  expect(status.status).toBe(200);
  expect(status.body.shopifyOrderId).toBe(orderId);
  const refund = await request('POST', `${stack.apiUrl}/api/orders/${orderId}/refund`, { reason: 'cannot ship' }, ops());
  expect(refund).toMatchObject({ status: 200, body: { outcome: 'done', status: 'refunded' } });
  const refunded = await waitFor('the Shopify refund of the exact line item', async () => {
    const text = await fetch(`${stack.sandboxUrl}/sandbox/shopify/orders/${id}`).then((r) => r.text());
    return text.includes(`"line_item_id":${lineItemId}`) && text;
  });
  expect(refunded).toContain(`"order_id":${orderId}`);
}, 60_000);

test('the ops API refuses ids that are not 64-bit Shopify ids', async () => {
  for (const bad of ['0123', '18446744073709551616', '12ab']) {
    const res = await request('GET', `${stack.apiUrl}/api/orders/${bad}`, undefined, ops());
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('64-bit');
  }
});

test('orders placed across several token expiries all complete, with one token request per expiry, not per call', async () => {
  const before = await tokenGrants();
  const started = Date.now();
  const placed: string[] = [];
  for (let round = 0; round < 4; round++) {
    const batch = await Promise.all(['CAB-2021-750', 'CHARD-2023-750', 'ROSE-2023-750', 'PINOT-2022-750'].map((sku) => placeOrder(sku)));
    placed.push(...batch.map((o) => o.id));
    await Promise.all(batch.map((o) => submittedAndWrittenBack(o.id)));
    await new Promise((r) => setTimeout(r, TOKEN_LIFETIME_S * 1000));
  }
  const elapsedS = (Date.now() - started) / 1000;
  await Promise.all(placed.map((id) => submittedAndWrittenBack(id)));
  const grants = (await tokenGrants()) - before;
  // Renewed (the rounds span more than one lifetime) …
  expect(grants).toBeGreaterThanOrEqual(2);
  // … but at most once per lifetime (renewal starts in its last tenth), while each order made several Shopify calls.
  expect(grants).toBeLessThanOrEqual(Math.ceil(elapsedS / (TOKEN_LIFETIME_S * 0.9)) + 1);
  expect(grants).toBeLessThan(placed.length);
}, 90_000);
