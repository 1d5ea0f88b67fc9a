// A long-lived order (weeks between submission and shipment) continues as new before its history
// grows large, carrying everything it knows. The server is told to suggest it early.
import type { StackDriver } from '../../sandbox/driver';
import { driverFor, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
beforeAll(async () => {
  stack = await startStack({
    env: { RECHECK_BACKOFF: '1s' },
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 },
  });
  shop = driverFor(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

test('a polling order continues as new and keeps its state and timeline', async () => {
  const order = await shop.placeOrder({ line_items: [{ sku: 'ROSE-2023-750', quantity: 2, price: '24.00' }] });
  await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  const handle = stack.env.client.workflow.getHandle(stack.orders.workflowId(order.id));
  const firstRun = (await handle.describe()).runId;

  // Each poll adds a timer and an activity to the history: within seconds the server suggests continue-as-new.
  await shop.poll('a new run', async () => ((await handle.describe()).runId !== firstRun ? true : null));

  const view = await shop.status(order.id);
  expect(view.status).toBe('submitted');
  expect(view.vinoshipperOrderNumber).toBe(order.vinoshipperOrderNumber);
  expect(view.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['received', 'submitted', 'written_back']));

  // The new run still acts: shipping is noticed and fulfilled, with no second submission.
  await shop.approveOrder(order.vinoshipperOrderNumber);
  await shop.shipOrder(order.vinoshipperOrderNumber, '1ZCONTINUE000001');
  await shop.waitForListing(order.id, 'fulfilled');
  expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);
  expect((await shop.shopifyOrder(order.id)).fulfillments).toHaveLength(1);
}, 60_000);
