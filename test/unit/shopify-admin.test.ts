// ShopifyAdmin through Shopify's official client, over real HTTP, against the sandbox store; its
// webhooks go to a small local receiver that checks their signatures.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import express from 'express';
import { ShopifyAdmin } from '../../integrations/shopify/admin';
import { ShopifyError, isTransient } from '../../integrations/shopify/errors';
import { toOrderSnapshot, shopifyOrderPayloadSchema, verifyShopifyHmac } from '../../integrations/shopify/webhooks';
import { createShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { close, listen } from '../helpers/servers';
import { testShopifyApp } from '../helpers/shopify-app';

const SHOP = 'cellarhand-test.myshopify.com';
const TOKEN = 'shpat_test_token';
const SECRET = 'test-webhook-secret';
const API_VERSION = '2026-10';

interface Received {
  topic: string;
  webhookId: string;
  verified: boolean;
  body: any;
}

let sandbox: ShopifySandbox;
let sandboxServer: Server;
let sandboxUrl: string;
let receiver: Server;
let received: Received[];
let admin: ShopifyAdmin;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  received = [];
  receiver = createServer(async (req, res) => {
    const raw = await readBody(req);
    received.push({
      topic: String(req.headers['x-shopify-topic']),
      webhookId: String(req.headers['x-shopify-webhook-id']),
      verified: verifyShopifyHmac(raw, req.headers['x-shopify-hmac-sha256'] as string | undefined, [SECRET]),
      body: JSON.parse(raw.toString('utf8')),
    });
    res.writeHead(200).end('{}');
  });
  const receiverUrl = await listen(receiver);

  sandbox = createShopifySandbox({
    shopDomain: SHOP,
    app: testShopifyApp({ staticAccessToken: TOKEN }),
    webhookSecret: SECRET,
    webhookUrl: `${receiverUrl}/webhooks/shopify`,
  });
  const app = express();
  app.use('/shopify', sandbox.api);
  app.use('/sandbox/shopify', sandbox.control);
  sandboxServer = createServer(app);
  sandboxUrl = await listen(sandboxServer);
  admin = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${sandboxUrl}/shopify`, accessToken: TOKEN, apiVersion: API_VERSION });
});

afterAll(async () => {
  await close(sandboxServer);
  await close(receiver);
});

beforeEach(() => {
  sandbox.reset();
  received.length = 0;
});

// Order ids restart after reset(): let this test's webhooks land before the next test starts.
afterEach(async () => {
  const deadline = Date.now() + 3_000;
  while (sandbox.deliveries().some((d) => d.state === 'pending') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandboxUrl}/sandbox/shopify${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** An order placed without a webhook, so `received` only holds what the test's own calls cause. */
async function placeOrder(lines = [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }]): Promise<string> {
  const { id } = await control('POST', '/orders?webhook=false', { line_items: lines });
  return id;
}

async function waitForWebhook(orderId: string, topic: string): Promise<Received> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const found = received.find((r) => String(r.body.id) === orderId && r.topic === topic);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching webhook; got ${received.map((r) => r.topic).join(', ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectShopifyError(promise: Promise<unknown>, kind: ShopifyError['kind']): Promise<ShopifyError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ShopifyError);
  expect((err as ShopifyError).kind).toBe(kind);
  return err as ShopifyError;
}

test('write-back sets the metafield and the tag, and the store echoes orders/updated', async () => {
  const id = await placeOrder();
  await admin.writeBackVinoshipperOrder(id, 'CH-1001');

  const order = await control('GET', `/orders/${id}`);
  expect(order.tags).toBe('vinoshipper:CH-1001');
  expect(order.metafields).toEqual([
    expect.objectContaining({ namespace: 'cellarhand', key: 'vinoshipper_order_number', type: 'single_line_text_field', value: 'CH-1001' }),
  ]);

  const echo = await waitForWebhook(id, 'orders/updated');
  expect(echo.verified).toBe(true);
  expect(echo.body.tags).toBe('vinoshipper:CH-1001');
  expect(Date.parse(echo.body.updated_at)).toBeGreaterThan(Date.parse(echo.body.created_at));
});

test('write-back is idempotent: a retry adds nothing and echoes nothing', async () => {
  const id = await placeOrder();
  await admin.writeBackVinoshipperOrder(id, 'CH-1001');
  await waitForWebhook(id, 'orders/updated');
  await admin.writeBackVinoshipperOrder(id, 'CH-1001');
  await new Promise((r) => setTimeout(r, 200));

  const order = await control('GET', `/orders/${id}`);
  expect(order.tags).toBe('vinoshipper:CH-1001');
  expect(order.metafields).toHaveLength(1);
  expect(received.filter((r) => String(r.body.id) === id && r.topic === 'orders/updated')).toHaveLength(1);
});

test('write-back truncates the tag to Shopify’s 40 characters', async () => {
  const id = await placeOrder();
  const long = `CH-${'9'.repeat(60)}`;
  await admin.writeBackVinoshipperOrder(id, long);
  const order = await control('GET', `/orders/${id}`);
  expect(order.tags).toBe(`vinoshipper:${long}`.slice(0, 40));
  expect(order.metafields[0].value).toBe(long);
});

test('a full refund, asked twice with the same key, makes one refund', async () => {
  const id = await placeOrder();
  const first = await admin.refundOrder({ shopifyOrderId: id, reason: 'Compliance failed', idempotencyKey: `refund/${id}` });
  const second = await admin.refundOrder({ shopifyOrderId: id, reason: 'Compliance failed', idempotencyKey: `refund/${id}` });
  expect(second.refundId).toBe(first.refundId);
  expect(first.refundId).toMatch(/^gid:\/\/shopify\/Refund\/\d+$/);

  const order = await control('GET', `/orders/${id}`);
  expect(order.refunds).toHaveLength(1);
  expect(order.refunds[0]).toMatchObject({ note: 'Compliance failed' });
  expect(order.refunds[0].refund_line_items).toEqual([expect.objectContaining({ quantity: 2, restock_type: 'cancel' })]);
  expect(order.refunds[0].transactions).toEqual([expect.objectContaining({ kind: 'refund', amount: '99.00', gateway: 'bogus' })]);
  expect(order.financial_status).toBe('refunded');
  const echo = await waitForWebhook(id, 'orders/updated');
  expect(echo.body.financial_status).toBe('refunded');
});

test('a refund whose reply was lost, retried with the same key, is still one refund', async () => {
  const id = await placeOrder();
  await control('POST', '/faults', { mode: 'drop_response', operation: 'refundCreate', count: 1 });

  const lost = await expectShopifyError(admin.refundOrder({ shopifyOrderId: id, reason: 'Cannot ship', idempotencyKey: `refund/${id}` }), 'transient');
  expect(lost.status).toBeNull();
  expect(isTransient(lost)).toBe(true);
  expect((await control('GET', `/orders/${id}`)).refunds).toHaveLength(1);

  const retried = await admin.refundOrder({ shopifyOrderId: id, reason: 'Cannot ship', idempotencyKey: `refund/${id}` });
  const order = await control('GET', `/orders/${id}`);
  expect(order.refunds).toHaveLength(1);
  expect(retried.refundId).toBe(order.refunds[0].admin_graphql_api_id);
});

test('refunding an order that does not exist is not_found', async () => {
  await expectShopifyError(admin.refundOrder({ shopifyOrderId: '5999999999', reason: 'x', idempotencyKey: 'k' }), 'not_found');
});

test('fulfilment closes the order with tracking, and a repeat returns the same fulfilment', async () => {
  const id = await placeOrder();
  const { fulfillmentId } = await admin.fulfilOrder({ shopifyOrderId: id, trackingNumbers: ['1Z999AA10123456784'], carrier: 'UPS' });
  expect(fulfillmentId).toMatch(/^gid:\/\/shopify\/Fulfillment\/\d+$/);

  const order = await control('GET', `/orders/${id}`);
  expect(order.fulfillment_status).toBe('fulfilled');
  expect(order.fulfillments).toEqual([
    expect.objectContaining({ admin_graphql_api_id: fulfillmentId, tracking_company: 'UPS', tracking_numbers: ['1Z999AA10123456784'] }),
  ]);
  const again = await admin.fulfilOrder({ shopifyOrderId: id, trackingNumbers: ['1Z999AA10123456784'], carrier: 'UPS' });
  expect(again.fulfillmentId).toBe(fulfillmentId);
  expect((await control('GET', `/orders/${id}`)).fulfillments).toHaveLength(1);
});

test('a fulfilment whose reply was lost is not made twice', async () => {
  const id = await placeOrder();
  await control('POST', '/faults', { mode: 'drop_response', operation: 'fulfillmentCreate', count: 1 });
  await expectShopifyError(admin.fulfilOrder({ shopifyOrderId: id, trackingNumbers: ['T1'], carrier: null }), 'transient');
  await admin.fulfilOrder({ shopifyOrderId: id, trackingNumbers: ['T1'], carrier: null });
  expect((await control('GET', `/orders/${id}`)).fulfillments).toHaveLength(1);
});

test('listOrdersUpdatedSince pages through changed orders, oldest change first', async () => {
  const before = await placeOrder();
  // The search bound has whole seconds: start the window in the next second.
  await new Promise((r) => setTimeout(r, 1_005 - (Date.now() % 1_000)));
  const since = new Date().toISOString();
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push(await placeOrder());
  // Touching the first order after the others moves it to the end.
  await admin.writeBackVinoshipperOrder(ids[0], 'CH-X');

  const page1 = await admin.listOrdersUpdatedSince(since);
  expect(page1.orders).toHaveLength(10);
  expect(page1.hasNextPage).toBe(true);
  const page2 = await admin.listOrdersUpdatedSince(since, page1.endCursor as string);
  expect(page2.hasNextPage).toBe(false);

  const seen = [...page1.orders, ...page2.orders].map((o) => o.shopifyOrderId);
  expect(seen).toEqual([...ids.slice(1), ids[0]]);
  expect(seen).not.toContain(before);
});

test('a snapshot read through GraphQL equals the one its webhook payload gives', async () => {
  const id = await placeOrder([
    { sku: 'CAB-2021-750', quantity: 2, price: '42.00' },
    { sku: 'ROSE-2023-750', quantity: 3, price: '24.50' },
  ]);
  await admin.writeBackVinoshipperOrder(id, 'CH-1001');
  const since = new Date(Date.now() - 60_000).toISOString();
  const [fromGraphql] = (await admin.listOrdersUpdatedSince(since)).orders;
  const fromWebhook = toOrderSnapshot(shopifyOrderPayloadSchema.parse(await control('GET', `/orders/${id}`)));
  expect(fromGraphql).toEqual(fromWebhook);
});

test('an order with more lines than the first page is read in full', async () => {
  const lines = Array.from({ length: 23 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1, price: '10.00' }));
  await placeOrder(lines);
  const [order] = (await admin.listOrdersUpdatedSince(new Date(Date.now() - 60_000).toISOString())).orders;
  expect(order.lineItems.map((l) => l.sku)).toEqual(lines.map((l) => l.sku));
});

test('a wrong access token is a configuration error that never shows the token', async () => {
  const wrong = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${sandboxUrl}/shopify`, accessToken: 'shpat_wrong_secret', apiVersion: API_VERSION });
  const err = await expectShopifyError(wrong.writeBackVinoshipperOrder(await placeOrder(), 'CH-1'), 'configuration');
  expect(err.status).toBe(401);
  expect(isTransient(err)).toBe(false);
  expect(err.message).not.toContain('shpat_wrong_secret');
});

test('an unreachable Shopify is transient', async () => {
  const down = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: 'http://127.0.0.1:9', accessToken: TOKEN, apiVersion: API_VERSION });
  await expectShopifyError(down.listOrdersUpdatedSince(new Date().toISOString()), 'transient');
});

test('a write-back given a time bound gives up on a Shopify that never answers, as a transient failure', async () => {
  // Accepts the connection and the request, never answers: a stalled Shopify.
  const stalled = createServer(() => undefined);
  const url = await listen(stalled);
  try {
    const slow = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${url}/shopify`, accessToken: TOKEN, apiVersion: API_VERSION });
    const started = Date.now();
    await expectShopifyError(slow.writeBackVinoshipperOrder('1', 'CH-1', { timeoutMs: 200 }), 'transient');
    expect(Date.now() - started).toBeLessThan(5_000); // the client's own bound is 30 s
  } finally {
    stalled.closeAllConnections();
    await close(stalled);
  }
});
