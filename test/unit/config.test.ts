// The one config module: sandbox defaults with no environment at all, and a start-up message that
// names every bad or missing variable.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseDuration } from '../../config';
import { PRODUCTION } from '../helpers/production-env';

/** The ConfigError loadConfig throws for this environment (and that it throws one). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted the environment; expected a ConfigError');
}

test('an empty environment gives the sandbox configuration', () => {
  const config = loadConfig({});
  expect(config.sandbox.enabled).toBe(true);
  expect(config.vinoshipper.apiUrl).toBe('http://localhost:3001/vinoshipper/api/v3/p');
  expect(config.orders.reminderAfterMs).toBe(24 * 3_600_000);
  expect(config.orders.autoRefundEnabled).toBe(false);
  // A new winery's way in, against the sandbox's app: the client secret also verifies webhooks.
  expect(config.shopify.auth).toEqual({ kind: 'client_credentials', clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' });
  expect(config.shopify.webhookSecrets).toEqual(['sandbox-client-secret']);
});

test('the legacy static token is the other way to authenticate', () => {
  const config = loadConfig({ SHOPIFY_ADMIN_API_TOKEN: 'shpat_legacy' });
  expect(config.shopify.auth).toEqual({ kind: 'access_token', accessToken: 'shpat_legacy' });
  expect(config.shopify.webhookSecrets).toEqual(['sandbox-webhook-secret']);
});

test('client credentials: the client secret verifies webhooks unless SHOPIFY_WEBHOOK_SECRETS says otherwise', () => {
  const own = { SHOPIFY_CLIENT_ID: 'abc123', SHOPIFY_CLIENT_SECRET: 'shpss_own' };
  expect(loadConfig(own).shopify.webhookSecrets).toEqual(['shpss_own']);
  expect(loadConfig({ ...own, SHOPIFY_WEBHOOK_SECRETS: 'shpss_old,shpss_own' }).shopify.webhookSecrets).toEqual(['shpss_old', 'shpss_own']);
});

test('half a pair of client credentials, or both ways at once, is named', () => {
  expect(() => loadConfig({ SHOPIFY_CLIENT_ID: 'abc123' })).toThrow(/SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET: set both/);
  expect(() => loadConfig({ SHOPIFY_CLIENT_ID: 'abc', SHOPIFY_CLIENT_SECRET: 'def', SHOPIFY_ADMIN_API_TOKEN: 'shpat_x' })).toThrow(
    /SHOPIFY_ADMIN_API_TOKEN: set either .* not both/,
  );
});

test('real service URLs turn the sandbox off (auto)', () => {
  const config = loadConfig({
    SHOPIFY_ADMIN_API_URL: 'https://my-winery.myshopify.com',
    VINOSHIPPER_API_URL: 'https://vinoshipper.com/api/v3/p',
    RESEND_BASE_URL: 'https://api.resend.com',
  });
  expect(config.sandbox.enabled).toBe(false);
});

test('several webhook secrets are accepted for rotation', () => {
  expect(loadConfig({ SHOPIFY_WEBHOOK_SECRETS: 'old-secret, new-secret' }).shopify.webhookSecrets).toEqual(['old-secret', 'new-secret']);
});

test('every bad variable is named in one message', () => {
  const error = configError({
    API_PORT: 'eighty',
    MERCHANT_ALERT_EMAIL: 'not-an-email',
    REMINDER_AFTER: '1 day',
    SHOPIFY_SHOP_DOMAIN: 'evil.example.com',
    SANDBOX: 'maybe',
  });
  const message = error.message;
  for (const name of ['API_PORT', 'MERCHANT_ALERT_EMAIL', 'REMINDER_AFTER', 'SHOPIFY_SHOP_DOMAIN', 'SANDBOX']) expect(message).toContain(name);
  expect(error.problems).toHaveLength(5);
});

test('alerts and the catalogue check: grouped, a 10-minute window, the digest at 08:00 Los Angeles time, a check every 6 h', () => {
  const config = loadConfig({});
  expect(config.alerts).toEqual({
    groupWindowMs: 600_000,
    dailyDigest: { enabled: true, hour: 8, minute: 0, timeZone: 'America/Los_Angeles' },
  });
  expect(config.orders.alertMode).toBe('grouped');
  expect(config.catalogCheck).toEqual({ enabled: true, intervalMs: 6 * 3_600_000 });
  const custom = loadConfig({
    ALERT_MODE: 'per_order',
    ALERT_GROUP_WINDOW: '30s',
    DAILY_DIGEST_TIME: '17:45',
    DAILY_DIGEST_TIMEZONE: 'Europe/Paris',
    DAILY_DIGEST_ENABLED: 'false',
  });
  expect(custom.orders.alertMode).toBe('per_order');
  expect(custom.alerts).toEqual({ groupWindowMs: 30_000, dailyDigest: { enabled: false, hour: 17, minute: 45, timeZone: 'Europe/Paris' } });
});

test('bad alert and catalogue settings are each named', () => {
  const error = configError({
    ALERT_MODE: 'batched',
    ALERT_GROUP_WINDOW: '2d',
    DAILY_DIGEST_TIME: '8am',
    DAILY_DIGEST_TIMEZONE: 'Napa/Valley',
    CATALOG_CHECK_INTERVAL: '10s',
  });
  expect(error.problems).toEqual([
    'ALERT_MODE: must be grouped or per_order',
    'ALERT_GROUP_WINDOW: must be between 1s and 24h',
    'DAILY_DIGEST_TIME: must be a local time such as 08:00 (24-hour clock)',
    'DAILY_DIGEST_TIMEZONE: must be an IANA time zone such as America/Los_Angeles',
    'CATALOG_CHECK_INTERVAL: must be at least 1m',
  ]);
});

test('an empty required value is named', () => {
  expect(() => loadConfig({ VINOSHIPPER_API_SECRET: '   ' })).toThrow(/VINOSHIPPER_API_SECRET: must not be empty/);
});

test('production with every setting its own starts', () => {
  const config = loadConfig(PRODUCTION);
  expect(config.sandbox.enabled).toBe(false);
  expect(config.shopify.webhookSecrets).toEqual(['shpss_0123456789abcdef']);
});

test('production refuses every sandbox or example default, each named in one message', () => {
  const error = configError({ NODE_ENV: 'production' });
  const named = error.problems.map((p) => p.split(':')[0]);
  for (const name of [
    'SHOPIFY_SHOP_DOMAIN',
    'SHOPIFY_ADMIN_API_URL',
    'SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET',
    'VINOSHIPPER_API_URL',
    'VINOSHIPPER_API_KEY',
    'VINOSHIPPER_API_SECRET',
    'VINOSHIPPER_WEBHOOK_TOKEN',
    'VINOSHIPPER_ORDER_PREFIX',
    'RESEND_API_KEY',
    'RESEND_BASE_URL',
    'EMAIL_FROM',
    'MERCHANT_ALERT_EMAIL',
    'CELLARHAND_API_URL',
    'TEMPORAL_UI_URL',
    'OPS_API_TOKEN',
    'CODEC_KEYS',
    'CODEC_SERVER_TOKEN',
  ]) {
    expect(named).toContain(name);
  }
});

test.each([
  ['SHOPIFY_WEBHOOK_SECRETS', 'sandbox-webhook-secret', /SHOPIFY_WEBHOOK_SECRETS: production must not accept the sandbox/],
  ['SHOPIFY_WEBHOOK_SECRETS', 'shpss_new, sandbox-client-secret', /SHOPIFY_WEBHOOK_SECRETS: production must not accept the sandbox/],
  ['VINOSHIPPER_WEBHOOK_TOKEN', 'sandbox-vinoshipper-token', /VINOSHIPPER_WEBHOOK_TOKEN: production must not use the sandbox/],
  ['SHOPIFY_SHOP_DOMAIN', 'cellarhand-demo.myshopify.com', /SHOPIFY_SHOP_DOMAIN: production must not use the sandbox/],
  ['SHOPIFY_CLIENT_SECRET', 'sandbox-client-secret', /SHOPIFY_CLIENT_SECRET: production must not use the sandbox/],
  ['MERCHANT_ALERT_EMAIL', 'winery@cellarhand.example', /MERCHANT_ALERT_EMAIL: production needs a real address/],
  ['EMAIL_FROM', 'cellarhand <orders@cellarhand.example>', /EMAIL_FROM: production needs a real address/],
  ['VINOSHIPPER_API_URL', 'http://localhost:3001/vinoshipper/api/v3/p', /VINOSHIPPER_API_URL: production must not point at the sandbox/],
  ['VINOSHIPPER_ORDER_PREFIX', '', /VINOSHIPPER_ORDER_PREFIX: production needs it set/],
])('production refuses %s=%p even when set explicitly', (name, value, message) => {
  expect(() => loadConfig({ ...PRODUCTION, [name]: value })).toThrow(message);
});

test('production with the legacy token needs the webhook signing secret named', () => {
  const { SHOPIFY_CLIENT_ID: _id, SHOPIFY_CLIENT_SECRET: _secret, ...rest } = PRODUCTION;
  expect(() => loadConfig({ ...rest, SHOPIFY_ADMIN_API_TOKEN: 'shpat_live' })).toThrow(/SHOPIFY_WEBHOOK_SECRETS: with SHOPIFY_ADMIN_API_TOKEN/);
  expect(loadConfig({ ...rest, SHOPIFY_ADMIN_API_TOKEN: 'shpat_live', SHOPIFY_WEBHOOK_SECRETS: 'shpss_live' }).shopify.auth.kind).toBe('access_token');
});

test('in production a malformed variable and the missing ones are named together', () => {
  expect(() => loadConfig({ ...PRODUCTION, API_PORT: 'eighty', VINOSHIPPER_WEBHOOK_TOKEN: '' })).toThrow(/API_PORT[\s\S]*VINOSHIPPER_WEBHOOK_TOKEN/);
});

test('mTLS needs both files', () => {
  expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/nonexistent/cert.pem' })).toThrow(/set both or neither[\s\S]*no file at \/nonexistent\/cert.pem/);
});

test('durations', () => {
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('3d')).toBe(259_200_000);
  expect(() => parseDuration('soon')).toThrow();
});

test('`NODE_ENV=production npm run api` with only real-looking URLs set exits non-zero, naming each missing secret and setting', () => {
  const root = join(__dirname, '..', '..');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['api/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SHOPIFY_ADMIN_API_URL: 'https://napa-cellars.myshopify.com',
      VINOSHIPPER_API_URL: 'https://vinoshipper.com/api/v3/p',
      RESEND_BASE_URL: 'https://api.resend.com',
      CELLARHAND_API_URL: 'https://orders.napacellars.com',
      TEMPORAL_UI_URL: 'https://temporal.napacellars.com',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  for (const name of [
    'SHOPIFY_SHOP_DOMAIN',
    'SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET',
    'VINOSHIPPER_API_KEY',
    'VINOSHIPPER_API_SECRET',
    'VINOSHIPPER_WEBHOOK_TOKEN',
    'VINOSHIPPER_ORDER_PREFIX',
    'RESEND_API_KEY',
    'EMAIL_FROM',
    'MERCHANT_ALERT_EMAIL',
    'OPS_API_TOKEN',
    'CODEC_KEYS',
    'CODEC_SERVER_TOKEN',
  ]) {
    expect(result.stderr).toContain(`  - ${name}:`);
  }
  // The URLs that were set are not among the problems.
  expect(result.stderr).not.toMatch(/- (SHOPIFY_ADMIN_API_URL|VINOSHIPPER_API_URL|RESEND_BASE_URL|CELLARHAND_API_URL|TEMPORAL_UI_URL):/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
});

test('a process started with a bad environment exits 1 with the named problem, no stack trace', () => {
  const root = join(__dirname, '..', '..');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['api/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, VINOSHIPPER_API_URL: 'not a url' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('VINOSHIPPER_API_URL: must be an http(s) URL');
  expect(result.stderr).not.toMatch(/\n\s+at /);
});

test('logs: readable in development, JSON lines elsewhere; an empty value means the default', () => {
  expect(loadConfig({}).observability).toMatchObject({ logFormat: 'pretty', logLevel: 'info' });
  expect(loadConfig({ NODE_ENV: 'test' }).observability).toMatchObject({ logFormat: 'json', logLevel: 'warn' });
  expect(loadConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }).observability).toMatchObject({ logFormat: 'json', logLevel: 'debug' });
  expect(loadConfig({ LOG_FORMAT: '', LOG_LEVEL: ' ' }).observability).toMatchObject({ logFormat: 'pretty', logLevel: 'info' });
  expect(() => loadConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' })).toThrow(
    /LOG_LEVEL: must be one of trace, debug.*\n.*LOG_FORMAT: must be json or pretty/,
  );
});

test('metrics ports: on by default, 0 turns one off, the API’s may not be the API port', () => {
  expect(loadConfig({}).observability).toMatchObject({ workerMetricsPort: 9464, apiMetricsPort: 9465, orderMetricsIntervalMs: 60_000 });
  expect(loadConfig({ WORKER_METRICS_PORT: '0', API_METRICS_PORT: '0' }).observability).toMatchObject({ workerMetricsPort: null, apiMetricsPort: null });
  expect(() => loadConfig({ API_PORT: '4000', API_METRICS_PORT: '4000' })).toThrow(/API_METRICS_PORT: must differ from API_PORT/);
  expect(() => loadConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
});

describe('the console’s settings', () => {
  test('outside production: the ops token signs in, plain cookies, links into the sandbox', () => {
    const config = loadConfig({});
    expect(config.console).toMatchObject({ enabled: true, password: 'sandbox-ops-token', secure: false, sessionTtlMs: 12 * 3_600_000 });
    expect(config.console.links).toEqual({
      shopifyOrder: 'http://localhost:3001/sandbox/shopify/orders/{id}',
      vinoshipperOrder: 'http://localhost:3001/sandbox/vinoshipper/orders/{orderNumber}',
    });
    expect(config.api.trustProxy).toBeUndefined();
  });

  test('production: Secure cookies, Shopify admin links, no Vinoshipper link unless VINOSHIPPER_ORDER_URL says where', () => {
    const config = loadConfig({ ...PRODUCTION, CONSOLE_PASSWORD: 'a console password of our own' });
    expect(config.console).toMatchObject({ secure: true, password: 'a console password of our own' });
    expect(config.console.links).toEqual({ shopifyOrder: 'https://admin.shopify.com/store/napa-cellars/orders/{id}', vinoshipperOrder: null });
    expect(config.api.trustProxy).toBe(1);
    const linked = loadConfig({ ...PRODUCTION, VINOSHIPPER_ORDER_URL: 'https://vinoshipper.com/ui/orders/{orderNumber}' });
    expect(linked.console.links.vinoshipperOrder).toBe('https://vinoshipper.com/ui/orders/{orderNumber}');
    expect(loadConfig({ ...PRODUCTION, API_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).api.trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  test.each([
    [{ CELLARHAND_API_URL: 'http://orders.napacellars.com' }, /CELLARHAND_API_URL: the console is HTTPS-only in production/],
    [{ API_TRUST_PROXY: '' }, /API_TRUST_PROXY: the console needs the TLS proxy in front of the API named/],
    [{ API_TRUST_PROXY: 'false' }, /API_TRUST_PROXY: the console needs the TLS proxy/],
    [{ API_TRUST_PROXY: 'true' }, /API_TRUST_PROXY: true believes any client’s X-Forwarded-\* headers/],
  ])('production refuses unsafe console settings: %p', (change, message) => {
    expect(() => loadConfig({ ...PRODUCTION, ...change })).toThrow(message);
  });

  test('with the console off, production asks nothing of it', () => {
    expect(
      loadConfig({ ...PRODUCTION, CONSOLE_ENABLED: 'false', API_TRUST_PROXY: '', CELLARHAND_API_URL: 'http://orders.napacellars.com' }).console.enabled,
    ).toBe(false);
  });

  test('bad console values are named', () => {
    expect(() => loadConfig({ CONSOLE_PASSWORD: 'short' })).toThrow(/CONSOLE_PASSWORD: must be at least 16 characters/);
    expect(() => loadConfig({ CONSOLE_SESSION_TTL: '30s' })).toThrow(/CONSOLE_SESSION_TTL: must be between 1m and 7d/);
    expect(() => loadConfig({ VINOSHIPPER_ORDER_URL: 'https://vinoshipper.com/orders' })).toThrow(
      /VINOSHIPPER_ORDER_URL: must be an http\(s\) URL containing \{orderNumber\}/,
    );
    expect(() => loadConfig({ API_TRUST_PROXY: 'every"thing' })).toThrow(/API_TRUST_PROXY: must be a number of proxy hops/);
  });
});
