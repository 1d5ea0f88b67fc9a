// The seed's failure scenarios end to end, on a real dev server over HTTP: a signed webhook in,
// the right OrderStatus/IssueType in Temporal visibility, the order-issue email in the Resend
// sandbox, the correction the seed names, and the order through — with exactly one Vinoshipper
// order and at most one refund. Polling is left at its 15-minute default, so Vinoshipper's
// webhook hints are what move the workflow here.
import { ISSUE_WORDING, type IssueType } from '../../domain';
import { StackDriver, type PlacedOrder } from '../../sandbox/driver';
import { driverFor, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
beforeAll(async () => {
  stack = await startStack();
  shop = driverFor(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const CAB = { sku: 'CAB-2021-750', quantity: 1, price: '42.00' };

/** The order reaches `submitted` with its number written back. */
async function placeSubmittedOrder(extra: Record<string, unknown> = {}): Promise<PlacedOrder> {
  const order = await shop.placeOrder({ line_items: [CAB], ...extra });
  await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted' && v.timeline.some((e) => e.event === 'written_back'));
  return order;
}

/** Visibility shows the issue, and the merchant got one email that names order, issue and steps. */
async function expectIssueReported(order: PlacedOrder, type: IssueType): Promise<void> {
  await shop.waitForListing(order.id, 'needs_attention', type);
  const mail = await shop.waitForEmail(order.name, ISSUE_WORDING[type].title);
  expect(mail.subject).toBe(`[Action required] Order ${order.name}: ${ISSUE_WORDING[type].title}`);
  expect(mail.text).toContain(order.name);
  expect(mail.text).toContain(ISSUE_WORDING[type].steps[0]);
  expect(mail.html).toContain('admin.shopify.com');
  const view = await shop.status(order.id);
  expect(view.issue?.type).toBe(type);
}

async function expectOneVinoshipperOrder(order: PlacedOrder): Promise<void> {
  const all = (await fetch(`${stack.sandboxUrl}/sandbox/vinoshipper/orders`).then((r) => r.json())) as Array<{ order: { orderNumber: string } }>;
  expect(all.filter((o) => o.order.orderNumber === order.vinoshipperOrderNumber)).toHaveLength(1);
  const shopifyOrder = await shop.shopifyOrder(order.id);
  const tags = String(shopifyOrder.tags)
    .split(',')
    .map((t) => t.trim());
  expect(tags.filter((t) => t.startsWith('vinoshipper:'))).toEqual([`vinoshipper:${order.vinoshipperOrderNumber}`]);
}

describe('Scenario 1: order created in Shopify but no Vinoshipper order', () => {
  test('product missing: corrected in Shopify, synced again automatically', async () => {
    const order = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-75O', quantity: 1, price: '42.00' }] });
    await expectIssueReported(order, 'product_missing');
    expect((await shop.status(order.id)).issue?.details).toContain('CAB-2021-75O');

    await shop.updateOrder(order.id, { line_items: [CAB] });
    await shop.waitForListing(order.id, 'submitted');
    await expectOneVinoshipperOrder(order);
    expect(await shop.emailsAbout(order.name)).toHaveLength(1);
  }, 60_000);

  test('inventory unavailable: inventory added in Vinoshipper, then retry', async () => {
    await shop.setProduct('PINOT-2022-750', { inventory: 1 });
    const order = await shop.placeOrder({ line_items: [{ sku: 'PINOT-2022-750', quantity: 3, price: '36.00' }] });
    await expectIssueReported(order, 'inventory_unavailable');
    expect((await shop.status(order.id)).issue?.details).toMatch(/PINOT-2022-750.*3.*1/);

    await shop.setProduct('PINOT-2022-750', { inventory: 24 });
    await shop.retry(order.id);
    await shop.waitForListing(order.id, 'submitted');
    await expectOneVinoshipperOrder(order);
  }, 60_000);
});

describe('Scenario 2: Vinoshipper order exists but has issues', () => {
  test('customer verification failed: fixed in Vinoshipper, resent with retry', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'customer_verification', 'Date of birth could not be verified');
    await expectIssueReported(order, 'customer_verification_failed');
    const view = await shop.status(order.id);
    expect(view.issue?.idScanUrl).toContain(`/id-scan/${order.vinoshipperOrderNumber}`);
    expect(view.issue?.details).toContain('Date of birth could not be verified');

    await shop.retry(order.id);
    await shop.waitForListing(order.id, 'submitted');
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(2);
    await expectOneVinoshipperOrder(order);
  }, 60_000);

  test('customer verification failed: resolved by Vinoshipper approving the order', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'customer_verification');
    await shop.waitForListing(order.id, 'needs_attention', 'customer_verification_failed');
    await shop.approveOrder(order.vinoshipperOrderNumber);
    await shop.waitForListing(order.id, 'accepted');
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);
  }, 60_000);

  test('invalid address: corrected in Shopify, resent automatically', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'invalid_address', 'Street address not found');
    await expectIssueReported(order, 'invalid_address');

    await shop.updateOrder(order.id, { shipping_address: { address1: '500 Vineyard Lane' } });
    await shop.waitForListing(order.id, 'submitted');
    const held = await shop.vinoshipperOrder(order.vinoshipperOrderNumber);
    expect(held.submissions).toBe(2);
    expect(held.order.shipToAddress.street1).toBe('500 Vineyard Lane');
    await expectOneVinoshipperOrder(order);
  }, 60_000);

  test('order item issue: fixed in Vinoshipper, resent with retry', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'order_item', 'Product details do not match');
    await expectIssueReported(order, 'order_item_issue');
    await shop.retry(order.id);
    await shop.waitForListing(order.id, 'submitted');
    await expectOneVinoshipperOrder(order);
  }, 60_000);

  test('an update that only echoes our write-back is not a correction', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'invalid_address');
    await shop.waitForListing(order.id, 'needs_attention', 'invalid_address');
    const updatesBefore = (await updateDeliveries(order.id)).length;
    await shop.updateOrder(order.id, { tags: ['vip', `vinoshipper:${order.vinoshipperOrderNumber}`] });
    // The update reached the workflow (the API acknowledged it, so Temporal recorded the signal)…
    await shop.poll('the tag-only update to be acknowledged', async () => {
      const delivered = (await updateDeliveries(order.id)).filter((d) => d.state === 'delivered');
      return delivered.length > updatesBefore ? true : null;
    });
    // …and the workflow has handled it (no workflow task left): it must stay flagged, with no resend.
    const handle = stack.env.client.workflow.getHandle(stack.orders.workflowId(order.id));
    await shop.poll('the workflow to handle the update', async () => ((await handle.describe()).raw.pendingWorkflowTask ? null : true));
    expect((await shop.status(order.id)).status).toBe('needs_attention');
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);
  }, 60_000);
});

async function updateDeliveries(orderId: string) {
  const res = await fetch(`${stack.sandboxUrl}/sandbox/shopify/deliveries`);
  const deliveries = (await res.json()) as Array<{ orderId: string; topic: string; state: string }>;
  return deliveries.filter((d) => d.orderId === orderId && d.topic === 'orders/updated');
}

describe('Scenario 3: compliance check failed post-purchase', () => {
  let blocked: string[];
  beforeEach(async () => {
    blocked = (await shop.blockedStates()).blockedStates;
  });
  afterEach(async () => {
    await shop.setBlockedStates(blocked);
  });

  test('rules changed after checkout: compliance event recorded, refunded once', async () => {
    await shop.setBlockedStates([...blocked, 'CA']);
    const order = await shop.placeOrder({ line_items: [CAB] });
    await expectIssueReported(order, 'compliance_failed');
    const view = await shop.status(order.id);
    expect(view.complianceEvents).toHaveLength(1);
    expect(view.complianceEvents[0].destinationState).toBe('CA');
    expect(view.complianceEvents[0].problems[0]).toMatchObject({ code: 'STATE_PROHIBITED', issueType: 'compliance_failed' });
    const mail = await shop.waitForEmail(order.name, 'Compliance');
    expect(mail.text).toMatch(/contact/i);

    await shop.refund(order.id, 'Cannot ship to CA any more');
    await shop.waitForListing(order.id, 'refunded');
    const shopifyOrder = await shop.shopifyOrder(order.id);
    expect(shopifyOrder.refunds).toHaveLength(1);
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).order.status).toBe('CANCELLED');
    // The order is finished: a second refund is refused, never a second refund.
    await expect(shop.refund(order.id, 'again')).rejects.toMatchObject({ status: 409 });
    expect((await shop.shopifyOrder(order.id)).refunds).toHaveLength(1);
  }, 60_000);

  test('a corrected ship-to address in a permitted state is resent', async () => {
    await shop.setBlockedStates([...blocked, 'CA']);
    const order = await shop.placeOrder({ line_items: [CAB] });
    await shop.waitForListing(order.id, 'needs_attention', 'compliance_failed');
    await shop.updateOrder(order.id, { shipping_address: { address1: '1 Main St', city: 'Portland', province_code: 'OR', zip: '97201' } });
    await shop.waitForListing(order.id, 'submitted');
    await expectOneVinoshipperOrder(order);
  }, 60_000);

  test('cancel instead of refund', async () => {
    await shop.setBlockedStates([...blocked, 'CA']);
    const order = await shop.placeOrder({ line_items: [CAB] });
    await shop.waitForListing(order.id, 'needs_attention', 'compliance_failed');
    await shop.cancel(order.id, 'Customer asked to cancel');
    await shop.waitForListing(order.id, 'cancelled');
    expect((await shop.shopifyOrder(order.id)).refunds).toHaveLength(0);
  }, 60_000);
});

describe('after submission', () => {
  test('approved, shipped with tracking: fulfilled in Shopify and the workflow completes', async () => {
    const order = await placeSubmittedOrder();
    await shop.approveOrder(order.vinoshipperOrderNumber);
    await shop.waitForListing(order.id, 'accepted');
    await shop.shipOrder(order.vinoshipperOrderNumber, '1Z999AA10123456784');
    await shop.waitForListing(order.id, 'fulfilled');
    const shopifyOrder = await shop.shopifyOrder(order.id);
    expect(JSON.stringify(shopifyOrder.fulfillments)).toContain('1Z999AA10123456784');
    // The workflow ends after the write-back (it releases its Vinoshipper alias first): wait for it to end.
    await stack.orders.client.workflow.getHandle(stack.orders.workflowId(order.id)).result();
    expect((await stack.orders.describe(order.id)).status.name).toBe('COMPLETED');
  }, 60_000);

  test('orders/cancelled cancels the Vinoshipper order', async () => {
    const order = await placeSubmittedOrder();
    await shop.cancelOrderInShopify(order.id);
    await shop.waitForListing(order.id, 'cancelled');
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).order.status).toBe('CANCELLED');
  }, 60_000);

  test('cancelled in Shopify after Vinoshipper shipped: needs attention with an explanation', async () => {
    const order = await placeSubmittedOrder();
    await shop.approveOrder(order.vinoshipperOrderNumber);
    await shop.waitForListing(order.id, 'accepted');
    // Shipped, but the webhook hint is lost: the workflow learns it only when it tries to cancel.
    await shop.shipOrder(order.vinoshipperOrderNumber, '1Z0000000000000001', { webhook: false });
    await shop.cancelOrderInShopify(order.id);
    await shop.waitForListing(order.id, 'needs_attention', 'cancellation_failed');
    expect((await shop.status(order.id)).issue?.details).toMatch(/already shipped/);
  }, 60_000);

  test('the sync switch: a tagged order is skipped and nothing is sent', async () => {
    const order = await shop.placeOrder({ line_items: [CAB], tags: ['vinoshipper-skip'] });
    await shop.waitForListing(order.id, 'skipped');
    await expect(shop.vinoshipperOrder(order.vinoshipperOrderNumber)).rejects.toMatchObject({ status: 404 });
  }, 60_000);
});

describe('ops API', () => {
  test('lists orders by status and issue type from visibility', async () => {
    const order = await shop.placeOrder({ line_items: [{ sku: 'NOPE-1', quantity: 1, price: '1.00' }] });
    await shop.waitForListing(order.id, 'needs_attention', 'product_missing');
    const flagged = await shop.list({ status: 'needs_attention' });
    expect(flagged.every((o) => o.status === 'needs_attention')).toBe(true);
    expect(flagged.map((o) => o.shopifyOrderName)).toContain(order.name);
  }, 60_000);

  test('markResolved clears the issue and records the note', async () => {
    const order = await placeSubmittedOrder();
    await shop.flagOrder(order.vinoshipperOrderNumber, 'order_item', 'Label mismatch');
    await shop.waitForListing(order.id, 'needs_attention', 'order_item_issue');
    await shop.resolve(order.id, 'Fixed the label in Vinoshipper by hand');
    const view = await shop.waitForOrder(order.id, 'resolved', (v) => v.status === 'submitted' && !v.issue);
    expect(view.timeline.some((e) => e.message.includes('Fixed the label in Vinoshipper by hand'))).toBe(true);
  }, 60_000);

  test('unknown order → 404; bad body → 400; no token → 401', async () => {
    await expect(shop.status('999999999')).rejects.toMatchObject({ status: 404 });
    await expect(shop.refund('999999999', 'x')).rejects.toMatchObject({ status: 404 });
    const order = await placeSubmittedOrder();
    await expect(shop.refund(order.id, '')).rejects.toMatchObject({ status: 400 });
    const anonymous = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: 'wrong-token-wrong-token' });
    await expect(anonymous.status(order.id)).rejects.toMatchObject({ status: 401 });
  }, 60_000);
});
