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
