// Escalation and slow retries over days of workflow time, without waiting days: the stack runs on
// the time-skipping test server, so `env.sleep('25h')` moves the order's clock.
import { ISSUE_WORDING } from '../../domain';
import type { StackDriver } from '../../sandbox/driver';
import { driverFor, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
beforeAll(async () => {
  stack = await startStack({
    server: 'time-skipping',
    env: { REMINDER_AFTER: '24h', AUTO_REFUND_ENABLED: 'true', AUTO_REFUND_AFTER: '72h', UNREACHABLE_RETRY_INTERVAL: '10m' },
  });
  shop = driverFor(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

test('an issue left open gets one reminder after 24 h, never a second issue email', async () => {
  const order = await shop.placeOrder({ line_items: [{ sku: 'MISSING-SKU', quantity: 1, price: '10.00' }] });
  await shop.waitForOrder(order.id, 'product_missing', (v) => v.issue?.type === 'product_missing');
  await shop.waitForEmail(order.name, ISSUE_WORDING.product_missing.title);

  await stack.env.sleep('23h');
  expect((await shop.emailsAbout(order.name)).map((e) => e.subject)).toEqual([`[Action required] Order ${order.name}: ${ISSUE_WORDING.product_missing.title}`]);

  await stack.env.sleep('2h');
  const reminder = await shop.waitForEmail(order.name, '[Reminder]');
  expect(reminder.text).toContain(ISSUE_WORDING.product_missing.steps[0]);
  const view = await shop.status(order.id);
  expect(view.status).toBe('needs_attention');
  expect(view.timeline.filter((e) => e.event === 'reminder_due')).toHaveLength(1);
  // Re-checks kept running (every 30 min) without another issue email.
  expect(view.timeline.filter((e) => e.event === 'issue_raised')).toHaveLength(1);
  expect((await shop.emailsAbout(order.name)).filter((e) => e.subject.startsWith('[Action required]'))).toHaveLength(1);

  // Finish it, so its re-checks don't use up the faults injected by the tests below.
  await shop.cancel(order.id, 'test over');
  await shop.waitForOrder(order.id, 'cancelled', (v) => v.status === 'cancelled');
}, 60_000);

test('compliance_failed with auto-refund on: reminder, then one automatic refund', async () => {
  const { blockedStates } = await shop.blockedStates();
  await shop.setBlockedStates([...blockedStates, 'CA']);
  try {
    const order = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] });
    await shop.waitForOrder(order.id, 'compliance_failed', (v) => v.issue?.type === 'compliance_failed');

    await stack.env.sleep('25h');
    const reminder = await shop.waitForEmail(order.name, '[Reminder]');
    expect(reminder.text).toMatch(/refund the order automatically after 72 h/);
    expect((await shop.shopifyOrder(order.id)).refunds).toHaveLength(0);

    await stack.env.sleep('73h');
    const view = await shop.waitForOrder(order.id, 'refunded', (v) => v.status === 'refunded');
    expect(view.timeline.some((e) => e.event === 'auto_refund')).toBe(true);
    expect((await shop.shopifyOrder(order.id)).refunds).toHaveLength(1);
    expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).order.status).toBe('CANCELLED');
  } finally {
    await shop.setBlockedStates(blockedStates);
  }
}, 60_000);

test('Vinoshipper down: retried inside the activity, then flagged, then synced by itself', async () => {
  // Enough failures to exhaust the activity's 5 attempts, and a few of the workflow's slow retries.
  await shop.injectVinoshipperFaults({ mode: 'unavailable', count: 7 });
  const order = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] });
  // Move the clock through the activity's backoff (1 s, 2 s, 4 s, 8 s) as the attempts happen.
  const flagged = await shop.poll('vinoshipper_unreachable', async () => {
    await stack.env.sleep('5s');
    const view = await shop.status(order.id).catch(() => null);
    return view?.issue?.type === 'vinoshipper_unreachable' ? view : null;
  });
  expect(flagged.issue?.details).toMatch(/try again automatically/);
  await shop.waitForEmail(order.name, ISSUE_WORDING.vinoshipper_unreachable.title);

  await stack.env.sleep('11m');
  const synced = await shop.waitForOrder(order.id, 'submitted', (v) => v.status === 'submitted');
  expect(synced.issue).toBeNull();
  expect((await shop.vinoshipperOrder(order.vinoshipperOrderNumber)).submissions).toBe(1);
  expect((await shop.emailsAbout(order.name)).filter((e) => e.subject.startsWith('[Action required]'))).toHaveLength(1);
}, 60_000);
