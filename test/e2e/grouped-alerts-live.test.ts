// ALERT_MODE=grouped on the real dev server, in real time with a 20-second window: a worker restart
// mid-window, and the ops API's view of the digest (what waits, send now).
import { stillOpenQuery } from '../../activities/alerts';
import { orderWorkflowId } from '../../domain';
import { StackDriver } from '../../sandbox/driver';
import { SCENARIOS } from '../../scripts/scenarios/catalogue';
import { Rehearsal } from '../../scripts/scenarios/rehearsal';
import { emailsMentioning, placeBlockedOrders } from '../helpers/alerts';
import { request, waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
let auth: Record<string, string>;
beforeAll(async () => {
  stack = await startStack({ env: { ALERT_MODE: 'grouped', ALERT_GROUP_WINDOW: '20s' } });
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 45_000 });
  auth = { authorization: `Bearer ${stack.config.api.opsToken}` };
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

test('before any alert the ops API says no digest runs; both routes want the ops token', async () => {
  expect((await request('GET', `${stack.apiUrl}/api/alerts`, undefined, auth)).body).toMatchObject({ mode: 'grouped', running: false, groups: [] });
  expect((await request('POST', `${stack.apiUrl}/api/alerts/send-now`, undefined, auth)).body).toMatchObject({ requested: false });
  expect((await request('GET', `${stack.apiUrl}/api/alerts`)).status).toBe(401);
  expect((await request('POST', `${stack.apiUrl}/api/alerts/send-now`, undefined, { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
});

test('a worker restart mid-window neither loses nor duplicates the grouped email', async () => {
  const five = await placeBlockedOrders(shop, { sku: 'GONE-7', quantity: 1, price: '30.00' }, 5);
  const { body } = await request('GET', `${stack.apiUrl}/api/alerts`, undefined, auth);
  const group = body.groups.find((g: any) => g.pendingOrders.length);
  expect(group.pendingOrders.sort()).toEqual(five.map((o) => o.name).sort());
  expect(Date.parse(group.sendsAt)).toBeGreaterThan(Date.now());

  // The window is open, its timer in Temporal; the worker and its cached workflows go away.
  await stack.restartWorker();
  expect(await emailsMentioning(shop, 'GONE-7')).toHaveLength(0);

  const [mail] = await waitFor(
    'the grouped email after the restart',
    async () => {
      const found = await emailsMentioning(shop, 'GONE-7');
      return found.length ? found : null;
    },
    45_000,
  );
  expect(mail.subject).toMatch(/^\[Action required\] 5 orders: /);
  for (const order of five) expect(mail.text).toContain(order.name);
  // Long enough for a duplicate to show: a retried send or a second timer would have sent by now.
  await new Promise((r) => setTimeout(r, 3_000));
  expect(await emailsMentioning(shop, 'GONE-7')).toHaveLength(1);
  for (const order of five) await shop.waitForOrder(order.id, 'the merchant told', (v) => v.timeline.some((e) => e.event === 'merchant_told'));

  // What the digest asks before it forgets a cause: which of its orders are still stuck.
  const ids = five.map((o) => orderWorkflowId(stack.config.shopify.shopDomain, o.id));
  const stillOpen = async () => {
    const open: string[] = [];
    for await (const wf of stack.env.client.workflow.list({ query: stillOpenQuery([...ids, 'order:elsewhere:1']) })) open.push(wf.workflowId);
    return open.sort();
  };
  expect(await stillOpen()).toEqual([...ids].sort());
  await shop.cancel(five[0].id, 'test over');
  await waitFor('the cancelled order to leave the list', async () => (await stillOpen()).length === 4);
}, 90_000);

test('send now: the pending email goes out before its window ends', async () => {
  await shop.setProduct('PINOT-2022-750', { inventory: 0 });
  const [order] = await placeBlockedOrders(shop, { sku: 'PINOT-2022-750', quantity: 1, price: '48.00' }, 1);
  const asked = await request('POST', `${stack.apiUrl}/api/alerts/send-now`, undefined, auth);
  expect(asked.status).toBe(202);
  const mail = await shop.waitForEmail(order.name, 'Inventory is unavailable in Vinoshipper');
  // A group of one reads exactly like the per-order email.
  expect(mail.subject).toBe(`[Action required] Order ${order.name}: Inventory is unavailable in Vinoshipper`);
  const { body } = await request('GET', `${stack.apiUrl}/api/alerts`, undefined, auth);
  expect(body.recent.some((e: any) => e.orders.includes(order.name) && e.emailId)).toBe(true);
  await shop.setProduct('PINOT-2022-750', { inventory: 36 });
  await shop.cancel(order.id, 'test over');
}, 60_000);

describe('the rehearsals of `npm run scenario`', () => {
  const plain = { ok: (t: string) => t, bad: (t: string) => t, dim: (t: string) => t };

  async function rehearse(name: string): Promise<{ result: string; printed: string[] }> {
    const printed: string[] = [];
    const scenario = SCENARIOS.find((s) => s.name === name)!;
    const rehearsal = new Rehearsal(
      shop,
      {
        apiUrl: stack.apiUrl,
        sandboxUrl: stack.sandboxUrl,
        stepTimeoutMs: 30_000,
        unreachableRetryIntervalMs: stack.config.orders.unreachableRetryIntervalMs,
        issueRecheckIntervalMs: stack.config.orders.recheckBackoffMs[0],
      },
      (line) => printed.push(line),
      plain,
    );
    try {
      return { result: await scenario.run(rehearsal), printed };
    } finally {
      expect(await rehearsal.restore()).toEqual([]);
    }
  }

  test('club-release: 20 orders, one email naming all 20, all submitted after the fix', async () => {
    const { result, printed } = await rehearse('club-release');
    expect(result).toBe('20 orders, 1 email, all submitted');
    // Grouped by issue type until the order workflow sets the SKU in its cause: then a follow-up to this file's earlier product_missing email.
    expect(printed.join('\n')).toMatch(/Email to the merchant: “\[Action required\] 20 (more )?orders: .*”, naming all 20 orders/);
  }, 120_000);

  test('catalogue-mismatch: found and emailed before any order, resolved once Vinoshipper has it', async () => {
    const { result, printed } = await rehearse('catalogue-mismatch');
    expect(result).toMatch(/^submitted \(CH-\d+-\d+\)$/);
    const out = printed.join('\n');
    expect(out).toContain('Found: missing in vinoshipper — SKU MALBEC-2022-750 (Reserve Malbec 2022); no order is stuck on it yet.');
    expect(out).toMatch(/Email to the merchant: “\[cellarhand\] Catalogue check: (SKU problem: MALBEC-2022-750|\d+ new SKU problems)”/);
    expect(out).toContain('MALBEC-2022-750 is marked resolved.');
  }, 120_000);

  test('a per-order rehearsal in grouped mode asks the digest to send now and shows the email', async () => {
    const { printed } = await rehearse('product-missing');
    const out = printed.join('\n');
    expect(out).toContain('the rehearsal asks the digest to send now');
    expect(out).toMatch(/Email to the merchant \(to winery@cellarhand.example\): “\[Action required\] (Order #\d+|1 more order): /);
  }, 120_000);
});
