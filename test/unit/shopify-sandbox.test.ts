// The Shopify sandbox's own contract: control routes, webhook delivery like Shopify's, and the
// GraphQL rules it enforces (token, @idempotent, search syntax).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import { signShopifyWebhook, verifyShopifyHmac } from '../../integrations/shopify/webhooks';
import { createShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { close, listen } from '../helpers/servers';
import { testShopifyApp } from '../helpers/shopify-app';

const SHOP = 'cellarhand-test.myshopify.com';
const TOKEN = 'shpat_test_token';
const SECRET = 'test-webhook-secret';

interface Hit {
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

let sandbox: ShopifySandbox;
let sandboxServer: Server;
let sandboxUrl: string;
let receiver: Server;
let hits: Hit[];
/** How the receiver answers the next requests; default 200. */
let answer: (res: ServerResponse) => void;

beforeAll(async () => {
  hits = [];
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    hits.push({ headers: req.headers, raw: Buffer.concat(chunks) });
    answer(res);
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
});

afterAll(async () => {
  await close(sandboxServer);
  await close(receiver);
});

beforeEach(() => {
  sandbox.reset();
  hits.length = 0;
  answer = (res) => res.writeHead(200).end();
});

afterEach(async () => {
  const deadline = Date.now() + 5_000;
  while (sandbox.deliveries().some((d) => d.state === 'pending') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sandboxUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function graphql(query: string, variables: object = {}, opts: { token?: string; version?: string } = {}) {
  const res = await fetch(`${sandboxUrl}/shopify/admin/api/${opts.version ?? '2026-10'}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': opts.token ?? TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function until<T>(probe: () => T | undefined | false, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const LINES = [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }];

describe('control routes', () => {
  test('a new order gets defaults and is delivered as a signed orders/create', async () => {
    const created = await call('POST', '/sandbox/shopify/orders', { line_items: LINES });
    expect(created).toEqual({ status: 201, body: { id: '5000000001', name: '#1001' } });

    const hit = await until(() => hits[0]);
    expect(hit.headers['x-shopify-topic']).toBe('orders/create');
    expect(hit.headers['x-shopify-shop-domain']).toBe(SHOP);
    expect(hit.headers['x-shopify-api-version']).toBe('2026-10');
    expect(hit.headers['x-shopify-webhook-id']).toEqual(expect.any(String));
    expect(hit.headers['x-shopify-event-id']).toEqual(expect.any(String));
    expect(Date.parse(String(hit.headers['x-shopify-triggered-at']))).not.toBeNaN();
    expect(verifyShopifyHmac(hit.raw, String(hit.headers['x-shopify-hmac-sha256']), [SECRET])).toBe(true);

    const payload = JSON.parse(hit.raw.toString());
    expect(payload).toMatchObject({
      id: 5000000001,
      admin_graphql_api_id: 'gid://shopify/Order/5000000001',
      name: '#1001',
      order_number: 1001,
      financial_status: 'paid',
      currency: 'USD',
      subtotal_price: '84.00',
      total_price: '99.00',
      email: 'avery.demo@example.com',
      shipping_address: expect.objectContaining({ first_name: 'Avery', last_name: 'Demo', province_code: 'CA' }),
      note_attributes: [{ name: 'date_of_birth', value: '1985-04-12' }],
    });
    expect(payload).not.toHaveProperty('metafields');
  });

  test('?webhook=false stores the order without delivering; given note attributes replace the default', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders?webhook=false', { line_items: LINES, note_attributes: [] });
    await new Promise((r) => setTimeout(r, 100));
    expect(hits).toHaveLength(0);
    expect((await call('GET', `/sandbox/shopify/orders/${body.id}`)).body.note_attributes).toEqual([]);
  });

  test('the control route answers before the webhook receiver does', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    answer = (res) => void released.then(() => res.writeHead(200).end());
    const created = await call('POST', '/sandbox/shopify/orders', { line_items: LINES });
    expect(created.status).toBe(201);
    await until(() => hits[0]);
    expect(sandbox.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 1 });
    release();
    await until(() => sandbox.deliveries()[0].state === 'delivered');
  });

  test('bad bodies are refused with the fields named', async () => {
    const res = await call('POST', '/sandbox/shopify/orders', { lineItems: [], line_items: [{ sku: '', quantity: 0, price: 'free' }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid order');
    const text = res.body.problems.join('\n');
    for (const field of ['line_items.0.sku', 'line_items.0.quantity', 'line_items.0.price', 'lineItems']) expect(text).toContain(field);
  });

  test('an edit merges the address, bumps updated_at and delivers orders/updated', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders?webhook=false', { line_items: LINES });
    const before = (await call('GET', `/sandbox/shopify/orders/${body.id}`)).body;
    const patched = await call('PATCH', `/sandbox/shopify/orders/${body.id}`, { shipping_address: { province_code: 'OR', city: 'Portland' } });
    expect(patched.status).toBe(200);
    expect(patched.body.shipping_address).toMatchObject({ province_code: 'OR', city: 'Portland', address1: before.shipping_address.address1 });
    expect(Date.parse(patched.body.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));

    const hit = await until(() => hits[0]);
    expect(hit.headers['x-shopify-topic']).toBe('orders/updated');
    expect(JSON.parse(hit.raw.toString()).shipping_address.province_code).toBe('OR');
    expect((await call('PATCH', `/sandbox/shopify/orders/${body.id}`, {})).status).toBe(400);
  });

  test('cancel delivers orders/cancelled once; unknown orders are 404', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders?webhook=false', { line_items: LINES });
    const cancelled = await call('POST', `/sandbox/shopify/orders/${body.id}/cancel`, {});
    expect(cancelled.body.cancelled_at).toEqual(expect.any(String));
    expect((await until(() => hits[0])).headers['x-shopify-topic']).toBe('orders/cancelled');
    expect((await call('POST', `/sandbox/shopify/orders/${body.id}/cancel`, {})).status).toBe(409);
    expect(await call('GET', '/sandbox/shopify/orders/123')).toEqual({ status: 404, body: { message: expect.stringContaining('123') } });
  });

  test('redeliver replays the same bytes with the same webhook id', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders', { line_items: LINES });
    await until(() => hits[0]);
    await call('PATCH', `/sandbox/shopify/orders/${body.id}`, { email: 'new@example.com' });
    await until(() => hits[1]);

    const replay = await call('POST', `/sandbox/shopify/orders/${body.id}/redeliver`, { topic: 'orders/create' });
    expect(replay.status).toBe(202);
    const third = await until(() => hits[2]);
    expect(third.headers['x-shopify-webhook-id']).toBe(hits[0].headers['x-shopify-webhook-id']);
    expect(third.raw.equals(hits[0].raw)).toBe(true);
    expect(third.headers['x-shopify-hmac-sha256']).toBe(signShopifyWebhook(hits[0].raw, SECRET));
    expect(sandbox.deliveries().filter((d) => d.webhookId === replay.body.webhookId)).toHaveLength(2);
  });

  test('a failed delivery is retried with backoff, with the same webhook id', async () => {
    let calls = 0;
    answer = (res) => res.writeHead(++calls === 1 ? 503 : 200).end();
    const created = await call('POST', '/sandbox/shopify/orders', { line_items: LINES });
    await until(() => sandbox.deliveries()[0]?.state === 'delivered', 4_000);
    expect(sandbox.deliveries()[0]).toMatchObject({ topic: 'orders/create', orderId: created.body.id, attempts: 2, status: 200 });
    expect(hits[1].headers['x-shopify-webhook-id']).toBe(hits[0].headers['x-shopify-webhook-id']);
  });
});

describe('Admin GraphQL', () => {
  const REFUND = `mutation R($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } }
  }`;
  const REFUND_WITHOUT_KEY = `mutation R($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }`;

  async function refundInput(id: string) {
    const { body } = await graphql(
      `
        query O($id: ID!) {
          order(id: $id) {
            lineItems(first: 5) {
              nodes {
                id
              }
            }
            transactions {
              id
              amountSet {
                shopMoney {
                  amount
                }
              }
            }
          }
        }
      `,
      {
        id: `gid://shopify/Order/${id}`,
      },
    );
    const [line] = body.data.order.lineItems.nodes;
    const [sale] = body.data.order.transactions;
    return {
      orderId: `gid://shopify/Order/${id}`,
      refundLineItems: [{ lineItemId: line.id, quantity: 2, restockType: 'CANCEL' }],
      transactions: [{ orderId: `gid://shopify/Order/${id}`, gateway: 'bogus', kind: 'REFUND', amount: sale.amountSet.shopMoney.amount, parentId: sale.id }],
    };
  }

  test('a wrong token gets Shopify’s 401', async () => {
    const res = await graphql('{ orders(first: 1) { nodes { id } } }', {}, { token: 'nope' });
    expect(res).toEqual({ status: 401, body: { errors: expect.stringContaining('Invalid API key or access token') } });
  });

  test('a repeated @idempotent key returns the first refund and makes no second one', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders?webhook=false', { line_items: LINES });
    const input = await refundInput(body.id);
    expect(input.transactions[0].amount).toBe('99.0');
    const first = await graphql(REFUND, { input, key: 'k-1' });
    const second = await graphql(REFUND, { input, key: 'k-1' });
    expect(first.body.data.refundCreate).toEqual({ refund: { id: expect.any(String) }, userErrors: [] });
    expect(second.body.data.refundCreate.refund.id).toBe(first.body.data.refundCreate.refund.id);
    expect((await call('GET', `/sandbox/shopify/orders/${body.id}`)).body.refunds).toHaveLength(1);

    const third = await graphql(REFUND, { input, key: 'k-2' });
    expect(third.body.data.refundCreate.userErrors.length).toBeGreaterThan(0);
  });

  test('refundCreate without @idempotent fails from 2026-04 and works before', async () => {
    const { body } = await call('POST', '/sandbox/shopify/orders?webhook=false', { line_items: LINES });
    const input = await refundInput(body.id);
    const refused = await graphql(REFUND_WITHOUT_KEY, { input });
    expect(refused.status).toBe(200);
    expect(refused.body.errors[0].message).toMatch(/@idempotent/);
    expect((await call('GET', `/sandbox/shopify/orders/${body.id}`)).body.refunds).toHaveLength(0);
    const older = await graphql(REFUND_WITHOUT_KEY, { input }, { version: '2026-01' });
    expect(older.body.data.refundCreate.userErrors).toEqual([]);
  });

  test('fields Shopify does not have, and search terms the sandbox does not know, are errors', async () => {
    const unknownField = await graphql('{ orders(first: 1) { nodes { orderNumber } } }');
    expect(unknownField.body.errors[0].message).toMatch(/orderNumber/);
    const badSearch = await graphql(`
      {
        orders(first: 1, query: "status:open") {
          nodes {
            id
          }
        }
      }
    `);
    expect(badSearch.body.errors[0].message).toMatch(/status:open/);
  });
});
