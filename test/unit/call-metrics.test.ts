// The three vendor clients report each call to their observer, and the worker's metrics count them
// by outcome: the real clients against the real sandbox over HTTP, read back from the registry's
// Prometheus text.
import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { createClients } from '../../activities';
import { loadConfig, sandboxServiceUrls } from '../../config';
import { EmailClient } from '../../integrations/email/client';
import { accessTokenSource } from '../../integrations/shopify/access-token';
import { ShopifyAdmin } from '../../integrations/shopify/admin';
import { VinoshipperClient } from '../../integrations/vinoshipper/client';
import { externalCallMetrics } from '../../observability/metrics';
import { createSandbox } from '../../sandbox';
import { close, listen } from '../helpers/servers';

let server: Server;
let base: string;
let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  server = createServer();
  base = await listen(server);
  config = loadConfig({
    NODE_ENV: 'test',
    SANDBOX_PORT: new URL(base).port,
    ...sandboxServiceUrls(base),
  });
  server.on('request', createSandbox(config, base).app);
});

afterAll(() => close(server));

async function control(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

test('each call is counted under its system, operation (no ids) and outcome', async () => {
  const registry = new Registry();
  const observer = externalCallMetrics(registry);
  const clients = createClients(config, observer);

  // Vinoshipper: ok, a missing order, an outage, wrong credentials.
  await clients.vinoshipper.listProducts();
  expect(await clients.vinoshipper.getOrder('CH-404')).toBeNull();
  await control('/vinoshipper/faults', { mode: 'unavailable', count: 1 });
  await expect(clients.vinoshipper.listProducts()).rejects.toMatchObject({ kind: 'transient' });
  await expect(new VinoshipperClient({ ...config.vinoshipper, apiSecret: 'wrong', observer }).listProducts()).rejects.toMatchObject({ kind: 'configuration' });

  // Shopify: the token granted (client credentials, once for both calls), ok, refused by userErrors
  // (the mutation ran), a refused static token, a refused grant (counted as the token request only).
  await clients.shopify.listOrdersUpdatedSince(new Date(0).toISOString());
  await expect(clients.shopify.writeBackVinoshipperOrder('999999', 'CH-1')).rejects.toMatchObject({ kind: 'user_error' });
  const wrongToken = new ShopifyAdmin({
    shopDomain: config.shopify.shopDomain,
    adminApiUrl: `${base}/shopify`,
    accessToken: 'wrong',
    apiVersion: config.shopify.apiVersion,
    observer,
  });
  await expect(wrongToken.listOrdersUpdatedSince(new Date(0).toISOString())).rejects.toMatchObject({ kind: 'configuration' });
  const wrongSecret = new ShopifyAdmin({
    shopDomain: config.shopify.shopDomain,
    adminApiUrl: `${base}/shopify`,
    accessToken: accessTokenSource(
      { ...config.shopify, auth: { kind: 'client_credentials', clientId: 'sandbox-client-id', clientSecret: 'not-the-secret' } },
      observer,
    ),
    apiVersion: config.shopify.apiVersion,
    observer,
  });
  await expect(wrongSecret.listOrdersUpdatedSince(new Date(0).toISOString())).rejects.toMatchObject({ kind: 'configuration', code: 'invalid_client' });

  // Resend: sent, an outage, a refused key.
  const email = { subject: 's', html: '<p>h</p>', text: 't' };
  await clients.email.send({ ...email, idempotencyKey: 'metrics-1' });
  await control('/resend/faults', { status: 503, count: 1 });
  await expect(clients.email.send({ ...email, idempotencyKey: 'metrics-2' })).rejects.toMatchObject({ kind: 'transient' });
  const wrongKey = new EmailClient({ apiKey: 're_wrong', baseUrl: `${base}/resend`, from: config.email.from, to: config.email.merchantAlertEmail, observer });
  await expect(wrongKey.send({ ...email, idempotencyKey: 'metrics-3' })).rejects.toMatchObject({ kind: 'permanent' });

  const text = await registry.metrics();
  const counted = [...text.matchAll(/^cellarhand_external_calls_total\{(.*)\} (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  expect(counted).toEqual(
    [
      'system="resend",operation="send",outcome="ok" 1',
      'system="resend",operation="send",outcome="rejected" 1',
      'system="resend",operation="send",outcome="unavailable" 1',
      'system="shopify",operation="orders",outcome="configuration" 1',
      'system="shopify",operation="POST /admin/oauth/access_token",outcome="configuration" 1',
      'system="shopify",operation="POST /admin/oauth/access_token",outcome="ok" 1',
      'system="shopify",operation="orders",outcome="ok" 1',
      'system="shopify",operation="write-back",outcome="rejected" 1',
      'system="vinoshipper",operation="GET /orders/{number}",outcome="not_found" 1',
      'system="vinoshipper",operation="GET /products",outcome="configuration" 1',
      'system="vinoshipper",operation="GET /products",outcome="ok" 1',
      'system="vinoshipper",operation="GET /products",outcome="unavailable" 1',
    ].sort(),
  );
  expect(text).toMatch(/^cellarhand_emails_total\{outcome="sent"\} 1$/m);
  expect(text).toMatch(/^cellarhand_emails_total\{outcome="failed"\} 2$/m);
  expect(text).toMatch(/^cellarhand_external_call_duration_seconds_count\{system="vinoshipper",operation="GET \/products"\} 3$/m);
  expect(text).not.toContain('CH-404');
});

test('clients without an observer work as before', async () => {
  const clients = createClients(config);
  expect(Array.isArray(await clients.vinoshipper.listProducts())).toBe(true);
});
