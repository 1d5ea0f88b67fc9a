// ALERT_MODE=grouped end to end on the time-skipping server: real order workflows, the real digest
// workflow, the real activities and the Resend sandbox, with the 10-minute window passing at once.
// A club release with a SKU Vinoshipper does not know: 20 orders, one email.
// The cause is the order's `issue.cause`: the issue type plus its key detail (the SKU) once the order
// workflow sets it, the issue type alone before; the assertions hold for both.
import { StackDriver } from '../../sandbox/driver';
import { emailsMentioning, placeBlockedOrders } from '../helpers/alerts';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
beforeAll(async () => {
  stack = await startStack({ server: 'time-skipping', env: { ALERT_MODE: 'grouped', ALERT_GROUP_WINDOW: '10m' } });
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

test('20 orders blocked by the same missing SKU in the window: exactly one email naming all 20; a 21st after it: one follow-up', async () => {
  const twenty = await placeBlockedOrders(shop, { sku: 'NOPE-3', quantity: 1, price: '30.00' }, 20);
  expect(await shop.emails()).toHaveLength(0);
  for (const order of twenty) expect((await shop.status(order.id)).status).toBe('needs_attention');

  await stack.env.sleep('9m');
  // Nudge the clock past the window's end; the email's activity runs in real time.
  const [mail] = await shop.poll('the grouped email', async () => {
    await stack.env.sleep('20s');
    const found = await emailsMentioning(shop, 'NOPE-3');
    return found.length ? found : null;
  });
  expect(mail.subject).toMatch(/^\[Action required\] 20 orders: (SKU NOPE-3 is not in Vinoshipper|A product on this order does not exist in Vinoshipper)$/);
  for (const order of twenty) {
    expect(mail.text).toContain(order.name);
    expect(mail.html).toContain(`/orders/${order.id}`);
  }
  expect(mail.text).toContain('Open the order in Shopify and review the product details (SKU).');
  expect(mail.text).toContain('SKU NOPE-3 is not in Vinoshipper');
  expect(await shop.emails()).toHaveLength(1);

  // Every order's own timeline records that the merchant was told, in that one email.
  for (const order of twenty) {
    const view = await shop.waitForOrder(order.id, 'the merchant told', (v) => v.timeline.some((e) => e.event === 'merchant_told'));
    expect(view.timeline.find((e) => e.event === 'merchant_told')?.message).toContain('one email for 20 orders with the same cause');
  }

  const [late] = await placeBlockedOrders(shop, { sku: 'NOPE-3', quantity: 1, price: '30.00' }, 1);
  await stack.env.sleep('9m');
  const followUp = await shop.poll('the follow-up', async () => {
    await stack.env.sleep('20s');
    return (await emailsMentioning(shop, 'NOPE-3')).find((e) => e.subject.includes('more order')) ?? null;
  });
  expect(followUp.subject).toMatch(/^\[Action required\] 1 more order: /);
  expect(followUp.text).toContain(late.name);
  expect(followUp.text).toContain('the 20 orders in our earlier email');
  expect(followUp.text).toContain(`/orders/${late.id}`);
  expect(twenty.some((order) => followUp.text.includes(`/orders/${order.id}`))).toBe(false);
  expect(await emailsMentioning(shop, 'NOPE-3')).toHaveLength(2);
}, 120_000);
