// Shopify webhook ingestion, and the bad-input table of the README: every row gets a specific
// status code and message (never a stack trace), and no order is lost or duplicated.
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createApp } from '../../api/app';
import { vinoshipperNumberOfPlaced, type StackDriver } from '../../sandbox/driver';
import { createDataConverter } from '../../temporal/data-converter';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { driverFor, startStack, type Stack } from '../helpers/stack';
import { deliverShopifyWebhook, request } from '../helpers/http';

let stack: Stack;
let shop: StackDriver;
const OLD_SECRET = 'old-secret-still-signing';
const NEW_SECRET = 'new-secret-after-rotation';

beforeAll(async () => {
  // During a rotation Shopify signs with the oldest unrevoked secret; we accept either.
  stack = await startStack({ env: { SHOPIFY_WEBHOOK_SECRETS: `${OLD_SECRET},${NEW_SECRET}` } });
  shop = driverFor(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** An order stored in the sandbox store without any delivery; returns its REST payload. */
function vinoshipperNumberOf(order: { id: string; name: string }): string {
  return vinoshipperNumberOfPlaced(stack.config.orders.vinoshipperOrderPrefix, order);
}

async function quietOrder(): Promise<{ id: string; name: string; payload: any }> {
  const order = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] }, { webhook: false });
  return { ...order, payload: await shop.shopifyOrder(order.id) };
}

function deliver(topic: string | undefined, payload: unknown, opts: { secret?: string; shopDomain?: string; rawBody?: string; hmac?: string } = {}) {
  return deliverShopifyWebhook(stack.apiUrl, {
    topic,
    payload,
    secret: opts.secret ?? OLD_SECRET,
    shopDomain: opts.shopDomain ?? stack.config.shopify.shopDomain,
    rawBody: opts.rawBody,
    hmac: opts.hmac,
  });
}

async function expectNoWorkflow(id: string): Promise<void> {
  await expect(stack.env.client.workflow.getHandle(stack.orders.workflowId(id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

function expectNoStackTrace(body: unknown): void {
  expect(JSON.stringify(body)).not.toMatch(/\s+at \S+ \(/);
}

describe('signatures', () => {
  test('a delivery signed with either secret of a rotation is accepted', async () => {
    const a = await quietOrder();
    const b = await quietOrder();
    expect((await deliver('orders/create', a.payload, { secret: OLD_SECRET })).status).toBe(200);
    expect((await deliver('orders/create', b.payload, { secret: NEW_SECRET })).status).toBe(200);
    await shop.waitForOrder(b.id, 'submitted', (v) => v.status === 'submitted');
  }, 30_000);

  test('forged, unsigned or garbled signatures → 401, nothing started', async () => {
    const order = await quietOrder();
    for (const hmac of ['', 'bm90LWEtc2lnbmF0dXJl', 'not base64 at all!']) {
      const res = await deliver('orders/create', order.payload, { hmac });
      expect(res.status).toBe(401);
      expectNoStackTrace(res.body);
    }
    expect((await deliver('orders/create', order.payload, { secret: 'revoked-secret' })).status).toBe(401);
    await expectNoWorkflow(order.id);
  }, 30_000);
});

describe('duplicates and order of delivery', () => {
  test('orders/updated before orders/create starts the workflow; the older create is ignored and recorded', async () => {
    const order = await quietOrder();
    const updated = { ...order.payload, updated_at: new Date(Date.parse(order.payload.updated_at) + 60_000).toISOString(), note: 'edited' };
    expect((await deliver('orders/updated', updated)).status).toBe(200);
    await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
    expect((await deliver('orders/create', order.payload)).status).toBe(200);
    const view = await shop.waitForOrder(order.id, 'the stale create to be recorded', (v) => v.timeline.some((e) => e.event === 'stale_update_ignored'));
    expect(view.status).toBe('submitted');
    expect((await shop.vinoshipperOrder(vinoshipperNumberOf(order))).submissions).toBe(1);
  }, 30_000);

  test('a burst of the same delivery has the effect of one', async () => {
    const order = await quietOrder();
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver('orders/create', order.payload)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
    expect((await shop.vinoshipperOrder(vinoshipperNumberOf(order))).submissions).toBe(1);
    const view = await shop.status(order.id);
    expect(view.timeline.filter((e) => e.event === 'received')).toHaveLength(1);
  }, 30_000);

  test('orders/paid releases an order that was waiting for payment', async () => {
    const order = await quietOrder();
    expect((await deliver('orders/create', { ...order.payload, financial_status: 'pending' })).status).toBe(200);
    await shop.waitForOrder(order.id, 'waiting for payment', (v) => v.timeline.some((e) => e.event === 'awaiting_payment'));
    await expect(shop.vinoshipperOrder(vinoshipperNumberOf(order))).rejects.toMatchObject({ status: 404 });
    const paid = { ...order.payload, financial_status: 'paid', updated_at: new Date(Date.parse(order.payload.updated_at) + 1_000).toISOString() };
    expect((await deliver('orders/paid', paid)).status).toBe(200);
    await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  }, 30_000);

  test('a delivery for a finished order is acknowledged and starts nothing new', async () => {
    const order = await quietOrder();
    // Cancelled before cellarhand saw it: never sent, finished at once (a skip tag would wait to be removed).
    await deliver('orders/create', { ...order.payload, cancelled_at: order.payload.updated_at });
    await shop.waitForListing(order.id, 'skipped');
    await shop.poll('the workflow to finish', async () => ((await stack.orders.describe(order.id)).status.name === 'COMPLETED' ? true : null));
    const res = await deliver('orders/updated', { ...order.payload, updated_at: new Date().toISOString() });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('finished');
    expect((await shop.status(order.id)).status).toBe('skipped');
  }, 30_000);
});

describe('bad input', () => {
  test('malformed JSON → 400', async () => {
    const res = await deliver('orders/create', undefined, { rawBody: '{"id": 1, "line_items": [' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Body is not valid JSON');
  });

  test('valid JSON that is not an order → 422 naming the fields, no values echoed', async () => {
    const res = await deliver('orders/create', { id: 'x', email: 'someone@example.com' });
    expect(res.status).toBe(422);
    expect(res.body.problems.join(' ')).toMatch(/line_items/);
    expect(JSON.stringify(res.body)).not.toContain('someone@example.com');
  });

  test('a body over the 1 MB limit → 413', async () => {
    const huge = JSON.stringify({ padding: 'x'.repeat(1_100_000) });
    const res = await deliver('orders/create', undefined, { rawBody: huge });
    expect(res.status).toBe(413);
    expectNoStackTrace(res.body);
  });

  test('missing topic header → 400; unknown topic → 200, ignored', async () => {
    const order = await quietOrder();
    const missing = await deliver(undefined, order.payload);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/X-Shopify-Topic/);
    const unknown = await deliver('products/update', { id: 1 });
    expect(unknown.status).toBe(200);
    expect(unknown.body.outcome).toBe('ignored');
    await expectNoWorkflow(order.id);
  });

  test('a webhook for another shop → 403', async () => {
    const order = await quietOrder();
    const res = await deliver('orders/create', order.payload, { shopDomain: 'someone-else.myshopify.com' });
    expect(res.status).toBe(403);
    await expectNoWorkflow(order.id);
  });

  test('unknown order on the ops API → 404; a request to a finished order → 409 with the reason', async () => {
    await expect(shop.retry('123456789')).rejects.toMatchObject({ status: 404 });
    const order = await quietOrder();
    await deliver('orders/create', { ...order.payload, cancelled_at: order.payload.updated_at });
    await shop.waitForListing(order.id, 'skipped');
    await shop.poll('the workflow to finish', async () => ((await stack.orders.describe(order.id)).status.name === 'COMPLETED' ? true : null));
    await expect(shop.refund(order.id, 'too late')).rejects.toMatchObject({ status: 409, body: { reason: 'the order is already skipped' } });
    await expect(shop.status('not-a-number')).rejects.toMatchObject({ status: 400 });
  }, 30_000);

  test('Vinoshipper webhook: wrong token → 401; not a hint → 422; unknown order → 200', async () => {
    const url = `${stack.apiUrl}/webhooks/vinoshipper`;
    expect((await request('POST', `${url}/wrong-token`, { identifier: 'CH-1', subject: 'ORDER', event: 'UPDATED' })).status).toBe(401);
    const token = stack.config.vinoshipper.webhookToken;
    expect((await request('POST', `${url}/${token}`, { hello: 'world' })).status).toBe(422);
    // Unknown: a number of ours naming no order's id, and one without an id (an order numbered before ids) with no alias.
    for (const identifier of [vinoshipperNumberOf({ id: '999999999999', name: '#999999' }), 'CH-999999']) {
      const unknown = await request('POST', `${url}/${token}`, { identifier, subject: 'ORDER', event: 'UPDATED' });
      expect(unknown).toMatchObject({ status: 200, body: { outcome: 'no_running_order' } });
    }
  });

  test('Temporal unreachable → 503 with Retry-After, so Shopify delivers again later', async () => {
    const deadClient = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const orders = new OrderWorkflows(deadClient, { shopDomain: stack.config.shopify.shopDomain, taskQueue: 'nowhere', settings: stack.config.orders });
    const server: Server = createServer(createApp({ config: stack.config, orders }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const order = await quietOrder();
      const res = await deliverShopifyWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
        topic: 'orders/create',
        payload: order.payload,
        secret: OLD_SECRET,
        shopDomain: stack.config.shopify.shopDomain,
      });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/Temporal is unavailable/);
      // Nothing lost: the same delivery to the healthy API goes through.
      expect((await deliver('orders/create', order.payload)).status).toBe(200);
      await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await deadClient.connection.close();
    }
  }, 30_000);
});

/**
 * A TCP relay in front of the real Temporal server that can stop relaying: the server stays up, but
 * whatever the API sends it from then on gets no answer, as when Temporal cannot keep up.
 */
async function stallableRelay(target: string): Promise<{ address: string; stall(): void; close(): Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, host);
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => void (stalled || to.write(chunk)));
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: () => void (stalled = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

test('Temporal not keeping up: past WEBHOOK_MAX_IN_FLIGHT waiting hand-overs, a delivery gets 503 at once; the waiting ones 503 at their deadline; nothing lost', async () => {
  const relay = await stallableRelay(stack.config.temporal.address);
  const connection = await Connection.connect({ address: relay.address });
  const client = new Client({ connection, namespace: stack.config.temporal.namespace, dataConverter: createDataConverter(stack.config.codec) });
  const config = { ...stack.config, api: { ...stack.config.api, handOverTimeoutMs: 1_000, maxHandOversInFlight: 2 } };
  const orders = new OrderWorkflows(client, {
    shopDomain: config.shopify.shopDomain,
    taskQueue: config.temporal.taskQueue,
    settings: config.orders,
    handOverTimeoutMs: config.api.handOverTimeoutMs,
  });
  const server: Server = createServer(createApp({ config, orders }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deliverTo = (payload: unknown) =>
    deliverShopifyWebhook(url, { topic: 'orders/create', payload, secret: OLD_SECRET, shopDomain: stack.config.shopify.shopDomain });
  try {
    // While Temporal answers, this API hands over like the other one.
    const first = await quietOrder();
    expect((await deliverTo(first.payload)).status).toBe(200);

    relay.stall();
    const [a, b, c] = [await quietOrder(), await quietOrder(), await quietOrder()];
    const answered: string[] = [];
    const waiting = [a, b].map((o) => deliverTo(o.payload).then((res) => (answered.push(o.name), res)));
    // Both hand-overs are under way before the third delivery arrives.
    await new Promise((r) => setTimeout(r, 200));
    const turnedAway = await deliverTo(c.payload);
    answered.push(c.name);
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.headers.get('retry-after')).toBe('1');
    expect(turnedAway.body.error).toMatch(/not keeping up; nothing was recorded/);
    // It did not wait for Temporal: answered before either waiting hand-over.
    expect(answered).toEqual([c.name]);
    for (const res of await Promise.all(waiting)) {
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/Temporal is unavailable; nothing was recorded/);
    }

    // Nothing lost: Shopify delivers again, and the healthy API takes all three.
    for (const order of [a, b, c]) expect((await deliver('orders/create', order.payload)).status).toBe(200);
    for (const order of [first, a, b, c]) await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await relay.close();
    await connection.close().catch(() => undefined);
  }
}, 60_000);

test('GET /openapi.json describes the webhook and ops routes from their zod schemas', async () => {
  const res = await request('GET', `${stack.apiUrl}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe('3.1.0');
  expect(Object.keys(res.body.paths)).toEqual(
    expect.arrayContaining([
      '/webhooks/shopify',
      '/webhooks/vinoshipper/{token}',
      '/api/orders',
      '/api/orders/{shopifyOrderId}',
      '/api/orders/{shopifyOrderId}/refund',
    ]),
  );
  const [orderBody, ...privacyBodies] = res.body.paths['/webhooks/shopify'].post.requestBody.content['application/json'].schema.oneOf;
  expect(privacyBodies).toHaveLength(3);
  expect(orderBody.required).toEqual(expect.arrayContaining(['id', 'line_items']));
  const refundBody = res.body.paths['/api/orders/{shopifyOrderId}/refund'].post.requestBody.content['application/json'].schema;
  expect(refundBody.required).toEqual(['reason']);
  const statuses = res.body.paths['/api/orders'].get.parameters.find((p: { name: string }) => p.name === 'status').schema.enum;
  expect(statuses).toContain('needs_attention');
});
