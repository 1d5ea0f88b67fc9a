// The sandbox's state file: what `npm start` relies on so that a restart continues with the same
// Shopify store, Vinoshipper account and sent emails instead of colliding with live workflows.
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, sandboxServiceUrls, type Config } from '../../config';
import { EmailClient } from '../../integrations/email/client';
import { VinoshipperClient } from '../../integrations/vinoshipper/client';
import { toVinoshipperOrder } from '../../integrations/vinoshipper/mapping';
import { createSandbox, type Sandbox } from '../../sandbox';
import { orderSnapshot } from './vinoshipper-fixtures';

interface Running {
  sandbox: Sandbox;
  config: Config;
  base: string;
  stop(): Promise<void>;
}

let dir: string;
let stateFile: string;
const running: Running[] = [];
let warn: jest.SpyInstance;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cellarhand-sandbox-'));
  stateFile = path.join(dir, 'data', 'sandbox.json'); // a folder that does not exist yet
  // Vinoshipper's webhooks go to an API that is not running: expected warnings, kept quiet.
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** A sandbox on an ephemeral port, with a configuration that points every client at it. */
async function serve(file: string | null = stateFile): Promise<Running> {
  const server = createServer().listen(0);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const base = `http://localhost:${port}`;
  const config = loadConfig({
    SANDBOX_PORT: String(port),
    ...sandboxServiceUrls(base),
    CELLARHAND_API_URL: 'http://127.0.0.1:9', // nobody listens: webhooks fail fast
  });
  const sandbox = createSandbox(config, base, { stateFile: file ?? undefined });
  server.on('request', sandbox.app);
  const r: Running = {
    sandbox,
    config,
    base,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sandbox.close();
    },
  };
  running.push(r);
  return r;
}

async function call(r: Running, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${r.base}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const placeOrder = (r: Running) =>
  call(r, 'POST', '/sandbox/shopify/orders?webhook=false', { line_items: [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }] });

const vinoshipper = ({ config }: Running) =>
  new VinoshipperClient({ apiUrl: config.vinoshipper.apiUrl, apiKey: config.vinoshipper.apiKey, apiSecret: config.vinoshipper.apiSecret, timeoutMs: 2_000 });

const email = ({ config }: Running) =>
  new EmailClient({ apiKey: config.email.resendApiKey, baseUrl: config.email.resendBaseUrl, from: config.email.from, to: config.email.merchantAlertEmail });

const alert = { subject: 'Order #1001 needs you', html: '<p>Hi</p>', text: 'Hi', idempotencyKey: 'order-issue/5000000001/1' };

const vinoshipperRequest = (n: string) =>
  toVinoshipperOrder(orderSnapshot(), { vinoshipperOrderNumber: n, dateOfBirthAttribute: 'date_of_birth', shippingRate: { carrier: 'UPS', rateCode: '03' } });

async function inventory(r: Running): Promise<Record<string, number | undefined>> {
  const products = await vinoshipper(r).listProducts();
  return Object.fromEntries(products.map((p) => [p.detail?.sku, p.inventory?.amount]));
}

test('a second sandbox on the same file carries on where the first stopped', async () => {
  const first = await serve();
  expect(await placeOrder(first)).toEqual({ id: '5000000001', name: '#1001' });
  await vinoshipper(first).upsertOrder('CH-1001', vinoshipperRequest('CH-1001')); // takes 2 CAB
  await call(first, 'PUT', '/sandbox/vinoshipper/products/ROSE-2023-750', { inventory: 7 });
  const { id: emailId } = await email(first).send(alert);
  await first.sandbox.flush();
  expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ version: 1, shopify: { version: 1, nextOrderNumber: 1002 } });
  await first.stop();

  const second = await serve();
  expect(await placeOrder(second)).toEqual({ id: '5000000002', name: '#1002' });
  expect((await call(second, 'GET', '/sandbox/shopify/orders')).map((o: { name: string }) => o.name)).toEqual(['#1001', '#1002']);

  expect(await vinoshipper(second).getOrder('CH-1001')).toMatchObject({ orderNumber: 'CH-1001', status: 'PENDING' });
  expect(await inventory(second)).toMatchObject({ 'CAB-2021-750': 118, 'ROSE-2023-750': 7 });
  // The reservation came back too: cancelling returns the bottles.
  await vinoshipper(second).cancelOrder('CH-1001');
  expect(await inventory(second)).toMatchObject({ 'CAB-2021-750': 120 });

  expect(await call(second, 'GET', '/sandbox/emails')).toEqual([
    expect.objectContaining({ id: emailId, subject: alert.subject, idempotencyKey: alert.idempotencyKey }),
  ]);
  // The retry of an activity that sent before the restart is still deduplicated.
  expect(await email(second).send(alert)).toEqual({ id: emailId });
  expect(await call(second, 'GET', '/sandbox/emails')).toHaveLength(1);
});

test('a state file written when ids were numbers is read, ids as strings, and the shop carries on', async () => {
  const first = await serve();
  await placeOrder(first);
  await first.sandbox.flush();
  await first.stop();
  // Rewrite the saved file the way the sandbox wrote it before ids became strings.
  const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
  const numbers = (value: unknown, key = ''): unknown =>
    Array.isArray(value)
      ? value.map((v) => numbers(v))
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbers(v, k)]))
        : (key === 'id' || key.endsWith('_id')) && typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : value;
  saved.shopify.orders = numbers(saved.shopify.orders);
  saved.shopify.nextIds = Object.fromEntries(Object.entries(saved.shopify.nextIds).map(([k, v]) => [k, Number(v)]));
  delete saved.shopify.subscriptions;
  writeFileSync(stateFile, JSON.stringify(saved));

  const second = await serve();
  expect(await call(second, 'GET', '/sandbox/shopify/orders/5000000001')).toMatchObject({ id: 5000000001, name: '#1001' });
  expect(await placeOrder(second)).toEqual({ id: '5000000002', name: '#1002' });
  // The shop's default webhook subscriptions are back too.
  expect(await call(second, 'GET', '/sandbox/shopify/webhook-subscriptions')).toHaveLength(4);
});

test('saves on its own shortly after a change, and POST /sandbox/reset saves the empty state (names keep counting)', async () => {
  const r = await serve();
  await placeOrder(r);
  await waitFor(() => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"#1001"'));

  await call(r, 'POST', '/sandbox/reset');
  await waitFor(() => !readFileSync(stateFile, 'utf8').includes('"#1001"'));
  await r.stop();
  expect(await placeOrder(await serve())).toMatchObject({ name: '#1002' });
});

test('without a state file nothing is written', async () => {
  const r = await serve(null);
  await placeOrder(r);
  await r.sandbox.flush();
  await r.stop();
  expect(existsSync(path.dirname(stateFile))).toBe(false);
});

describe('a state file it cannot use: a warning and an empty sandbox, the file kept aside', () => {
  test.each<[string, (saved: any) => string]>([
    ['not JSON', (saved) => JSON.stringify(saved).slice(0, 40)],
    ['of an unknown version', (saved) => JSON.stringify({ ...saved, version: 2 })],
    ['with one part of an unknown version', (saved) => JSON.stringify({ ...saved, vinoshipper: { ...saved.vinoshipper, version: 2 } })],
    ['with a malformed part', (saved) => JSON.stringify({ ...saved, resend: { ...saved.resend, emails: 'many' } })],
    ['with a part that does not fit', (saved) => JSON.stringify({ ...saved, vinoshipper: { ...saved.vinoshipper, orders: [{ orderNumber: 'CH-1' }] } })],
  ])('%s', async (_what, spoil) => {
    const first = await serve();
    await placeOrder(first);
    await vinoshipper(first).upsertOrder('CH-1001', vinoshipperRequest('CH-1001'));
    await first.stop();
    writeFileSync(stateFile, spoil(JSON.parse(readFileSync(stateFile, 'utf8'))));

    const r = await serve();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`kept as ${stateFile}.unreadable`));
    expect(readFileSync(`${stateFile}.unreadable`, 'utf8')).toMatch(/^\{"version":/);
    // All or nothing: the Shopify part was fine, and still its orders do not come back alone.
    expect(await call(r, 'GET', '/sandbox/shopify/orders')).toEqual([]);
    expect(await vinoshipper(r).getOrder('CH-1001')).toBeNull();
    expect(await call(r, 'GET', '/sandbox/emails')).toEqual([]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
