// The one place environment variables are read. Every variable is parsed with zod at start-up; a
// bad or missing one stops the process with a message naming each of them. Defaults are the
// sandbox's, so `npm start` works with no .env at all; pointing at the real services is only
// configuration.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { AlertMode } from '../domain/alerts';
import type { OrderSettings } from '../domain/settings';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "15m", "24h", "3d" → milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => DURATION.test(v.trim()), { message: 'must be a duration such as 90s, 15m, 24h or 3d' })
    .transform(parseDuration);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const url = (fallback: string) =>
  z
    .url({ message: 'must be an http(s) URL' })
    .default(fallback)
    .transform((v) => v.replace(/\/+$/, ''));
const nonEmpty = (fallback: string) => z.string().trim().min(1, 'must not be empty').default(fallback);
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const list = (fallback: string) =>
  nonEmpty(fallback).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const SANDBOX_PORT = 3001;
// A well-known key so `npm start` works with no setup; production refuses it.
const SANDBOX_CODEC_KEY_ID = 'sandbox-1';
const SANDBOX_CODEC_KEY = Buffer.alloc(32, 7).toString('base64');
const SANDBOX_URL = `http://localhost:${SANDBOX_PORT}`;

/** The raw environment schema: one entry per variable, documented in .env.example and the README. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),

  TEMPORAL_ADDRESS: nonEmpty('localhost:7233'),
  TEMPORAL_NAMESPACE: nonEmpty('default'),
  TEMPORAL_TASK_QUEUE: nonEmpty('cellarhand-orders'),
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_UI_URL: url('http://localhost:8233'),

  API_PORT: port(3000),
  CELLARHAND_API_URL: url('http://localhost:3000'),
  OPS_API_TOKEN: nonEmpty('sandbox-ops-token').refine((v) => v.length >= 16, { message: 'must be at least 16 characters' }),

  SHOPIFY_SHOP_DOMAIN: nonEmpty('cellarhand-demo.myshopify.com').refine((v) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(v), {
    message: 'must be the shop’s myshopify.com domain, e.g. my-winery.myshopify.com',
  }),
  SHOPIFY_ADMIN_API_URL: url(`${SANDBOX_URL}/shopify`),
  SHOPIFY_ADMIN_API_TOKEN: nonEmpty('shpat_sandbox'),
  SHOPIFY_API_VERSION: nonEmpty('2026-10').refine((v) => /^\d{4}-(01|04|07|10)$/.test(v), {
    message: 'must be a Shopify API version such as 2026-10',
  }),
  SHOPIFY_WEBHOOK_SECRETS: list('sandbox-webhook-secret'),
  SHOPIFY_DOB_ATTRIBUTE: nonEmpty('date_of_birth'),
  SHOPIFY_EXCLUDE_TAG: nonEmpty('vinoshipper-skip'),

  VINOSHIPPER_API_URL: url(`${SANDBOX_URL}/vinoshipper/api/v3/p`),
  VINOSHIPPER_API_KEY: nonEmpty('1001.sandbox'),
  VINOSHIPPER_API_SECRET: nonEmpty('sandbox-secret'),
  VINOSHIPPER_ORDER_PREFIX: z
    .string()
    .default('CH-')
    .refine((v) => /^[A-Za-z0-9-]{0,20}$/.test(v), { message: 'must be up to 20 letters, digits or dashes' }),
  VINOSHIPPER_SHIPPING_CARRIER: nonEmpty('UPS'),
  VINOSHIPPER_SHIPPING_RATE_CODE: nonEmpty('03'),
  VINOSHIPPER_TIMEOUT: duration('10s'),
  VINOSHIPPER_WEBHOOK_TOKEN: nonEmpty('sandbox-vinoshipper-token'),

  RESEND_API_KEY: nonEmpty('re_sandbox'),
  RESEND_BASE_URL: url(`${SANDBOX_URL}/resend`),
  EMAIL_FROM: nonEmpty('cellarhand <orders@cellarhand.example>'),
  MERCHANT_ALERT_EMAIL: z.email({ message: 'must be an email address' }).default('winery@cellarhand.example'),

  SYNC_ENABLED: bool(true),
  VINOSHIPPER_POLL_INTERVAL: duration('15m'),
  ISSUE_RECHECK_INTERVAL: duration('30m'),
  UNREACHABLE_RETRY_INTERVAL: duration('10m'),
  REMINDER_AFTER: duration('24h'),
  AUTO_REFUND_ENABLED: bool(false),
  AUTO_REFUND_AFTER: duration('72h'),

  RECONCILE_ENABLED: bool(true),
  RECONCILE_INTERVAL: duration('5m'),
  RECONCILE_MAX_LOOKBACK: duration('7d'),

  ALERT_MODE: z.enum(['grouped', 'per_order'], { message: 'must be grouped or per_order' }).default('grouped'),
  ALERT_GROUP_WINDOW: duration('10m').refine((ms) => ms >= 1_000 && ms <= 86_400_000, { message: 'must be between 1s and 24h' }),
  DAILY_DIGEST_ENABLED: bool(true),
  DAILY_DIGEST_TIME: nonEmpty('08:00').refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: 'must be a local time such as 08:00 (24-hour clock)' }),
  DAILY_DIGEST_TIMEZONE: nonEmpty('America/Los_Angeles').refine(isTimeZone, { message: 'must be an IANA time zone such as America/Los_Angeles' }),
  CATALOG_CHECK_ENABLED: bool(true),
  CATALOG_CHECK_INTERVAL: duration('6h').refine((ms) => ms >= 60_000, { message: 'must be at least 1m' }),

  CODEC_KEYS: nonEmpty(`${SANDBOX_CODEC_KEY_ID}:${SANDBOX_CODEC_KEY}`).transform((v, ctx) => {
    const keys = v.split(',').map((entry) => entry.trim());
    const parsed = keys.map((entry) => {
      const [id, key] = entry.split(':');
      const bytes = key ? Buffer.from(key, 'base64') : Buffer.alloc(0);
      return { id, key: bytes };
    });
    if (parsed.some((k) => !k.id || !/^[A-Za-z0-9._-]{1,64}$/.test(k.id) || k.key.length !== 32)) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated id:base64 pairs of 32-byte AES keys, newest first' });
      return z.NEVER;
    }
    return parsed;
  }),
  CODEC_SERVER_TOKEN: nonEmpty('sandbox-codec-token').refine((v) => v.length >= 16, { message: 'must be at least 16 characters' }),
  CODEC_CORS_ORIGINS: list('http://localhost:8233'),

  SANDBOX: z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }).default('auto'),
  SANDBOX_PORT: port(SANDBOX_PORT),
  SANDBOX_STATE_FILE: z.string().trim().default('.cellarhand/data/sandbox.json'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath: string; keyPath: string };
    uiUrl: string;
  };
  api: { port: number; publicUrl: string; opsToken: string };
  shopify: {
    shopDomain: string;
    adminApiUrl: string;
    adminApiToken: string;
    apiVersion: string;
    webhookSecrets: string[];
  };
  vinoshipper: {
    apiUrl: string;
    apiKey: string;
    apiSecret: string;
    shippingRate: { carrier: string; rateCode: string };
    timeoutMs: number;
    /** Secret path segment of our Vinoshipper webhook URL (Vinoshipper signs nothing). */
    webhookToken: string;
  };
  email: { resendApiKey: string; resendBaseUrl: string; from: string; merchantAlertEmail: string };
  orders: OrderSettings;
  reconciliation: { enabled: boolean; intervalMs: number; maxLookbackMs: number };
  /** Merchant alerts: grouped per cause over a window (or one email per order), and the daily digest. */
  alerts: {
    mode: AlertMode;
    groupWindowMs: number;
    dailyDigest: { enabled: boolean; hour: number; minute: number; timeZone: string };
  };
  /** The scheduled SKU comparison between the Shopify catalogue and Vinoshipper's. */
  catalogCheck: { enabled: boolean; intervalMs: number };
  /** Payload encryption: `keys[0]` encrypts, every key decrypts (rotation). */
  codec: { keys: { id: string; key: Buffer }[]; serverToken: string; corsOrigins: string[] };
  /** `stateFile`: where the sandbox keeps its data between runs (relative to the project root); null = in memory. */
  sandbox: { enabled: boolean; port: number; url: string; stateFile: string | null };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`cellarhand cannot start: fix these environment variables (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into the typed configuration, or throws ConfigError. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both or neither');
  }
  for (const name of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'] as const) {
    const path = e[name];
    if (path && !existsSync(path)) problems.push(`${name}: no file at ${path}`);
  }
  const sandboxUrl = `http://localhost:${e.SANDBOX_PORT}`;
  const usesSandbox = [e.SHOPIFY_ADMIN_API_URL, e.VINOSHIPPER_API_URL, e.RESEND_BASE_URL].some((u) => isLocal(u, e.SANDBOX_PORT));
  if (e.NODE_ENV === 'production' && usesSandbox) {
    problems.push('SHOPIFY_ADMIN_API_URL, VINOSHIPPER_API_URL, RESEND_BASE_URL: production must not point at the sandbox');
  }
  if (e.NODE_ENV === 'production') {
    if (e.OPS_API_TOKEN === 'sandbox-ops-token') problems.push('OPS_API_TOKEN: production needs its own secret token, not the sandbox default');
    if (e.CODEC_KEYS.some((k) => k.id === SANDBOX_CODEC_KEY_ID)) problems.push('CODEC_KEYS: production needs its own keys, not the sandbox key');
    if (e.CODEC_SERVER_TOKEN === 'sandbox-codec-token') problems.push('CODEC_SERVER_TOKEN: production needs its own secret token');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS_CERT_PATH && e.TEMPORAL_TLS_KEY_PATH ? { certPath: e.TEMPORAL_TLS_CERT_PATH, keyPath: e.TEMPORAL_TLS_KEY_PATH } : undefined,
      uiUrl: e.TEMPORAL_UI_URL,
    },
    api: { port: e.API_PORT, publicUrl: e.CELLARHAND_API_URL, opsToken: e.OPS_API_TOKEN },
    shopify: {
      shopDomain: e.SHOPIFY_SHOP_DOMAIN,
      adminApiUrl: e.SHOPIFY_ADMIN_API_URL,
      adminApiToken: e.SHOPIFY_ADMIN_API_TOKEN,
      apiVersion: e.SHOPIFY_API_VERSION,
      webhookSecrets: e.SHOPIFY_WEBHOOK_SECRETS,
    },
    vinoshipper: {
      apiUrl: e.VINOSHIPPER_API_URL,
      apiKey: e.VINOSHIPPER_API_KEY,
      apiSecret: e.VINOSHIPPER_API_SECRET,
      shippingRate: { carrier: e.VINOSHIPPER_SHIPPING_CARRIER, rateCode: e.VINOSHIPPER_SHIPPING_RATE_CODE },
      timeoutMs: e.VINOSHIPPER_TIMEOUT,
      webhookToken: e.VINOSHIPPER_WEBHOOK_TOKEN,
    },
    email: {
      resendApiKey: e.RESEND_API_KEY,
      resendBaseUrl: e.RESEND_BASE_URL,
      from: e.EMAIL_FROM,
      merchantAlertEmail: e.MERCHANT_ALERT_EMAIL,
    },
    orders: {
      vinoshipperOrderPrefix: e.VINOSHIPPER_ORDER_PREFIX,
      excludeTag: e.SHOPIFY_EXCLUDE_TAG,
      syncEnabled: e.SYNC_ENABLED,
      dateOfBirthAttribute: e.SHOPIFY_DOB_ATTRIBUTE,
      vinoshipperPollIntervalMs: e.VINOSHIPPER_POLL_INTERVAL,
      issueRecheckIntervalMs: e.ISSUE_RECHECK_INTERVAL,
      unreachableRetryIntervalMs: e.UNREACHABLE_RETRY_INTERVAL,
      reminderAfterMs: e.REMINDER_AFTER,
      autoRefundEnabled: e.AUTO_REFUND_ENABLED,
      autoRefundAfterMs: e.AUTO_REFUND_AFTER,
      alertMode: e.ALERT_MODE,
    },
    reconciliation: { enabled: e.RECONCILE_ENABLED, intervalMs: e.RECONCILE_INTERVAL, maxLookbackMs: e.RECONCILE_MAX_LOOKBACK },
    alerts: {
      mode: e.ALERT_MODE,
      groupWindowMs: e.ALERT_GROUP_WINDOW,
      dailyDigest: {
        enabled: e.DAILY_DIGEST_ENABLED,
        hour: Number(e.DAILY_DIGEST_TIME.slice(0, 2)),
        minute: Number(e.DAILY_DIGEST_TIME.slice(3, 5)),
        timeZone: e.DAILY_DIGEST_TIMEZONE,
      },
    },
    catalogCheck: { enabled: e.CATALOG_CHECK_ENABLED, intervalMs: e.CATALOG_CHECK_INTERVAL },
    codec: { keys: e.CODEC_KEYS, serverToken: e.CODEC_SERVER_TOKEN, corsOrigins: e.CODEC_CORS_ORIGINS },
    sandbox: {
      enabled: e.SANDBOX === 'on' || (e.SANDBOX === 'auto' && usesSandbox),
      port: e.SANDBOX_PORT,
      url: sandboxUrl,
      stateFile: e.SANDBOX_STATE_FILE || null,
    },
  };
}

/** Node's Intl knows the IANA zones Temporal's schedules accept. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isLocal(u: string, sandboxPort: number): boolean {
  const { hostname, port } = new URL(u);
  return ['localhost', '127.0.0.1', '::1'].includes(hostname) && Number(port) === sandboxPort;
}

/**
 * For process entry points: reads `.env` if present (Node's own loader), parses, and on a bad
 * environment prints the named problems and exits 1 instead of a stack trace.
 */
export function loadConfigOrExit(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
