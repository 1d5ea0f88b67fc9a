// The two ways into the Admin API, over real HTTP against the sandbox store: the client credentials
// grant (one token for all concurrent callers, renewed before expiry and after a 401, clear errors
// for a wrong secret, an uninstalled app and a missing scope) and the legacy static token.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { ClientCredentialsToken, grantRefused } from '../../integrations/shopify/access-token';
import { ShopifyAdmin, type ShopifyAdminOptions } from '../../integrations/shopify/admin';
import { ShopifyError, isTransient } from '../../integrations/shopify/errors';
import { createShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { close, listen } from '../helpers/servers';
import { request } from '../helpers/http';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, testShopifyApp } from '../helpers/shopify-app';

const SHOP = 'cellarhand-test.myshopify.com';
const API_VERSION = '2026-10';

let sandbox: ShopifySandbox;
let server: Server;
let sandboxUrl: string;

beforeAll(async () => {
  sandbox = createShopifySandbox({ shopDomain: SHOP, app: testShopifyApp(), webhookSecret: TEST_CLIENT_SECRET });
  const app = express();
  app.use('/shopify', sandbox.api);
  app.use('/sandbox/shopify', sandbox.control);
  server = createServer(app);
  sandboxUrl = await listen(server);
});
afterAll(async () => {
  await close(server);
});
beforeEach(async () => {
  sandbox.reset();
  await request('DELETE', `${sandboxUrl}/sandbox/shopify/access-tokens`);
});

function tokens(overrides: Partial<{ clientId: string; clientSecret: string; now: () => number }> = {}) {
  return new ClientCredentialsToken({
    shopDomain: SHOP,
    adminApiUrl: `${sandboxUrl}/shopify`,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    ...overrides,
  });
}

function admin(accessToken: ShopifyAdminOptions['accessToken']) {
  return new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${sandboxUrl}/shopify`, accessToken, apiVersion: API_VERSION });
}

async function tokenRequests(): Promise<number> {
  return (await request('GET', `${sandboxUrl}/sandbox/shopify/access-tokens`)).body.granted;
}

async function setApp(settings: object): Promise<void> {
  const res = await request('PATCH', `${sandboxUrl}/sandbox/shopify/app`, settings);
  expect(res.status).toBe(200);
}

async function placeOrder(): Promise<string> {
  const res = await request('POST', `${sandboxUrl}/sandbox/shopify/orders?webhook=false`, {
    line_items: [{ sku: 'CAB-2021-750', quantity: 1, price: '42.00' }],
  });
  return res.body.id;
}

async function caught(promise: Promise<unknown>): Promise<ShopifyError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ShopifyError);
    return err as ShopifyError;
  }
  throw new Error('expected a ShopifyError');
}

test('the token is fetched once for every concurrent caller and reused until it is due', async () => {
  const source = tokens();
  const shopify = admin(source);
  const id = await placeOrder();
  const all = await Promise.all(Array.from({ length: 20 }, () => source.token()));
  expect(new Set(all).size).toBe(1);
  expect(all[0]).toMatch(/^shpat_/);
  const before = await tokenRequests();
  await Promise.all(Array.from({ length: 10 }, (_, i) => shopify.writeBackVinoshipperOrder(id, `CH-${i}`)));
  expect(await tokenRequests()).toBe(before);
  expect(source.requests).toBe(1);
});

test('the grant reports the scopes and the expiry Shopify gave', async () => {
  await setApp({ tokenLifetime: '2h' });
  const before = Date.now();
  const granted = await tokens().grant();
  expect(granted.scopes).toEqual(['write_orders', 'write_merchant_managed_fulfillment_orders', 'read_products']);
  expect(granted.expiresAt).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1_000);
});

test('a token is renewed before it expires: one request per lifetime, not per call', async () => {
  await setApp({ tokenLifetime: '100s' });
  let now = 1_000_000;
  const source = tokens({ now: () => now });
  const first = await source.token();
  now += 85_000;
  expect(await source.token()).toBe(first); // well inside the lifetime
  now += 6_000; // 91 s: within the last tenth of the lifetime, renewed before it can lapse in flight
  const second = await source.token();
  expect(second).not.toBe(first);
  expect(source.requests).toBe(2);
});

test('an expired token gets 401 from the store, and the client renews it without the caller noticing', async () => {
  await setApp({ tokenLifetime: '1s' });
  const source = tokens({ now: () => 0 }); // a client whose clock says the token is still fresh
  const shopify = admin(source);
  const id = await placeOrder();
  await shopify.writeBackVinoshipperOrder(id, 'CH-1');
  await new Promise((r) => setTimeout(r, 1_200));
  await shopify.writeBackVinoshipperOrder(id, 'CH-2');
  expect(source.requests).toBe(2);
  const order = await request('GET', `${sandboxUrl}/sandbox/shopify/orders/${id}`);
  expect(order.body.tags).toContain('vinoshipper:CH-2');
});

test('a revoked token (401) is replaced once; the call goes through', async () => {
  const source = tokens();
  const shopify = admin(source);
  const id = await placeOrder();
  await shopify.writeBackVinoshipperOrder(id, 'CH-1');
  expect((await request('DELETE', `${sandboxUrl}/sandbox/shopify/access-tokens`)).body.revoked).toBe(1);
  await shopify.writeBackVinoshipperOrder(id, 'CH-2');
  expect(source.requests).toBe(2);
});

test('a wrong client secret is a configuration error that names the variables, never the secret', async () => {
  const err = await caught(admin(tokens({ clientSecret: 'wrong-secret-value' })).writeBackVinoshipperOrder('5000000001', 'CH-1'));
  expect(err.kind).toBe('configuration');
  expect(err.code).toBe('invalid_client');
  expect(isTransient(err)).toBe(false);
  expect(err.message).toMatch(/SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/);
  expect(err.message).not.toContain('wrong-secret-value');
});

test('an uninstalled app: its tokens stop working and no new one is granted', async () => {
  const source = tokens();
  const shopify = admin(source);
  const id = await placeOrder();
  await shopify.writeBackVinoshipperOrder(id, 'CH-1');
  await setApp({ installed: false });
  const err = await caught(shopify.writeBackVinoshipperOrder(id, 'CH-2'));
  expect(err.kind).toBe('configuration');
  expect(err.code).toBe('app_not_installed');
  expect(err.message).toMatch(/not installed on this store.*install it from the Dev Dashboard/);
});

test('a missing access scope is a configuration error naming the scope', async () => {
  await setApp({ scopes: ['read_orders'] });
  const id = await placeOrder();
  const err = await caught(admin(tokens()).writeBackVinoshipperOrder(id, 'CH-1'));
  expect(err.kind).toBe('configuration');
  expect(err.code).toBe('access_denied');
  expect(err.message).toMatch(/write_orders/);
  expect(err.message).toMatch(/access scopes/);
});

test('the legacy static token works unchanged, and a wrong one is refused without a second try', async () => {
  const id = await placeOrder();
  const before = await tokenRequests();
  await admin('shpat_test_token').writeBackVinoshipperOrder(id, 'CH-1');
  const err = await caught(admin('shpat_wrong').writeBackVinoshipperOrder(id, 'CH-2'));
  expect(err.code).toBe('invalid_token');
  expect(err.message).not.toContain('shpat_wrong');
  expect(await tokenRequests()).toBe(before);
});

test('the store also takes the grant as JSON, the way Shopify’s Node library sends it', async () => {
  const res = await request('POST', `${sandboxUrl}/shopify/admin/oauth/access_token`, {
    client_id: TEST_CLIENT_ID,
    client_secret: TEST_CLIENT_SECRET,
    grant_type: 'client_credentials',
  });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    access_token: expect.stringMatching(/^shpat_/),
    scope: 'write_orders,write_merchant_managed_fulfillment_orders,read_products',
    expires_in: 86400,
  });
});

test('refusals Shopify answers as text, and outages, are classified', () => {
  const text = grantRefused(SHOP, 400, '<p>Oauth error app_not_installed: The application is not installed on this shop.</p>');
  expect(text.code).toBe('app_not_installed');
  expect(text.message).not.toContain('<p>');
  const foreign = grantRefused(
    SHOP,
    400,
    JSON.stringify({ error: 'shop_not_permitted', error_description: 'Client credentials cannot be performed on this shop.' }),
  );
  expect(foreign.message).toMatch(/own organisation/);
  expect(grantRefused(SHOP, 503, 'Service Unavailable').kind).toBe('transient');
  expect(grantRefused(SHOP, 429, '').kind).toBe('transient');
});

test('no answer at all is transient', async () => {
  const source = new ClientCredentialsToken({ shopDomain: SHOP, adminApiUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' });
  const err = await caught(source.token());
  expect(err.kind).toBe('transient');
});
