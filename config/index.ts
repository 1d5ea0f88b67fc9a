// The one place environment variables are read. Every variable is parsed with zod at start-up; a
// bad or missing one stops the process with a message naming each of them. Defaults are the
// sandbox's, so `npm start` works with no .env at all; pointing at the real services is only
// configuration.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { rateLimitedTaskQueues, type OrderSettings } from '../domain/settings';

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
const optionalList = optional.transform((v) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
/** An empty value (`LOG_LEVEL=` in .env) means "use the default". */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const list = (fallback: string) =>
  nonEmpty(fallback).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const SANDBOX_PORT = 3001;
/** express's `trust proxy` values: hop count, true/false, or addresses, subnets and names like `loopback`. */
const TRUST_PROXY = /^(\d{1,2}|true|false|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
// A well-known key so `npm start` works with no setup; production refuses it.
const SANDBOX_CODEC_KEY_ID = 'sandbox-1';
const SANDBOX_CODEC_KEY = Buffer.alloc(32, 7).toString('base64');
const SANDBOX_URL = `http://localhost:${SANDBOX_PORT}`;

/** Where the sandbox serves each stand-in (sandbox/index.ts mounts them): the URLs that point the clients at it. */
export function sandboxServiceUrls(sandboxUrl: string): { SHOPIFY_ADMIN_API_URL: string; VINOSHIPPER_API_URL: string; RESEND_BASE_URL: string } {
  return {
    SHOPIFY_ADMIN_API_URL: `${sandboxUrl}/shopify`,
    VINOSHIPPER_API_URL: `${sandboxUrl}/vinoshipper/api/v3/p`,
    RESEND_BASE_URL: `${sandboxUrl}/resend`,
  };
}
const SANDBOX_SERVICES = sandboxServiceUrls(SANDBOX_URL);

/**
 * The sandbox's Shopify app: with no Shopify credentials set, cellarhand authenticates the way a
 * new winery's Dev Dashboard app does (client credentials grant) against these. Production refuses them.
 */
export const SANDBOX_SHOPIFY_APP = {
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  /** The legacy static token the sandbox store also accepts (SHOPIFY_ADMIN_API_TOKEN). */
  accessToken: 'shpat_sandbox',
  /** What verifies webhooks when the legacy token is used and SHOPIFY_WEBHOOK_SECRETS is not set. */
  webhookSecret: 'sandbox-webhook-secret',
} as const;

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
  // 500 ms: a hand-over takes ~30 ms at half capacity (p99); what is left of the 1 s answer is the
  // queue ahead of the route on a loaded host (750 ms gave a 503 p99 of 1,026 ms on PostgreSQL).
  WEBHOOK_HANDOVER_TIMEOUT: duration('500ms'),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1, 'must be a whole number ≥ 1').default(100),
  OPS_API_TOKEN: nonEmpty('sandbox-ops-token').refine((v) => v.length >= 16, { message: 'must be at least 16 characters' }),
  // Which proxies the API believes about the client's address and scheme (express's `trust proxy`):
  // the console's HTTPS-only rule and its sign-in rate limit read them.
  API_TRUST_PROXY: optional.refine((v) => v === undefined || TRUST_PROXY.test(v), {
    message: 'must be a number of proxy hops (1), true/false, or comma-separated addresses or subnets (loopback, 10.0.0.0/8)',
  }),

  // The console (/console): the winery's page for stuck orders.
  CONSOLE_ENABLED: bool(true),
  /** Empty: sign in with OPS_API_TOKEN. */
  CONSOLE_PASSWORD: optional.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  CONSOLE_SESSION_TTL: duration('12h').refine((ms) => ms >= 60_000 && ms <= 7 * 86_400_000, { message: 'must be between 1m and 7d' }),
  /** The order's page in Vinoshipper's dashboard, `{orderNumber}` standing for the number. */
  VINOSHIPPER_ORDER_URL: optional.refine((v) => v === undefined || (URL.canParse(v.replace('{orderNumber}', 'X')) && v.includes('{orderNumber}')), {
    message: 'must be an http(s) URL containing {orderNumber}, e.g. https://vinoshipper.com/…/{orderNumber}',
  }),

  SHOPIFY_SHOP_DOMAIN: nonEmpty('cellarhand-demo.myshopify.com').refine((v) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(v), {
    message: 'must be the shop’s myshopify.com domain, e.g. my-winery.myshopify.com',
  }),
  SHOPIFY_ADMIN_API_URL: url(SANDBOX_SERVICES.SHOPIFY_ADMIN_API_URL),
  SHOPIFY_CLIENT_ID: optional,
  SHOPIFY_CLIENT_SECRET: optional,
  SHOPIFY_ADMIN_API_TOKEN: optional,
  SHOPIFY_API_VERSION: nonEmpty('2026-10').refine((v) => /^\d{4}-(01|04|07|10)$/.test(v), {
    message: 'must be a Shopify API version such as 2026-10',
  }),
  SHOPIFY_WEBHOOK_SECRETS: optionalList,
  SHOPIFY_WEBHOOK_SUBSCRIPTIONS: z.enum(['api', 'toml'], { message: 'must be api or toml' }).default('api'),
  SHOPIFY_DOB_ATTRIBUTE: nonEmpty('date_of_birth'),
  SHOPIFY_EXCLUDE_TAG: nonEmpty('vinoshipper-skip'),

  VINOSHIPPER_API_URL: url(SANDBOX_SERVICES.VINOSHIPPER_API_URL),
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
  RESEND_BASE_URL: url(SANDBOX_SERVICES.RESEND_BASE_URL),
  EMAIL_FROM: nonEmpty('cellarhand <orders@cellarhand.example>'),
  MERCHANT_ALERT_EMAIL: z.email({ message: 'must be an email address' }).default('winery@cellarhand.example'),

  SYNC_ENABLED: bool(true),
  SYNC_ORDERS_CREATED_AFTER: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), {
      message: 'must be an ISO date or timestamp such as 2026-12-01 or 2026-12-01T00:00:00Z',
    })
    .transform((v) => (v === undefined ? undefined : new Date(v).toISOString())),
  AUTHORIZED_PAYMENTS: z.enum(['wait', 'send'], { message: 'must be wait or send' }).default('wait'),
  PAYMENT_REMINDER_AFTER: duration('3d'),
  RECHECK_BACKOFF: nonEmpty('15m,1h,4h,12h,2d,3d').transform((v, ctx) => {
    const steps = v.split(',').map((s) => s.trim());
    if (!steps.every((s) => DURATION.test(s))) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated durations such as 15m,1h,4h,12h,2d,3d' });
      return z.NEVER;
    }
    return steps.map(parseDuration);
  }),
  UNREACHABLE_RETRY_INTERVAL: duration('10m'),
  SKIPPED_RESUME_WINDOW: duration('30d'),
  VINOSHIPPER_RATE_LIMIT: z.coerce.number().positive('must be a positive number of requests per second').default(2),
  RESEND_RATE_LIMIT: z.coerce.number().positive('must be a positive number of requests per second').default(2),
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
  SANDBOX_SHOPIFY_TOKEN_LIFETIME: duration('24h'),

  // Observability: logs on stdout, Prometheus metrics with health and readiness on a port of each process.
  LOG_LEVEL: unsetWhenEmpty(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })),
  LOG_FORMAT: unsetWhenEmpty(z.enum(['json', 'pretty'], { message: 'must be json or pretty' })),
  WORKER_MAX_CACHED_WORKFLOWS: z
    .union([z.literal('auto'), z.coerce.number().int().min(2).max(100_000)], { message: 'must be auto or a whole number ≥ 2' })
    .default('auto'),
  WORKER_METRICS_PORT: port(9464),
  API_METRICS_PORT: port(9465),
  ORDER_METRICS_INTERVAL: duration('1m'),
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
  /**
   * `handOverTimeoutMs`: how long a webhook waits for Temporal to take it before answering 503 (the
   * sender retries); `maxHandOversInFlight`: beyond this many waiting at once, 503 at once.
   */
  api: {
    port: number;
    publicUrl: string;
    opsToken: string;
    /** express's `trust proxy`; undefined: trust no proxy (the client's own address and scheme). */
    trustProxy: boolean | number | string | undefined;
    handOverTimeoutMs: number;
    maxHandOversInFlight: number;
  };
  console: ConsoleConfig;
  shopify: {
    shopDomain: string;
    adminApiUrl: string;
    auth: ShopifyAuth;
    apiVersion: string;
    /** Any one verifies a webhook (several during a secret rotation). */
    webhookSecrets: string[];
    /** Where the webhook subscriptions live: created through the Admin API, or declared in shopify.app.toml. */
    webhookSubscriptions: 'api' | 'toml';
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
  /** `auto`: the sticky cache sized to the heap the worker runs with (worker/memory.ts). */
  worker: { maxCachedWorkflows: number | 'auto' };
  /** Server-side budgets of the rate-limited task queues: one for the whole deployment, however many workers. */
  rateLimits: { vinoshipperPerSecond: number; resendPerSecond: number };
  reconciliation: { enabled: boolean; intervalMs: number; maxLookbackMs: number };
  /** Merchant alerts: grouped per cause over a window (the mode is `orders.alertMode`), and the daily digest. */
  alerts: {
    groupWindowMs: number;
    dailyDigest: { enabled: boolean; hour: number; minute: number; timeZone: string };
  };
  /** The scheduled SKU comparison between the Shopify catalogue and Vinoshipper's. */
  catalogCheck: { enabled: boolean; intervalMs: number };
  /** Payload encryption: `keys[0]` encrypts, every key decrypts (rotation). */
  codec: { keys: { id: string; key: Buffer }[]; serverToken: string; corsOrigins: string[] };
  /** `stateFile`: where the sandbox keeps its data between runs (relative to the project root); null = in memory. */
  sandbox: { enabled: boolean; port: number; url: string; stateFile: string | null; shopifyTokenLifetimeMs: number };
  /**
   * Logs: JSON lines unless `pretty` (the default in development). Metrics ports: `/metrics`,
   * `/health` and `/ready` of the worker and of the API; null = not served (port 0).
   */
  observability: {
    logLevel: LogLevel;
    logFormat: 'json' | 'pretty';
    workerMetricsPort: number | null;
    apiMetricsPort: number | null;
    /** How often the worker refreshes the order gauges from Temporal visibility. */
    orderMetricsIntervalMs: number;
  };
}

export interface ConsoleConfig {
  enabled: boolean;
  /** What signs a person in: CONSOLE_PASSWORD, or else the ops token. */
  password: string;
  sessionTtlMs: number;
  /** Secure cookies, `__Host-` names and HTTPS-only pages: production, or a public https URL. */
  secure: boolean;
  /** Where the console links an order: `{id}` is the Shopify order id, `{orderNumber}` Vinoshipper's number; null: no link. */
  links: { shopifyOrder: string; vinoshipperOrder: string | null };
}

/**
 * How cellarhand gets its Admin API token: the client credentials grant of a Dev Dashboard app
 * (a token fetched and renewed at run time), or a legacy custom app's static `shpat_` token.
 */
export type ShopifyAuth = { kind: 'client_credentials'; clientId: string; clientSecret: string } | { kind: 'access_token'; accessToken: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`cellarhand cannot start: fix these environment variables (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into the typed configuration, or throws ConfigError. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  // Production's rules read the raw values, so one message names every problem, parse errors included.
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (source.NODE_ENV === 'production') problems.push(...productionProblems(source));
  if (!parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both or neither');
  }
  for (const name of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'] as const) {
    const path = e[name];
    if (path && !existsSync(path)) problems.push(`${name}: no file at ${path}`);
  }
  if (e.API_METRICS_PORT && e.API_METRICS_PORT === e.API_PORT) problems.push('API_METRICS_PORT: must differ from API_PORT (0 turns it off)');
  const shopifyAuth = resolveShopifyAuth(e, problems);
  const webhookSecrets =
    e.SHOPIFY_WEBHOOK_SECRETS ?? (shopifyAuth.kind === 'client_credentials' ? [shopifyAuth.clientSecret] : [SANDBOX_SHOPIFY_APP.webhookSecret]);
  if (!e.SHOPIFY_WEBHOOK_SECRETS?.length && shopifyAuth.kind === 'access_token' && e.NODE_ENV === 'production') {
    problems.push("SHOPIFY_WEBHOOK_SECRETS: with SHOPIFY_ADMIN_API_TOKEN, set the app's API secret key that signs its webhooks");
  }
  if (problems.length) throw new ConfigError(problems);

  const sandboxUrl = `http://localhost:${e.SANDBOX_PORT}`;
  const usesSandbox = [e.SHOPIFY_ADMIN_API_URL, e.VINOSHIPPER_API_URL, e.RESEND_BASE_URL].some((u) => isLocal(u, e.SANDBOX_PORT));
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
    api: {
      port: e.API_PORT,
      publicUrl: e.CELLARHAND_API_URL,
      opsToken: e.OPS_API_TOKEN,
      trustProxy: trustProxy(e.API_TRUST_PROXY),
      handOverTimeoutMs: e.WEBHOOK_HANDOVER_TIMEOUT,
      maxHandOversInFlight: e.WEBHOOK_MAX_IN_FLIGHT,
    },
    console: {
      enabled: e.CONSOLE_ENABLED,
      password: e.CONSOLE_PASSWORD ?? e.OPS_API_TOKEN,
      sessionTtlMs: e.CONSOLE_SESSION_TTL,
      secure: e.NODE_ENV === 'production' || e.CELLARHAND_API_URL.startsWith('https:'),
      links: {
        // The sandbox's stores have no admin pages: their control routes show the order instead.
        shopifyOrder: isLocal(e.SHOPIFY_ADMIN_API_URL, e.SANDBOX_PORT)
          ? `${sandboxUrl}/sandbox/shopify/orders/{id}`
          : `https://admin.shopify.com/store/${e.SHOPIFY_SHOP_DOMAIN.replace(/\.myshopify\.com$/, '')}/orders/{id}`,
        vinoshipperOrder:
          e.VINOSHIPPER_ORDER_URL ?? (isLocal(e.VINOSHIPPER_API_URL, e.SANDBOX_PORT) ? `${sandboxUrl}/sandbox/vinoshipper/orders/{orderNumber}` : null),
      },
    },
    shopify: {
      shopDomain: e.SHOPIFY_SHOP_DOMAIN,
      adminApiUrl: e.SHOPIFY_ADMIN_API_URL,
      auth: shopifyAuth,
      apiVersion: e.SHOPIFY_API_VERSION,
      webhookSecrets,
      webhookSubscriptions: e.SHOPIFY_WEBHOOK_SUBSCRIPTIONS,
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
      // The install time fills this in when unset (temporal/shop-settings.ts).
      ordersCreatedAfter: e.SYNC_ORDERS_CREATED_AFTER ?? null,
      authorizedPayments: e.AUTHORIZED_PAYMENTS,
      paymentReminderAfterMs: e.PAYMENT_REMINDER_AFTER,
      dateOfBirthAttribute: e.SHOPIFY_DOB_ATTRIBUTE,
      recheckBackoffMs: e.RECHECK_BACKOFF,
      unreachableRetryIntervalMs: e.UNREACHABLE_RETRY_INTERVAL,
      reminderAfterMs: e.REMINDER_AFTER,
      autoRefundEnabled: e.AUTO_REFUND_ENABLED,
      autoRefundAfterMs: e.AUTO_REFUND_AFTER,
      skippedResumeWindowMs: e.SKIPPED_RESUME_WINDOW,
      alertMode: e.ALERT_MODE,
      taskQueues: rateLimitedTaskQueues(e.TEMPORAL_TASK_QUEUE),
    },
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    rateLimits: { vinoshipperPerSecond: e.VINOSHIPPER_RATE_LIMIT, resendPerSecond: e.RESEND_RATE_LIMIT },
    reconciliation: { enabled: e.RECONCILE_ENABLED, intervalMs: e.RECONCILE_INTERVAL, maxLookbackMs: e.RECONCILE_MAX_LOOKBACK },
    alerts: {
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
      shopifyTokenLifetimeMs: e.SANDBOX_SHOPIFY_TOKEN_LIFETIME,
    },
    observability: {
      // Tests keep their output for failures.
      logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
      logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
      workerMetricsPort: e.WORKER_METRICS_PORT || null,
      apiMetricsPort: e.API_METRICS_PORT || null,
      orderMetricsIntervalMs: e.ORDER_METRICS_INTERVAL,
    },
  };
}

/**
 * Client credentials (a Dev Dashboard app) or the legacy static token: one of the two, never both.
 * With neither, the sandbox's app outside production.
 */
function resolveShopifyAuth(e: Env, problems: string[]): ShopifyAuth {
  const { SHOPIFY_CLIENT_ID: clientId, SHOPIFY_CLIENT_SECRET: clientSecret, SHOPIFY_ADMIN_API_TOKEN: accessToken } = e;
  if (clientId || clientSecret) {
    if (!clientId || !clientSecret) problems.push('SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET: set both (Dev Dashboard → your app → Settings)');
    if (accessToken) problems.push('SHOPIFY_ADMIN_API_TOKEN: set either the app’s client ID and secret or the legacy token, not both');
    return { kind: 'client_credentials', clientId: clientId ?? '', clientSecret: clientSecret ?? '' };
  }
  if (accessToken) return { kind: 'access_token', accessToken };
  if (e.NODE_ENV === 'production') {
    problems.push('SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET: production needs the app’s credentials (or the legacy SHOPIFY_ADMIN_API_TOKEN)');
  }
  return { kind: 'client_credentials', clientId: SANDBOX_SHOPIFY_APP.clientId, clientSecret: SANDBOX_SHOPIFY_APP.clientSecret };
}

/** Variables whose default only suits the sandbox or an example: production needs each set to its own value. */
const PRODUCTION_REQUIRED: Record<string, string> = {
  SHOPIFY_SHOP_DOMAIN: 'the winery’s own myshopify.com domain',
  SHOPIFY_ADMIN_API_URL: 'https://<shop>.myshopify.com',
  VINOSHIPPER_API_URL: 'https://vinoshipper.com/api/v3/p',
  VINOSHIPPER_API_KEY: 'the producer’s Vinoshipper API key',
  VINOSHIPPER_API_SECRET: 'the producer’s Vinoshipper API secret',
  VINOSHIPPER_WEBHOOK_TOKEN: 'a long random secret for the Vinoshipper webhook path',
  VINOSHIPPER_ORDER_PREFIX: 'a prefix of this winery’s own (Vinoshipper order numbers are unique across all of Vinoshipper), e.g. NAPA-',
  RESEND_API_KEY: 'the Resend API key',
  RESEND_BASE_URL: 'https://api.resend.com',
  EMAIL_FROM: 'a sender on a domain verified in Resend',
  MERCHANT_ALERT_EMAIL: 'the winery address that gets order-issue emails',
  CELLARHAND_API_URL: 'the API’s public https URL, where Shopify delivers webhooks',
  TEMPORAL_UI_URL: 'the Temporal Web UI address the winery’s staff open (links in emails)',
  OPS_API_TOKEN: 'a long random secret',
  CODEC_KEYS: 'keys of its own',
  CODEC_SERVER_TOKEN: 'a long random secret',
};

/** Values known to be the sandbox's: refused in production even when set explicitly. */
const SANDBOX_VALUES: Record<string, readonly string[]> = {
  SHOPIFY_SHOP_DOMAIN: ['cellarhand-demo.myshopify.com'],
  SHOPIFY_CLIENT_ID: [SANDBOX_SHOPIFY_APP.clientId],
  SHOPIFY_CLIENT_SECRET: [SANDBOX_SHOPIFY_APP.clientSecret],
  SHOPIFY_ADMIN_API_TOKEN: [SANDBOX_SHOPIFY_APP.accessToken],
  VINOSHIPPER_API_KEY: ['1001.sandbox'],
  VINOSHIPPER_API_SECRET: ['sandbox-secret'],
  VINOSHIPPER_WEBHOOK_TOKEN: ['sandbox-vinoshipper-token'],
  RESEND_API_KEY: ['re_sandbox'],
  OPS_API_TOKEN: ['sandbox-ops-token'],
  CODEC_SERVER_TOKEN: ['sandbox-codec-token'],
};
const SANDBOX_WEBHOOK_SECRETS: readonly string[] = [SANDBOX_SHOPIFY_APP.webhookSecret, SANDBOX_SHOPIFY_APP.clientSecret];
const EXAMPLE_EMAIL_DOMAIN = /@[^>\s]*\.example>?\s*$/i;

/** Every sandbox or example default production would otherwise run with, each named once. */
function productionProblems(source: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const raw = (name: string) => source[name]?.trim() || undefined;
  for (const [name, wanted] of Object.entries(PRODUCTION_REQUIRED)) {
    if (raw(name) === undefined) problems.push(`${name}: production needs it set to ${wanted} (its default is for the local sandbox)`);
  }
  for (const [name, values] of Object.entries(SANDBOX_VALUES)) {
    const value = raw(name);
    if (value !== undefined && values.includes(value)) problems.push(`${name}: production must not use the sandbox’s value`);
  }
  if ((raw('CODEC_KEYS') ?? '').split(',').some((k) => k.trim().startsWith(`${SANDBOX_CODEC_KEY_ID}:`))) {
    problems.push('CODEC_KEYS: production needs its own keys, not the sandbox key');
  }
  const secrets = (raw('SHOPIFY_WEBHOOK_SECRETS') ?? '').split(',').map((v) => v.trim());
  if (secrets.some((v) => SANDBOX_WEBHOOK_SECRETS.includes(v)))
    problems.push('SHOPIFY_WEBHOOK_SECRETS: production must not accept the sandbox’s signing secret');
  for (const name of ['EMAIL_FROM', 'MERCHANT_ALERT_EMAIL']) {
    const value = raw(name);
    if (value !== undefined && EXAMPLE_EMAIL_DOMAIN.test(value)) problems.push(`${name}: production needs a real address, not one at an .example domain`);
  }
  problems.push(...consoleProductionProblems(raw));
  const sandboxPort = Number(raw('SANDBOX_PORT') ?? SANDBOX_PORT);
  for (const name of ['SHOPIFY_ADMIN_API_URL', 'VINOSHIPPER_API_URL', 'RESEND_BASE_URL']) {
    const value = raw(name);
    if (value !== undefined && isLocal(value, sandboxPort)) problems.push(`${name}: production must not point at the sandbox`);
  }
  return problems;
}

/**
 * The console signs people in and acts on orders: in production only over HTTPS. The API speaks
 * plain HTTP, so HTTPS comes from a proxy in front, which the API must be told to believe.
 */
function consoleProductionProblems(raw: (name: string) => string | undefined): string[] {
  if (['false', '0', 'no', 'off'].includes(raw('CONSOLE_ENABLED') ?? '')) return [];
  const problems: string[] = [];
  const publicUrl = raw('CELLARHAND_API_URL');
  if (publicUrl !== undefined && !publicUrl.startsWith('https://')) {
    problems.push('CELLARHAND_API_URL: the console is HTTPS-only in production: use the https address (or CONSOLE_ENABLED=false)');
  }
  const proxy = raw('API_TRUST_PROXY');
  if (proxy === undefined || proxy === 'false') {
    problems.push(
      'API_TRUST_PROXY: the console needs the TLS proxy in front of the API named (its hops, e.g. 1, or its addresses) so it can tell HTTPS requests and client addresses (or CONSOLE_ENABLED=false)',
    );
  } else if (proxy === 'true') {
    problems.push('API_TRUST_PROXY: true believes any client’s X-Forwarded-* headers; name the proxy’s hops (1) or addresses instead');
  }
  return problems;
}

/** `API_TRUST_PROXY` as express takes it. */
function trustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
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
  if (!URL.canParse(u)) return false;
  const { hostname, port } = new URL(u);
  return ['localhost', '127.0.0.1', '[::1]'].includes(hostname) && Number(port) === sandboxPort;
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
