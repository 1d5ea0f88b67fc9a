// Shopify's mandatory privacy webhooks end to end, on a real dev server over HTTP: signed
// deliveries in, order workflows deleted from Temporal (running ones recorded and erased once they
// finish), the data request recorded and the merchant emailed, forged and malformed ones refused.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  ShopDomainKey,
  orderWorkflowId,
  privacyWorkflowId,
  recheckSignal,
  redactionStatusQuery,
  type RedactionInput,
  type RedactionStatusView,
} from '../../domain';
import { StackDriver, type PlacedOrder } from '../../sandbox/driver';
import { deliverShopifyWebhook, waitFor } from '../helpers/http';
import { activityQueues } from '../helpers/activity-queues';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
let client: Client;
let SHOP: string;
beforeAll(async () => {
  // Temporal deletes a closed workflow once its queues' ack levels pass its close (every 30 s by
  // default, so a deletion takes up to a minute); the server is told to move them every second.
  stack = await startStack({
    dynamicConfig: { 'history.transferProcessorUpdateAckInterval': '1s', 'history.visibilityProcessorUpdateAckInterval': '1s' },
  });
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  client = stack.env.client;
  SHOP = stack.config.shopify.shopDomain;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const EMAIL = 'jane.privacy@example.com';
const LINE = { line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] };

function deliver(topic: string, payload: unknown, secret = stack.config.shopify.webhookSecrets[0]) {
  return deliverShopifyWebhook(stack.apiUrl, { topic, payload, secret, shopDomain: SHOP });
}

async function describeOrNull(workflowId: string) {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

const gone = (workflowId: string) => waitFor(`${workflowId} to be deleted`, async () => (await describeOrNull(workflowId)) === null, 30_000, 250);

async function finishedOrder(): Promise<PlacedOrder> {
  const order = await shop.placeOrder(LINE);
  await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  await shop.cancelOrderInShopify(order.id);
  await waitFor('the order workflow to finish', async () => (await describeOrNull(orderWorkflowId(SHOP, order.id)))?.status.name === 'COMPLETED', 30_000);
  return order;
}

async function runningOrder(): Promise<PlacedOrder> {
  const order = await shop.placeOrder(LINE);
  await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  return order;
}

test('customers/redact deletes the finished order workflows, records a running one and erases it once it has finished', async () => {
  const finished = await finishedOrder();
  const running = await runningOrder();
  const payload = {
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: 7100000001, email: EMAIL, phone: '+17075550100' },
    orders_to_redact: [finished.id, running.id, 5999999999],
  };

  const res = await deliver('customers/redact', payload);
  expect(res.status).toBe(200);
  const workflowId = privacyWorkflowId('customers_redact', SHOP, '7100000001');
  expect(res.body).toEqual({ topic: 'customers/redact', workflowId, outcome: 'accepted' });
  expect(JSON.stringify(res.body)).not.toContain('example.com');

  await gone(orderWorkflowId(SHOP, finished.id));
  const redaction = client.workflow.getHandle(workflowId);
  const view = await waitFor('the redaction to record the running order', async () => {
    const v = await redaction.query(redactionStatusQuery);
    return v.checks > 0 && v.running.length > 0 && v;
  });
  expect(view).toMatchObject({
    kind: 'customers_redact',
    customerId: '7100000001',
    erasedOrderIds: [finished.id],
    notHeldOrderIds: ['5999999999'],
    pendingOrderIds: [running.id],
    running: [orderWorkflowId(SHOP, running.id)],
    done: false,
  });
  // The running order was not touched: it still runs and answers.
  expect((await describeOrNull(orderWorkflowId(SHOP, running.id)))?.status.name).toBe('RUNNING');
  expect((await shop.status(running.id)).status).toBe('submitted');
  // Nothing personal on the redaction's own record.
  const description = await redaction.describe();
  expect(description.typedSearchAttributes.get(ShopDomainKey)).toBe(SHOP);
  expect(JSON.stringify({ id: description.workflowId, summary: await description.staticSummary(), view })).not.toContain('example.com');

  // Shopify's retry of the same request joins the running redaction.
  expect((await deliver('customers/redact', payload)).body.outcome).toBe('accepted');

  // The order finishes; `recheck` (instead of the daily timer) erases it and the redaction completes.
  await shop.cancelOrderInShopify(running.id);
  await waitFor('the running order to finish', async () => (await describeOrNull(orderWorkflowId(SHOP, running.id)))?.status.name === 'COMPLETED', 30_000);
  await redaction.signal(recheckSignal);
  const result: RedactionStatusView = await redaction.result();
  expect(result).toMatchObject({ done: true, pendingOrderIds: [], running: [], erasedOrderIds: [finished.id, running.id] });
  await gone(orderWorkflowId(SHOP, running.id));
}, 120_000);

test('a redaction still waiting after its alert time tells the merchant once, and erases the order when it finishes', async () => {
  const running = await runningOrder();
  const workflowId = privacyWorkflowId('customers_redact', SHOP, '7100000002');
  const input: RedactionInput = {
    kind: 'customers_redact',
    shopDomain: SHOP,
    customerId: '7100000002',
    orderIds: [running.id],
    receivedAt: new Date().toISOString(),
    // The API uses a day and 25 days; the same workflow, faster.
    timing: { recheckIntervalMs: 500, alertAfterMs: 1_500 },
  };
  const handle = await client.workflow.start('redactionWorkflow', { workflowId, taskQueue: stack.config.temporal.taskQueue, args: [input] });
  const alert = await shop.poll(
    'the pending-redaction alert',
    async () => (await shop.emails()).find((e) => e.subject.startsWith('[Action required] Privacy request')) ?? null,
  );
  expect(alert.subject).toBe('[Action required] Privacy request: 1 order still running, not erased yet');
  expect(alert.text).toContain(orderWorkflowId(SHOP, running.id));
  expect((await handle.query(redactionStatusQuery)).alertedAt).not.toBeNull();

  await shop.cancelOrderInShopify(running.id);
  const result: RedactionStatusView = await handle.result();
  expect(result).toMatchObject({ done: true, erasedOrderIds: [running.id], running: [] });
  await gone(orderWorkflowId(SHOP, running.id));
  expect((await shop.emails()).filter((e) => e.subject.startsWith('[Action required] Privacy request'))).toHaveLength(1);
}, 120_000);

test('customers/data_request is recorded and the merchant is emailed the orders held, without the customer’s email', async () => {
  const order = await runningOrder();
  const payload = {
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: 7100000003, email: EMAIL, phone: '+17075550100' },
    orders_requested: [order.id, 5888888888],
    data_request: { id: 4242 },
  };
  const res = await deliver('customers/data_request', payload);
  expect(res.status).toBe(200);
  const workflowId = privacyWorkflowId('customers_data_request', SHOP, '4242');
  expect(res.body).toEqual({ topic: 'customers/data_request', workflowId, outcome: 'accepted' });

  const email = await shop.poll(
    'the data request email',
    async () => (await shop.emails()).find((e) => e.subject.includes('Customer data request 4242')) ?? null,
  );
  expect(email.subject).toBe('[cellarhand] Customer data request 4242: 1 order held');
  expect(email.subject).not.toContain('@');
  expect(email.text).toContain('Shopify forwarded a customer data request');
  expect(email.text).toContain(order.name);
  expect(email.text).toContain(order.id);
  expect(email.text).toContain('5888888888');
  expect(email.text).not.toContain(EMAIL);

  // The record: the workflow's result names the orders held (ids, names, statuses).
  const outcome = await client.workflow.getHandle(workflowId).result();
  expect(outcome.held).toEqual([expect.objectContaining({ shopifyOrderId: order.id, shopifyOrderName: order.name, running: true })]);
  expect(outcome.notHeldOrderIds).toEqual(['5888888888']);
  // Its email counts against the deployment's Resend budget, like the orders' emails.
  expect(await activityQueues(client, { workflowId })).toMatchObject({ sendPrivacyEmail: stack.config.orders.taskQueues.email });

  // Shopify's retry of a handled request: 200, no second email.
  expect((await deliver('customers/data_request', payload)).body).toMatchObject({ outcome: 'already_handled' });
  expect((await shop.emails()).filter((e) => e.subject.includes('Customer data request 4242'))).toHaveLength(1);
}, 60_000);

test('a forged privacy webhook is refused with 401 and starts nothing', async () => {
  const payload = { shop_domain: SHOP, customer: { id: 7100000004, email: EMAIL }, orders_to_redact: [] };
  const res = await deliver('customers/redact', payload, 'not-the-apps-secret');
  expect(res.status).toBe(401);
  expect(await describeOrNull(privacyWorkflowId('customers_redact', SHOP, '7100000004'))).toBeNull();
});

test('a privacy payload that fails validation is refused with 422, naming fields only', async () => {
  const noCustomerId = await deliver('customers/redact', { shop_domain: SHOP, customer: { email: EMAIL }, orders_to_redact: [] });
  expect(noCustomerId.status).toBe(422);
  expect(JSON.stringify(noCustomerId.body)).toMatch(/customer\.id/);
  expect(JSON.stringify(noCustomerId.body)).not.toContain(EMAIL);
  expect((await deliver('customers/data_request', { shop_domain: SHOP, customer: { id: 1 } })).status).toBe(422);
  expect((await deliver('shop/redact', { shop_domain: 'someone-else.myshopify.com' })).status).toBe(422);
});

// Last: it erases everything this file left behind.
test('shop/redact deletes every closed workflow of the shop and waits for the running ones', async () => {
  const finished = await finishedOrder();
  const running = await runningOrder();
  const dataRequest = privacyWorkflowId('customers_data_request', SHOP, '4242');
  expect(await describeOrNull(dataRequest)).not.toBeNull();

  const res = await deliver('shop/redact', { shop_id: 1, shop_domain: SHOP });
  expect(res.status).toBe(200);
  const workflowId = privacyWorkflowId('shop_redact', SHOP, null);
  expect(res.body).toEqual({ topic: 'shop/redact', workflowId, outcome: 'accepted' });

  await gone(orderWorkflowId(SHOP, finished.id));
  await gone(dataRequest);
  await gone(privacyWorkflowId('customers_redact', SHOP, '7100000001'));
  await waitFor(
    'no closed workflow of the shop left in visibility',
    async () => {
      let closed = 0;
      for await (const _ of client.workflow.list({ query: `ShopDomain="${SHOP}" AND ExecutionStatus!="Running"` })) closed += 1;
      return closed === 0;
    },
    30_000,
    500,
  );
  const redaction = client.workflow.getHandle(workflowId);
  const view = await redaction.query(redactionStatusQuery);
  expect(view.running).toContain(orderWorkflowId(SHOP, running.id));
  expect(view.running).not.toContain(workflowId);
  expect(view.runsDeleted).toBeGreaterThan(0);
  expect((await describeOrNull(orderWorkflowId(SHOP, running.id)))?.status.name).toBe('RUNNING');

  // Only order workflows still run (this one, and the one the data request test left running).
  expect(view.running.every((id) => id.startsWith(`order:${SHOP}:`))).toBe(true);
  for (const id of view.running) {
    const orderId = id.split(':').pop()!;
    await shop.cancelOrderInShopify(orderId);
    await waitFor(`order ${orderId} to finish`, async () => (await describeOrNull(id))?.status.name === 'COMPLETED', 30_000);
  }
  // Visibility may lag the close by a moment: ask again until the redaction is done.
  await waitFor(
    'the shop redaction to complete',
    async () => {
      if ((await redaction.describe()).status.name === 'COMPLETED') return true;
      await redaction.signal(recheckSignal).catch(() => undefined);
      return false;
    },
    30_000,
    1_000,
  );
  expect(await redaction.result()).toMatchObject({ done: true, running: [] });
  await gone(orderWorkflowId(SHOP, running.id));
}, 120_000);
