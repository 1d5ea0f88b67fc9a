// An order whose workflow cannot run — here workflow code that throws on every task, as a bug would —
// is flagged by Temporal after two failed tasks (the TemporalReportedProblems search attribute,
// turned on for both servers in deploy/temporal-server/dynamicconfig.yaml) and shown where people
// look: at the top of the console's inbox, with its Web UI page, and first in the daily digest.
// Real server: the dev server, or under `npm run test:postgres` the PostgreSQL-backed one.
import { DAILY_DIGEST_SCHEDULE_ID, DAILY_DIGEST_WORKFLOW_TYPE, OrderStatusKey, ShopDomainKey, ShopifyOrderNameKey, type DailyDigestResult } from '../../domain';
import pino from 'pino';
import { Registry } from 'prom-client';
import { orderMetrics } from '../../observability/order-metrics';
import { StackDriver } from '../../sandbox/driver';
import { startFailingOrderWorker, type FailingOrderWorker } from '../helpers/failing-order-worker';
import { request } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const FAILING_ORDER_ID = '9007199254740993'; // past 2^53, as Shopify's ids may be
const FAILING_ORDER_NAME = '#9901';

let stack: Stack;
let shop: StackDriver;
let brokenWorker: FailingOrderWorker;

beforeAll(async () => {
  stack = await startStack();
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  brokenWorker = await startFailingOrderWorker({
    address: stack.config.temporal.address,
    namespace: stack.config.temporal.namespace,
    taskQueue: `${stack.config.temporal.taskQueue}-broken`,
  });
}, 90_000);
afterAll(async () => {
  await stack?.env.client.workflow
    .getHandle(stack.orders.workflowId(FAILING_ORDER_ID))
    .terminate('test over')
    .catch(() => undefined);
  await brokenWorker?.stop();
  await stack?.stop();
});

const url = (path: string) => `${stack.apiUrl}${path}`;

async function signedInCookie(): Promise<string> {
  const form = await fetch(url('/console/sign-in'));
  const csrf = form.headers.get('set-cookie')!.split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(url('/console/sign-in'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf },
    body: new URLSearchParams({ _csrf: token, password: stack.config.api.opsToken, next: '/console' }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

test('an order whose workflow keeps failing is listed first in the inbox (with its Web UI page) and in the daily digest; a stuck order beside it keeps its own group', async () => {
  // An order stuck the ordinary way, beside it.
  const ordinary = await shop.placeOrder({ line_items: [{ sku: 'NOPE-7', quantity: 1, price: '30.00' }] });
  await shop.waitForListing(ordinary.id, 'needs_attention', 'product_missing');

  const workflowId = stack.orders.workflowId(FAILING_ORDER_ID);
  await stack.env.client.workflow.start('orderWorkflow', {
    workflowId,
    taskQueue: `${stack.config.temporal.taskQueue}-broken`,
    typedSearchAttributes: [
      { key: OrderStatusKey, value: 'submitted' },
      { key: ShopDomainKey, value: stack.config.shopify.shopDomain },
      { key: ShopifyOrderNameKey, value: FAILING_ORDER_NAME },
    ],
  });
  const deadline = Date.now() + 60_000;
  let failing = await stack.orders.list({ running: true, workflowTaskFailing: true, limit: 10 });
  while (!failing.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    failing = await stack.orders.list({ running: true, workflowTaskFailing: true, limit: 10 });
  }
  expect(failing.map((o) => [o.workflowId, o.shopifyOrderName])).toEqual([[workflowId, FAILING_ORDER_NAME]]);

  // The worker's gauge, for the operator's alert.
  const registry = new Registry();
  await orderMetrics({ registry, client: stack.env.client, config: stack.config, logger: pino({ level: 'silent' }) }).refresh();
  expect(await registry.getSingleMetricAsString('cellarhand_orders_workflow_failing')).toMatch(/^cellarhand_orders_workflow_failing 1$/m);

  // The console: above the tabs, on every tab; the ordinary stuck order stays in its cause's group.
  const cookie = await signedInCookie();
  const inbox = await (await fetch(url('/console'), { headers: { cookie } })).text();
  const section = /<section class="group card failing"[\s\S]*?<\/section>/.exec(inbox)?.[0] ?? '';
  expect(section).toContain('cellarhand cannot run 1 order: their workflow fails in Temporal');
  expect(section).toContain(`href="/console/orders/${FAILING_ORDER_ID}"`);
  expect(section).toContain(encodeURIComponent(workflowId));
  expect(section).not.toContain(ordinary.name);
  expect(inbox.indexOf(section)).toBeLessThan(inbox.indexOf('SKU NOPE-7 is not in Vinoshipper'));
  // Its own page cannot run its query: it says why, and where to look.
  const page = await fetch(url(`/console/orders/${FAILING_ORDER_ID}`), { headers: { cookie } });
  expect(page.status).toBe(503);
  expect(await page.text()).toMatch(/cellarhand cannot run order 9007199254740993 now: its workflow has failed \d+ times in a row in Temporal/);
  // And the ops API's, the same reason with the workflow to look at.
  const api = await request('GET', url(`/api/orders/${FAILING_ORDER_ID}`), undefined, { authorization: `Bearer ${stack.config.api.opsToken}` });
  expect(api.status).toBe(503);
  expect(api.body).toMatchObject({ error: expect.stringContaining('A developer is needed'), workflowId });
  const submittedTab = await (await fetch(url('/console?status=submitted'), { headers: { cookie } })).text();
  expect(submittedTab).toContain('cellarhand cannot run 1 order');

  // The daily digest: its own group, first, with what to do.
  const result: DailyDigestResult = await stack.env.client.workflow.execute(DAILY_DIGEST_WORKFLOW_TYPE, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `${DAILY_DIGEST_SCHEDULE_ID}-test-failing`,
    args: [],
  });
  expect(result).toMatchObject({ orders: 2, groups: 2 });
  const [digest] = (await shop.emails()).filter((e) => e.subject.startsWith('[cellarhand] Daily digest'));
  const text = digest.text;
  expect(text.indexOf('cellarhand cannot run these orders: their workflow fails in Temporal (1)')).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(FAILING_ORDER_NAME)).toBeLessThan(text.indexOf('SKU NOPE-7 is not in Vinoshipper'));
  expect(text).toContain('open each order’s workflow in the Temporal Web UI');

  await shop.cancel(ordinary.id, 'test over');
}, 120_000);
