// `npm run doctor` against a real stack (dev server, API, sandbox over HTTP): everything passes when
// healthy; breaking one part at a time fails that row, with its fix, and nothing else.
import { createServer } from 'node:net';
import { msToTs } from '@temporalio/common/lib/time';
import { runDoctor } from '../../scripts/doctor/run';
import type { DoctorRow } from '../../scripts/doctor/rows';
import { request } from '../helpers/http';
import { runScript } from '../helpers/scripts';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => stack.sandbox.reset()); // the app, subscriptions and domains as they were

/** The environment an operator would put in .env to point the doctor at this stack. */
function env(overrides: Record<string, string> = {}): Record<string, string> {
  const c = stack.config;
  return {
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: c.temporal.address,
    TEMPORAL_NAMESPACE: c.temporal.namespace,
    CELLARHAND_API_URL: c.api.publicUrl,
    SANDBOX_PORT: String(c.sandbox.port),
    SHOPIFY_ADMIN_API_URL: c.shopify.adminApiUrl,
    VINOSHIPPER_API_URL: c.vinoshipper.apiUrl,
    RESEND_BASE_URL: c.email.resendBaseUrl,
    ...overrides,
  };
}

function row(rows: DoctorRow[], check: string): DoctorRow {
  const found = rows.find((r) => r.check === check);
  if (!found) throw new Error(`no row ${check}: ${JSON.stringify(rows)}`);
  return found;
}

function failedChecks(rows: DoctorRow[]): string[] {
  return rows.filter((r) => r.status === 'fail').map((r) => r.check);
}

test('a healthy stack passes every check (the public URL is local, so skipped)', async () => {
  const rows = await runDoctor(env());
  expect(failedChecks(rows)).toEqual([]);
  expect(rows.map((r) => [r.check, r.status])).toEqual([
    ['Configuration', 'pass'],
    ['Temporal server', 'pass'],
    ['Temporal namespace', 'pass'],
    ['Search attributes', 'pass'],
    ['Shopify access token', 'pass'],
    ['Shopify access scopes', 'pass'],
    ['Shopify webhooks', 'pass'],
    ['Vinoshipper', 'pass'],
    ['Resend', 'pass'],
    ['Public webhook URL', 'skip'],
  ]);
  expect(row(rows, 'Search attributes').detail).toMatch(/all 6 registered/);
});

test('the legacy token passes the Shopify checks too', async () => {
  const rows = await runDoctor(env({ SHOPIFY_ADMIN_API_TOKEN: 'shpat_sandbox' }));
  expect(failedChecks(rows)).toEqual([]);
  expect(row(rows, 'Shopify access token').detail).toMatch(/legacy SHOPIFY_ADMIN_API_TOKEN accepted/);
});

test('a configuration that does not parse fails first and skips the rest', async () => {
  const rows = await runDoctor(env({ NODE_ENV: 'production' }));
  expect(failedChecks(rows)).toEqual(['Configuration']);
  expect(row(rows, 'Configuration').detail).toMatch(/VINOSHIPPER_ORDER_PREFIX/);
  expect(rows.slice(1).every((r) => r.status === 'skip')).toBe(true);
});

test('wrong client secret', async () => {
  const rows = await runDoctor(env({ SHOPIFY_CLIENT_ID: 'sandbox-client-id', SHOPIFY_CLIENT_SECRET: 'not-the-secret' }));
  expect(failedChecks(rows)).toEqual(['Shopify access token']);
  expect(row(rows, 'Shopify access token').fix).toMatch(/Dev Dashboard → your app → Settings into SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/);
  expect(row(rows, 'Shopify access scopes').status).toBe('skip');
});

test('the app uninstalled from the store', async () => {
  await request('PATCH', `${stack.sandboxUrl}/sandbox/shopify/app`, { installed: false });
  const rows = await runDoctor(env());
  expect(failedChecks(rows)).toEqual(['Shopify access token']);
  expect(row(rows, 'Shopify access token').fix).toMatch(/Install the app/);
});

test('a missing scope', async () => {
  await request('PATCH', `${stack.sandboxUrl}/sandbox/shopify/app`, { scopes: ['write_orders', 'read_products'] });
  const rows = await runDoctor(env());
  expect(failedChecks(rows)).toEqual(['Shopify access scopes']);
  expect(row(rows, 'Shopify access scopes').detail).toMatch(/missing write_merchant_managed_fulfillment_orders/);
  expect(row(rows, 'Shopify access scopes').fix).toMatch(/Add write_merchant_managed_fulfillment_orders to the app's access scopes/);
});

test('a missing webhook subscription, then npm run shopify:webhooks puts it back', async () => {
  await request('DELETE', `${stack.sandboxUrl}/sandbox/shopify/webhook-subscriptions?topic=orders/paid`);
  const rows = await runDoctor(env());
  expect(failedChecks(rows)).toEqual(['Shopify webhooks']);
  expect(row(rows, 'Shopify webhooks').detail).toMatch(/for orders\/paid/);
  expect(row(rows, 'Shopify webhooks').fix).toMatch(/npm run shopify:webhooks/);

  const run = await runScript('scripts/shopify-webhooks.ts', [], env());
  expect(run.status).toBe(0);
  expect(failedChecks(await runDoctor(env()))).toEqual([]);
}, 60_000);

test('subscriptions declared in shopify.app.toml: the file must point at CELLARHAND_API_URL', async () => {
  const rows = await runDoctor(env({ SHOPIFY_WEBHOOK_SUBSCRIPTIONS: 'toml' }));
  expect(failedChecks(rows)).toEqual(['Shopify webhooks']);
  expect(row(rows, 'Shopify webhooks').detail).toMatch(/does not deliver to .*orders\/create → https:\/\/cellarhand.example.com\/webhooks\/shopify/);
  expect(row(rows, 'Shopify webhooks').fix).toMatch(/npm run shopify:toml/);
});

test('bad Vinoshipper credentials', async () => {
  const rows = await runDoctor(env({ VINOSHIPPER_API_SECRET: 'not-the-secret' }));
  expect(failedChecks(rows)).toEqual(['Vinoshipper']);
  expect(row(rows, 'Vinoshipper').fix).toMatch(/VINOSHIPPER_API_KEY and VINOSHIPPER_API_SECRET/);
});

test('an unverified Resend domain, and a wrong Resend key', async () => {
  await request('POST', `${stack.sandboxUrl}/sandbox/resend/domains`, { name: 'cellarhand.example', status: 'pending' });
  let rows = await runDoctor(env());
  expect(failedChecks(rows)).toEqual(['Resend']);
  expect(row(rows, 'Resend').detail).toMatch(/cellarhand.example is pending/);
  expect(row(rows, 'Resend').fix).toMatch(/DNS records/);

  rows = await runDoctor(env({ RESEND_API_KEY: 're_wrong' }));
  expect(row(rows, 'Resend')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/RESEND_API_KEY/) });
});

test('Temporal down', async () => {
  const rows = await runDoctor(env({ TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` }));
  expect(failedChecks(rows)).toEqual(['Temporal server']);
  expect(row(rows, 'Temporal server').fix).toMatch(/npm start/);
  expect(row(rows, 'Search attributes').status).toBe('skip');
}, 30_000);

test('a namespace that does not exist', async () => {
  const rows = await runDoctor(env({ TEMPORAL_NAMESPACE: 'no-such-namespace' }));
  expect(failedChecks(rows)).toEqual(['Temporal namespace']);
  expect(row(rows, 'Temporal namespace').fix).toMatch(/temporal operator namespace create --namespace no-such-namespace/);
});

test('missing search attributes fail with their fix, and --fix registers them', async () => {
  // A fresh namespace has none of cellarhand's attributes.
  const namespace = `doctor-${Date.now()}`;
  await stack.env.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const before = await runDoctor(env({ TEMPORAL_NAMESPACE: namespace }));
  expect(failedChecks(before)).toEqual(['Search attributes']);
  expect(row(before, 'Search attributes').detail).toMatch(
    /missing in doctor-\d+: OrderStatus, IssueType, ShopDomain, ShopifyOrderName, VinoshipperOrderNumber, IssueCause/,
  );
  expect(row(before, 'Search attributes').fix).toMatch(/npm run doctor -- --fix/);

  const fixed = await runDoctor(env({ TEMPORAL_NAMESPACE: namespace }), { fix: true });
  expect(row(fixed, 'Search attributes')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/registered now/) });
  expect(failedChecks(await runDoctor(env({ TEMPORAL_NAMESPACE: namespace })))).toEqual([]);
}, 30_000);

test('a public URL that does not answer', async () => {
  const rows = await runDoctor(env({ CELLARHAND_API_URL: 'https://cellarhand-doctor.invalid' }));
  expect(row(rows, 'Public webhook URL')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/reach this API from the internet/) });
});

test('npm run doctor prints the table and exits 0 when healthy, 1 when a check fails', async () => {
  const healthy = await runScript('scripts/doctor.ts', [], env());
  expect(healthy.status).toBe(0);
  expect(healthy.stdout).toMatch(/Shopify access token\s+ok\s+client credentials/);
  expect(healthy.stdout).toMatch(/All checks passed/);

  const broken = await runScript('scripts/doctor.ts', [], env({ VINOSHIPPER_API_KEY: 'nobody' }));
  expect(broken.status).toBe(1);
  expect(broken.stdout).toMatch(/Vinoshipper\s+FAIL/);
  expect(broken.stdout).toMatch(/fix: Check VINOSHIPPER_API_KEY/);
  expect(broken.stdout).toMatch(/1 of 10 checks failed/);
}, 60_000);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
