// The catalogue check end to end on a real dev server: the sandbox store's products through the Admin
// GraphQL API, Vinoshipper's product list, the check workflow, its email in the Resend sandbox, and
// the ops API (POST runs it now, GET shows the latest). Before any order exists, and with one stuck.
import type { Client } from '@temporalio/client';
import { CATALOG_CHECK_SCHEDULE_ID, type CatalogCheckReport } from '../../domain';
import { StackDriver } from '../../sandbox/driver';
import { ensureCatalogCheckSchedule } from '../../worker/schedules';
import { activityQueues } from '../helpers/activity-queues';
import { request, waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let shop: StackDriver;
let client: Client;
let auth: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  client = stack.env.client;
  auth = { authorization: `Bearer ${stack.config.api.opsToken}` };
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const putShopifyProduct = (sku: string, body: Record<string, unknown>) => request('PUT', `${stack.sandboxUrl}/sandbox/shopify/products/${sku}`, body);
const deleteShopifyProduct = (sku: string) => request('DELETE', `${stack.sandboxUrl}/sandbox/shopify/products/${sku}`);

async function checkNow(): Promise<CatalogCheckReport> {
  const res = await request('POST', `${stack.apiUrl}/api/catalog/check?wait=30`, undefined, auth);
  if (res.status !== 200) throw new Error(`POST /api/catalog/check answered ${res.status}: ${JSON.stringify(res.body)}`);
  // The next check compares with this one: wait until visibility lists it as completed.
  await waitFor('the check to be the latest', async () => (await latest())?.checkedAt === res.body.report.checkedAt);
  return res.body.report;
}

async function latest(): Promise<CatalogCheckReport | null> {
  return (await request('GET', `${stack.apiUrl}/api/catalog/check`, undefined, auth)).body.latest;
}

const catalogueEmails = async () => (await shop.emails()).filter((e) => e.subject.startsWith('[cellarhand] Catalogue check'));

test('a fresh sandbox has no mismatch: nothing to email', async () => {
  expect(await latest()).toBeNull();
  const report = await checkNow();
  expect(report.mismatches).toEqual([]);
  expect(report.shopifyVariants).toBe(5);
  expect(report.emailId).toBeNull();
  expect(await catalogueEmails()).toHaveLength(0);
}, 60_000);

test('a Shopify product whose SKU is not in Vinoshipper: reported and emailed once before any order; resolved once Vinoshipper has it', async () => {
  expect(await shop.list()).toEqual([]); // no order exists
  await putShopifyProduct('MERLOT-2020-750', { title: 'Estate Merlot 2020' });

  const found = await checkNow();
  expect(found.newKeys).toEqual(['missing_in_vinoshipper:MERLOT-2020-750']);
  expect(found.mismatches[0]).toMatchObject({ kind: 'missing_in_vinoshipper', sku: 'MERLOT-2020-750', nearMatch: null, blockedOrders: [] });
  expect(found.mismatches[0].variants[0].productTitle).toBe('Estate Merlot 2020');
  expect(found.emailId).not.toBeNull();
  const [mail] = await catalogueEmails();
  expect(mail.subject).toBe('[cellarhand] Catalogue check: SKU problem: MERLOT-2020-750');
  expect(mail.text).toContain('Shopify sells a SKU that Vinoshipper does not know');
  expect(mail.text).toContain('Estate Merlot 2020');
  expect(mail.html).toContain('admin.shopify.com/store/cellarhand-demo/products/');
  // Its Vinoshipper read and its email count against the deployment's budgets, like the orders' calls.
  const { vinoshipper, email } = stack.config.orders.taskQueues;
  expect(await activityQueues(client, { workflowType: 'catalogCheckWorkflow' })).toMatchObject({
    inspectCatalog: vinoshipper,
    sendCatalogCheckEmail: email,
    previousCatalogCheck: stack.config.temporal.taskQueue,
  });

  // Still open on the next run: not emailed again.
  const again = await checkNow();
  expect(again.newKeys).toEqual([]);
  expect(again.mismatches.map((m) => m.key)).toEqual(['missing_in_vinoshipper:MERLOT-2020-750']);
  expect(again.mismatches[0].firstSeenAt).toBe(found.mismatches[0].firstSeenAt);
  expect(again.emailId).toBeNull();
  expect(await catalogueEmails()).toHaveLength(1);

  // The merchant adds the wine in Vinoshipper: the next run marks it resolved.
  await shop.setProduct('MERLOT-2020-750', { name: 'Estate Merlot 2020', inventory: 48 });
  const resolved = await checkNow();
  expect(resolved.mismatches).toEqual([]);
  expect(resolved.resolved.map((m) => m.key)).toEqual(['missing_in_vinoshipper:MERLOT-2020-750']);
  expect(resolved.summary).toMatch(/no SKU problem, 1 resolved since the last check/);
  expect(await catalogueEmails()).toHaveLength(1);
  expect(await latest()).toMatchObject({ checkedAt: resolved.checkedAt });
}, 90_000);

test('a near match, a variant without SKU, a sold-out wine, an excluded product; an order stuck on the SKU is linked', async () => {
  await putShopifyProduct('cab-2021-750', { title: 'Cabernet (typo)' });
  await putShopifyProduct('PINOT-2022-750', {
    title: 'Pinot Noir',
    variants: [
      { sku: 'PINOT-2022-750', title: 'Bottle' },
      { sku: null, title: 'Magnum' },
    ],
  });
  await putShopifyProduct('TASTING-FEE', { title: 'Tasting fee', tags: ['vinoshipper-skip'] });
  await shop.setProduct('ROSE-2023-750', { inventory: 0 });
  const order = await shop.placeOrder({ line_items: [{ sku: 'cab-2021-750', quantity: 1, price: '42.00' }] });
  await shop.waitForListing(order.id, 'needs_attention', 'product_missing');

  const before = (await catalogueEmails()).length;
  const report = await checkNow();
  const byKind = Object.fromEntries(report.mismatches.map((m) => [m.kind, m]));
  expect(report.newKeys.sort()).toEqual(
    [
      'missing_in_vinoshipper:cab-2021-750',
      'sold_out_in_vinoshipper:ROSE-2023-750',
      `variant_without_sku:${byKind.variant_without_sku.variants[0].variantId}`,
    ].sort(),
  );
  expect(byKind.missing_in_vinoshipper.nearMatch).toEqual({ sku: 'CAB-2021-750', differsIn: 'letter case' });
  expect(byKind.missing_in_vinoshipper.blockedOrders).toEqual([
    { shopifyOrderId: order.id, shopifyOrderName: order.name, workflowId: expect.stringContaining(order.id) },
  ]);
  expect(byKind.variant_without_sku.variants[0]).toMatchObject({ productTitle: 'Pinot Noir', variantTitle: 'Magnum' });
  expect(report.skippedProducts).toBe(1);
  expect(report.mismatches.some((m) => m.variants.some((v) => v.productTitle === 'Tasting fee'))).toBe(false);

  const emails = await catalogueEmails();
  expect(emails).toHaveLength(before + 1);
  const mail = emails[emails.length - 1];
  expect(mail.subject).toBe('[cellarhand] Catalogue check: 3 new SKU problems');
  expect(mail.text).toContain('Vinoshipper has “CAB-2021-750” (differs only in letter case)');
  expect(mail.text).toContain(order.name);
  expect(mail.text).toContain('Vinoshipper has no inventory of a wine Shopify still sells');
  expect(mail.text).toContain('A Shopify variant has no SKU');

  await Promise.all([
    deleteShopifyProduct('cab-2021-750'),
    deleteShopifyProduct('TASTING-FEE'),
    putShopifyProduct('PINOT-2022-750', { variants: [{ sku: 'PINOT-2022-750' }] }),
  ]);
  await shop.setProduct('ROSE-2023-750', { inventory: 200 });
  await shop.cancel(order.id, 'test over');
}, 90_000);

test('the ops API wants its token and a sensible wait', async () => {
  expect((await request('GET', `${stack.apiUrl}/api/catalog/check`)).status).toBe(401);
  expect((await request('POST', `${stack.apiUrl}/api/catalog/check`)).status).toBe(401);
  const bad = await request('POST', `${stack.apiUrl}/api/catalog/check?wait=forever`, undefined, auth);
  expect(bad.status).toBe(400);
  expect(bad.body.problems[0]).toMatch(/^wait: /);
  // wait=0: answered at once, the check goes on and shows up in GET.
  const latestCheckedAt = async () => (await request('GET', `${stack.apiUrl}/api/catalog/check`, undefined, auth)).body.latest?.checkedAt ?? null;
  const before = await latestCheckedAt();
  const started = await request('POST', `${stack.apiUrl}/api/catalog/check?wait=0`, undefined, auth);
  expect([200, 202]).toContain(started.status);
  if (started.status === 202) expect(started.body).toMatchObject({ running: true, workflowId: 'cellarhand-catalog-check-now' });
  await waitFor('the on-demand check to show up in GET', async () => {
    const latest = await latestCheckedAt();
    return latest !== null && latest !== before;
  });
}, 60_000);

test('the schedule: created with its first run at once, every CATALOG_CHECK_INTERVAL; disabled pauses it', async () => {
  expect(await ensureCatalogCheckSchedule(client, stack.config)).toBe('created');
  expect(await ensureCatalogCheckSchedule(client, stack.config)).toBe('unchanged');
  const schedule = client.schedule.getHandle(CATALOG_CHECK_SCHEDULE_ID);
  const description = await schedule.describe();
  expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 6 * 3_600_000 })]);
  expect(description.action).toMatchObject({ workflowType: 'catalogCheckWorkflow', taskQueue: stack.config.temporal.taskQueue });
  const run = await waitFor('the first scheduled run', async () => (await schedule.describe()).info.recentActions[0]);
  await client.workflow.getHandle(run.action.workflow.workflowId, run.action.workflow.firstExecutionRunId).result();

  const off = { ...stack.config, catalogCheck: { ...stack.config.catalogCheck, enabled: false } };
  expect(await ensureCatalogCheckSchedule(client, off)).toBe('paused');
  expect((await schedule.describe()).state.note).toMatch(/CATALOG_CHECK_ENABLED=false/);
  const hourly = { ...stack.config, catalogCheck: { ...stack.config.catalogCheck, intervalMs: 3_600_000 } };
  expect(await ensureCatalogCheckSchedule(client, hourly)).toBe('updated');
  expect((await schedule.describe()).state.paused).toBe(false);
}, 60_000);
