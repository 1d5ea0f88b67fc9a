// The one config module: sandbox defaults with no environment at all, and a start-up message that
// names every bad or missing variable.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseDuration } from '../../config';

test('an empty environment gives the sandbox configuration', () => {
  const config = loadConfig({});
  expect(config.sandbox.enabled).toBe(true);
  expect(config.vinoshipper.apiUrl).toBe('http://localhost:3001/vinoshipper/api/v3/p');
  expect(config.orders.reminderAfterMs).toBe(24 * 3_600_000);
  expect(config.orders.autoRefundEnabled).toBe(false);
  expect(config.shopify.webhookSecrets).toEqual(['sandbox-webhook-secret']);
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
  let error: unknown;
  try {
    loadConfig({
      API_PORT: 'eighty',
      MERCHANT_ALERT_EMAIL: 'not-an-email',
      REMINDER_AFTER: '1 day',
      SHOPIFY_SHOP_DOMAIN: 'evil.example.com',
      SANDBOX: 'maybe',
    });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  for (const name of ['API_PORT', 'MERCHANT_ALERT_EMAIL', 'REMINDER_AFTER', 'SHOPIFY_SHOP_DOMAIN', 'SANDBOX']) expect(message).toContain(name);
  expect((error as ConfigError).problems).toHaveLength(5);
});

test('alerts and the catalogue check: grouped, a 10-minute window, the digest at 08:00 Los Angeles time, a check every 6 h', () => {
  const config = loadConfig({});
  expect(config.alerts).toEqual({
    mode: 'grouped',
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
  expect(custom.alerts).toEqual({ mode: 'per_order', groupWindowMs: 30_000, dailyDigest: { enabled: false, hour: 17, minute: 45, timeZone: 'Europe/Paris' } });
});

test('bad alert and catalogue settings are each named', () => {
  let error: unknown;
  try {
    loadConfig({
      ALERT_MODE: 'batched',
      ALERT_GROUP_WINDOW: '2d',
      DAILY_DIGEST_TIME: '8am',
      DAILY_DIGEST_TIMEZONE: 'Napa/Valley',
      CATALOG_CHECK_INTERVAL: '10s',
    });
  } catch (err) {
    error = err;
  }
  expect((error as ConfigError).problems).toEqual([
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

test('production refuses sandbox URLs and the sandbox ops token', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/production must not point at the sandbox[\s\S]*OPS_API_TOKEN/);
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
