// The daily digest end to end on a real dev server: stuck orders found through Temporal visibility,
// one email grouped by cause and oldest first, nothing at all when no order is stuck, and its
// schedule at a local time in the winery's time zone.
import type { Client } from '@temporalio/client';
import { DAILY_DIGEST_SCHEDULE_ID, DAILY_DIGEST_WORKFLOW_TYPE, ISSUE_WORDING, type DailyDigestResult } from '../../domain';
import { StackDriver, type PlacedOrder } from '../../sandbox/driver';
import { ensureDailyDigestSchedule } from '../../worker/schedules';
import { activityQueues } from '../helpers/activity-queues';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
let client: Client;
let run = 0;
beforeAll(async () => {
  stack = await startStack();
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  client = stack.env.client;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** What the schedule starts each day. */
function digestNow(): Promise<DailyDigestResult> {
  return client.workflow.execute(DAILY_DIGEST_WORKFLOW_TYPE, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `${DAILY_DIGEST_SCHEDULE_ID}-test-${++run}`,
    args: [],
  });
}

const digests = async () => (await shop.emails()).filter((e) => e.subject.startsWith('[cellarhand] Daily digest'));

test('no order needs attention: no digest is sent', async () => {
  const result = await digestNow();
  expect(result).toMatchObject({ orders: 0, emailId: null, summary: 'No order needs attention: no digest sent.' });
  expect(await digests()).toHaveLength(0);
});

test('every stuck order in one email, grouped by cause (type and key detail), oldest first; resolved orders left out', async () => {
  const stuck = async (sku: string): Promise<PlacedOrder> => {
    const order = await shop.placeOrder({ line_items: [{ sku, quantity: 1, price: '30.00' }] });
    await shop.waitForListing(order.id, 'needs_attention', 'product_missing');
    return order;
  };
  const first = await stuck('NOPE-1');
  await shop.setProduct('PINOT-2022-750', { inventory: 0 });
  const short = await shop.placeOrder({ line_items: [{ sku: 'PINOT-2022-750', quantity: 2, price: '48.00' }] });
  await shop.waitForListing(short.id, 'needs_attention', 'inventory_unavailable');
  const second = await stuck('NOPE-1');
  // Another SKU is another cause (IssueCause product_missing:NOPE-2), though the same issue type.
  const other = await stuck('NOPE-2');
  const fine = await shop.placeOrder({ line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }] });
  await shop.waitForListing(fine.id, 'submitted');

  const result = await digestNow();
  expect(result).toMatchObject({ orders: 4, groups: 3 });
  const [mail] = await digests();
  expect(mail.subject).toBe('[cellarhand] Daily digest: 4 orders need attention');
  const text = mail.text;
  // Causes in the order of their oldest order, orders oldest first within each.
  const positions = [first.name, second.name, short.name, other.name].map((name) => text.indexOf(name));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions[0]).toBeLessThan(positions[1]);
  expect(positions[1]).toBeLessThan(positions[2]);
  expect(positions[2]).toBeLessThan(positions[3]);
  expect(text.indexOf('SKU NOPE-1 is not in Vinoshipper')).toBeLessThan(text.indexOf('SKU NOPE-2 is not in Vinoshipper'));
  expect(text.indexOf(ISSUE_WORDING.product_missing.steps[0])).toBeLessThan(text.indexOf(ISSUE_WORDING.inventory_unavailable.steps[0]));
  expect(text).not.toContain(fine.name);
  expect(mail.html).toContain(`/orders/${first.id}`);
  // Its email counts against the deployment's Resend budget, like the orders' emails.
  expect(await activityQueues(client, { workflowId: `${DAILY_DIGEST_SCHEDULE_ID}-test-${run}` })).toMatchObject({
    sendDailyDigestEmail: stack.config.orders.taskQueues.email,
  });

  for (const order of [first, short, second, other]) await shop.cancel(order.id, 'test over');
  await shop.setProduct('PINOT-2022-750', { inventory: 36 });
}, 90_000);

test('the schedule fires daily at the configured local time in the configured zone; changes update it, disabled pauses it', async () => {
  expect(await ensureDailyDigestSchedule(client, stack.config)).toBe('created');
  expect(await ensureDailyDigestSchedule(client, stack.config)).toBe('unchanged');
  const schedule = client.schedule.getHandle(DAILY_DIGEST_SCHEDULE_ID);
  const { spec, action } = await schedule.describe();
  expect(spec.timezone).toBe('America/Los_Angeles');
  expect(spec.calendars?.[0].hour).toEqual([{ start: 8, end: 8, step: 1 }]);
  expect(spec.calendars?.[0].minute).toEqual([{ start: 0, end: 0, step: 1 }]);
  expect(action).toMatchObject({ workflowType: DAILY_DIGEST_WORKFLOW_TYPE });

  const later = { ...stack.config, alerts: { ...stack.config.alerts, dailyDigest: { enabled: true, hour: 17, minute: 30, timeZone: 'Europe/Paris' } } };
  expect(await ensureDailyDigestSchedule(client, later)).toBe('updated');
  const updated = await schedule.describe();
  expect(updated.spec.timezone).toBe('Europe/Paris');
  expect(updated.spec.calendars?.[0].hour[0].start).toBe(17);
  expect(updated.spec.calendars?.[0].minute[0].start).toBe(30);
  expect(await ensureDailyDigestSchedule(client, later)).toBe('unchanged');

  const off = { ...later, alerts: { ...later.alerts, dailyDigest: { ...later.alerts.dailyDigest, enabled: false } } };
  expect(await ensureDailyDigestSchedule(client, off)).toBe('paused');
  expect((await schedule.describe()).state.note).toMatch(/DAILY_DIGEST_ENABLED=false/);
}, 60_000);
