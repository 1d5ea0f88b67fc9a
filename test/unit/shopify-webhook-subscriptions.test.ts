// `npm run shopify:webhooks` against the sandbox store over HTTP: lists the subscriptions through
// GraphQL, creates the missing ones, reports the ones pointing elsewhere, and never doubles one.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { ClientCredentialsToken } from '../../integrations/shopify/access-token';
import { ShopifyAdmin } from '../../integrations/shopify/admin';
import { ShopifyError } from '../../integrations/shopify/errors';
import { compareSubscriptions, ensureSubscriptions } from '../../integrations/shopify/webhook-subscriptions';
import { ORDER_TOPICS } from '../../integrations/shopify/webhooks';
import { createShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { request } from '../helpers/http';
import { runScript } from '../helpers/scripts';
import { close, listen } from '../helpers/servers';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, testShopifyApp } from '../helpers/shopify-app';

const SHOP = 'cellarhand-test.myshopify.com';
const OURS = 'http://127.0.0.1:45999/webhooks/shopify';

let sandbox: ShopifySandbox;
let server: Server;
let sandboxUrl: string;
let admin: ShopifyAdmin;

beforeAll(async () => {
  sandbox = createShopifySandbox({ shopDomain: SHOP, app: testShopifyApp(), webhookSecret: TEST_CLIENT_SECRET, webhookUrl: OURS });
  const app = express();
  app.use('/shopify', sandbox.api);
  app.use('/sandbox/shopify', sandbox.control);
  server = createServer(app);
  sandboxUrl = await listen(server);
  const accessToken = new ClientCredentialsToken({
    shopDomain: SHOP,
    adminApiUrl: `${sandboxUrl}/shopify`,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
  });
  admin = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${sandboxUrl}/shopify`, accessToken, apiVersion: '2026-10' });
});
afterAll(async () => {
  await close(server);
});
beforeEach(() => sandbox.reset());

test('the sandbox shop starts with every order topic subscribed at our URI', async () => {
  const report = compareSubscriptions(await admin.listWebhookSubscriptions(), OURS);
  expect(report.present).toEqual([...ORDER_TOPICS]);
  expect(report.missing).toEqual([]);
  expect(report.elsewhere).toEqual([]);
});

test('missing topics are created once; a second run creates nothing', async () => {
  await request('DELETE', `${sandboxUrl}/sandbox/shopify/webhook-subscriptions?topic=orders/paid`);
  await request('DELETE', `${sandboxUrl}/sandbox/shopify/webhook-subscriptions?topic=orders/cancelled`);
  const first = await ensureSubscriptions(admin, OURS);
  expect(first.before.missing).toEqual(['orders/paid', 'orders/cancelled']);
  expect(first.created.map((s) => [s.topic, s.uri])).toEqual([
    ['orders/paid', OURS],
    ['orders/cancelled', OURS],
  ]);
  const second = await ensureSubscriptions(admin, OURS);
  expect(second.before.missing).toEqual([]);
  expect(second.created).toEqual([]);
  expect((await admin.listWebhookSubscriptions()).length).toBe(ORDER_TOPICS.length);
});

test('a dry run only reports', async () => {
  await request('DELETE', `${sandboxUrl}/sandbox/shopify/webhook-subscriptions?topic=orders/create`);
  const run = await ensureSubscriptions(admin, OURS, { dryRun: true });
  expect(run.before.missing).toEqual(['orders/create']);
  expect(run.created).toEqual([]);
  expect(compareSubscriptions(await admin.listWebhookSubscriptions(), OURS).missing).toEqual(['orders/create']);
});

test('subscriptions pointing elsewhere are reported, not deleted', async () => {
  await admin.createWebhookSubscription('orders/create', 'https://old-tunnel.example.net/webhooks/shopify');
  const { before } = await ensureSubscriptions(admin, OURS);
  expect(before.elsewhere).toEqual([expect.objectContaining({ topic: 'orders/create', uri: 'https://old-tunnel.example.net/webhooks/shopify' })]);
  expect(before.missing).toEqual([]);
});

test('Shopify’s refusals come back as user errors (plain http to a public host, a duplicate)', async () => {
  await expect(admin.createWebhookSubscription('orders/paid', 'http://orders.napacellars.com/webhooks/shopify')).rejects.toThrow(/protocol http/);
  const duplicate = admin.createWebhookSubscription('orders/paid', OURS);
  await expect(duplicate).rejects.toBeInstanceOf(ShopifyError);
  await expect(duplicate).rejects.toThrow(/already been taken/);
});

test('the script: creates the missing topic, prints what it did, exits 0', async () => {
  await request('DELETE', `${sandboxUrl}/sandbox/shopify/webhook-subscriptions?topic=orders/updated`);
  const run = await runScript('scripts/shopify-webhooks.ts', [], {
    SHOPIFY_SHOP_DOMAIN: SHOP,
    SHOPIFY_ADMIN_API_URL: `${sandboxUrl}/shopify`,
    SHOPIFY_CLIENT_ID: TEST_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET: TEST_CLIENT_SECRET,
    CELLARHAND_API_URL: 'http://127.0.0.1:45999',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/created {2}orders\/updated/);
  expect(run.stdout).toMatch(/ok {7}orders\/create/);
  expect(compareSubscriptions(await admin.listWebhookSubscriptions(), OURS).missing).toEqual([]);
}, 30_000);
