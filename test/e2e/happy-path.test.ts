// Issue 2 end to end: a signed Shopify webhook in → the order in Vinoshipper → its number written
// back to Shopify → `submitted` in Temporal, on a real dev server, over HTTP.
import { WorkflowNotFoundError } from '@temporalio/client';
import { orderWorkflowId } from '../../domain';
import { vinoshipperNumberOfPlaced } from '../../sandbox/driver';
import { startStack, type Stack } from '../helpers/stack';
import { deliverShopifyWebhook, request, waitFor } from '../helpers/http';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function createShopifyOrder(body: unknown, query = ''): Promise<{ id: string; name: string }> {
  const res = await request('POST', `${stack.sandboxUrl}/sandbox/shopify/orders${query}`, body);
  expect(res.status).toBe(201);
  return res.body;
}

test('an order flows from a Shopify webhook into Vinoshipper and is written back', async () => {
  const { id, name } = await createShopifyOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }] });
  const orderNumber = vinoshipperNumberOfPlaced('CH-', { id, name });

  const held = await waitFor('the Vinoshipper sandbox to hold the order', async () => {
    const res = await request('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
    return res.status === 200 && res.body;
  });
  expect(held.submissions).toBe(1);
  expect(held.order.products).toEqual([expect.objectContaining({ productId: 'CAB-2021-750', quantity: 2 })]);

  const shopifyOrder = await waitFor('the Shopify order to carry the Vinoshipper number', async () => {
    const res = await request('GET', `${stack.sandboxUrl}/sandbox/shopify/orders/${id}`);
    return res.body.tags?.includes(`vinoshipper:${orderNumber}`) && res.body;
  });
  expect(JSON.stringify(shopifyOrder.metafields)).toContain(orderNumber);

  const status = await waitFor('status submitted', async () => {
    const view = await stack.orders.status(id);
    return view.status === 'submitted' && view.timeline.some((e) => e.event === 'written_back') && view;
  });
  expect(status.vinoshipperOrderNumber).toBe(orderNumber);
  expect(status.shopifyOrderName).toBe(name);
  expect(status.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['received', 'submitted', 'written_back']));

  // The Web UI's filter finds it (visibility is eventually consistent).
  const workflowId = orderWorkflowId(stack.config.shopify.shopDomain, id);
  await waitFor('visibility to list it under OrderStatus="submitted"', async () => {
    for await (const wf of stack.env.client.workflow.list({ query: `OrderStatus="submitted" AND ShopifyOrderName="${name}"` })) {
      if (wf.workflowId === workflowId) return wf;
    }
    return null;
  });

  // The echo of our own write-back (orders/updated) is not a correction: nothing is resent.
  await waitFor('the write-back echo to be seen', async () =>
    stack.sandbox.shopify.deliveries().some((d) => d.orderId === id && d.topic === 'orders/updated' && d.status === 200),
  );
  const after = await request('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
  expect(after.body.submissions).toBe(1);
}, 60_000);

test('the same webhook delivered three times makes one workflow and one Vinoshipper order', async () => {
  const { id, name } = await createShopifyOrder({ line_items: [{ sku: 'CHARD-2023-750', quantity: 1, price: '28.00' }] }, '?webhook=false');
  const payload = (await request('GET', `${stack.sandboxUrl}/sandbox/shopify/orders/${id}`)).body;
  const delivery = {
    topic: 'orders/create',
    payload,
    secret: stack.config.shopify.webhookSecrets[0],
    shopDomain: stack.config.shopify.shopDomain,
    webhookId: 'same-delivery',
  };
  const answers = await Promise.all([1, 2, 3].map(() => deliverShopifyWebhook(stack.apiUrl, delivery)));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

  const orderNumber = vinoshipperNumberOfPlaced('CH-', { id, name });
  await waitFor('status submitted', async () => (await stack.orders.status(id)).status === 'submitted');
  const held = await request('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
  expect(held.body.submissions).toBe(1);

  const runs: string[] = [];
  for await (const wf of stack.env.client.workflow.list({ query: `WorkflowId="${orderWorkflowId(stack.config.shopify.shopDomain, id)}"` })) runs.push(wf.runId);
  expect(runs).toHaveLength(1);
}, 60_000);

test('a forged signature is refused with 401 and starts nothing', async () => {
  const { id } = await createShopifyOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] }, '?webhook=false');
  const payload = (await request('GET', `${stack.sandboxUrl}/sandbox/shopify/orders/${id}`)).body;
  const res = await deliverShopifyWebhook(stack.apiUrl, {
    topic: 'orders/create',
    payload,
    secret: 'not-the-shops-secret',
    shopDomain: stack.config.shopify.shopDomain,
  });
  expect(res.status).toBe(401);
  expect(res.body.error).toMatch(/signature/i);
  await expect(stack.env.client.workflow.getHandle(orderWorkflowId(stack.config.shopify.shopDomain, id)).describe()).rejects.toBeInstanceOf(
    WorkflowNotFoundError,
  );
}, 30_000);
