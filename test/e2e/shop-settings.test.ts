// The shop's sync switch and install time, through the ops API on the real stack: orders arriving
// while sync is off are skipped and resume when it is turned back on; an order placed before the
// install is never sent, even when an update about it arrives later.
import type { StackDriver } from '../../sandbox/driver';
import { request } from '../helpers/http';
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
const ops = () => ({ authorization: `Bearer ${stack.config.api.opsToken}` });

test('the settings show the switch, the skip tag and the install time; a bad body is refused', async () => {
  const settings = await request('GET', `${stack.apiUrl}/api/settings`, undefined, ops());
  expect(settings.status).toBe(200);
  expect(settings.body).toMatchObject({ syncEnabled: true, excludeTag: 'vinoshipper-skip', changedAt: null });
  expect(Date.parse(settings.body.installedAt)).toBeLessThanOrEqual(Date.now());
  expect(settings.body.ordersCreatedAfter).toBe(settings.body.installedAt);
  expect((await request('PUT', `${stack.apiUrl}/api/settings`, { syncEnabled: 'yes' }, ops())).status).toBe(400);
  expect((await request('PUT', `${stack.apiUrl}/api/settings`, { syncEnabled: false })).status).toBe(401);
}, 30_000);

test('sync off: new orders are skipped; back on: they resume and reach Vinoshipper', async () => {
  const off = await request('PUT', `${stack.apiUrl}/api/settings`, { syncEnabled: false, by: 'test' }, ops());
  expect(off.body).toMatchObject({ syncEnabled: false, changedBy: 'test' });
  // The API reads the switch at most a few seconds old: wait until a new order sees it.
  let skipped: { id: string; vinoshipperOrderNumber: string } | null = null;
  for (let i = 0; i < 20 && !skipped; i++) {
    const order = await shop.placeOrder({ line_items: [CAB] });
    const view = await shop.waitForOrder(order.id, 'a decision', (v) => v.status === 'skipped' || v.status === 'submitted');
    if (view.status === 'skipped') skipped = order;
    else await new Promise((r) => setTimeout(r, 500));
  }
  expect(skipped).not.toBeNull();
  await expect(shop.vinoshipperOrder(skipped!.vinoshipperOrderNumber)).rejects.toMatchObject({ status: 404 });

  const on = await request('PUT', `${stack.apiUrl}/api/settings`, { syncEnabled: true, by: 'test' }, ops());
  expect(on.body).toMatchObject({ syncEnabled: true });
  const view = await shop.waitForOrder(skipped!.id, 'resumed and submitted', (v) => v.status === 'submitted');
  expect(view.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['skipped', 'sync_resumed', 'resumed', 'submitted']));
}, 60_000);

test('an order placed before the install (an import keeps its date in processed_at) is never sent, even when an update arrives', async () => {
  const order = await shop.placeOrder({ line_items: [CAB], processed_at: '2024-01-15T10:00:00Z' }, { webhook: false });
  await shop.updateOrder(order.id, { note: 'edited long after' }); // the orders/updated webhook reaches cellarhand first
  const view = await shop.waitForOrder(order.id, 'skipped', (v) => v.status === 'skipped');
  expect(view.timeline.find((e) => e.event === 'skipped')?.message).toMatch(/before the sync cut-off/);
  await expect(shop.vinoshipperOrder(order.vinoshipperOrderNumber)).rejects.toMatchObject({ status: 404 });
}, 30_000);
