// Where ShopifyAdmin's Admin API token comes from. A Dev Dashboard app gets it through the client
// credentials grant (POST /admin/oauth/access_token with its client ID and secret); it lasts about
// 24 hours and is fetched again the same way. A legacy custom app has one static `shpat_` token.
// The token lives in this object's memory only: it never goes into workflow history, a log line or
// an error message.
import { z } from 'zod';
import type { ShopifyAuth } from '../../config';
import { observeCall, type CallObserver } from '../call-observer';
import { shopifyCallOutcome, ShopifyError } from './errors';

export interface AccessTokenSource {
  /** The token to send now. */
  token(): Promise<string>;
  /**
   * Shopify answered 401 to `token`. True when a fresh token can be fetched (the caller then tries
   * once more); false when there is nothing else to try (a static token).
   */
  rejected(token: string): boolean;
}

/** A legacy custom app's static Admin API token (SHOPIFY_ADMIN_API_TOKEN). */
export class StaticAccessToken implements AccessTokenSource {
  constructor(private readonly accessToken: string) {}

  async token(): Promise<string> {
    return this.accessToken;
  }

  rejected(): boolean {
    return false;
  }
}

export interface ClientCredentialsOptions {
  shopDomain: string;
  /** "https://my-shop.myshopify.com", or the sandbox's ".../shopify": the token endpoint is below it. */
  adminApiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Injectable clock for tests of renewal. */
  now?: () => number;
  /** Told about every token request (metrics). */
  observer?: CallObserver;
}

export interface GrantedToken {
  accessToken: string;
  /** The access scopes Shopify granted, e.g. ["read_orders", "write_orders"]. */
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

const grantSchema = z.object({
  access_token: z.string().min(1),
  scope: z.string().default(''),
  expires_in: z.number().positive().optional(),
});

/** Shopify documents about 24 hours; used when an answer does not say. */
const DEFAULT_LIFETIME_S = 24 * 60 * 60;
/** Renew this long before expiry (at most a tenth of the lifetime), so no call carries a token that lapses in flight. */
const RENEW_MARGIN_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The client credentials grant, fetched once for all concurrent callers (one request in flight at a
 * time), renewed before it expires and again when Shopify refuses it.
 */
export class ClientCredentialsToken implements AccessTokenSource {
  private current: (GrantedToken & { renewAt: number }) | null = null;
  private pending: Promise<GrantedToken> | null = null;
  private readonly now: () => number;
  /** Token requests made: what a test or the doctor can count. */
  requests = 0;

  constructor(private readonly opts: ClientCredentialsOptions) {
    this.now = opts.now ?? Date.now;
  }

  async token(): Promise<string> {
    return (await this.grant()).accessToken;
  }

  /** The held token, or a new one when none is held or it is due for renewal. */
  async grant(): Promise<GrantedToken> {
    if (this.current && this.now() < this.current.renewAt) return this.current;
    this.pending ??= this.request().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  rejected(token: string): boolean {
    if (this.current?.accessToken === token) this.current = null;
    return true;
  }

  private async request(): Promise<GrantedToken> {
    this.requests += 1;
    return observeCall(
      this.opts.observer,
      { system: 'shopify', operation: 'POST /admin/oauth/access_token' },
      () => this.grantRequest(),
      (result) => ('error' in result ? shopifyCallOutcome(result.error) : 'ok'),
    );
  }

  private async grantRequest(): Promise<GrantedToken> {
    const url = `${this.opts.adminApiUrl.replace(/\/+$/, '')}/admin/oauth/access_token`;
    let res: Response;
    let text: string;
    try {
      // Form-encoded, as Shopify's own documentation sends it.
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.opts.clientId, client_secret: this.opts.clientSecret }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new ShopifyError('transient', `Shopify access token: no answer from ${this.opts.shopDomain} (${why})`);
    }
    if (!res.ok) throw grantRefused(this.opts.shopDomain, res.status, text);

    const parsed = grantSchema.safeParse(parseJson(text));
    if (!parsed.success)
      throw new ShopifyError('transient', `Shopify access token: ${this.opts.shopDomain} answered HTTP ${res.status} without a token`, res.status);
    const obtainedAt = this.now();
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
    const granted = {
      accessToken: parsed.data.access_token,
      scopes: splitScopes(parsed.data.scope),
      expiresAt: obtainedAt + lifetimeMs,
      renewAt: obtainedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10),
    };
    this.current = granted;
    return granted;
  }
}

/** "read_orders,write_orders" → ['read_orders', 'write_orders']. */
export function splitScopes(scope: string): string[] {
  return scope
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * What a refused grant means for the person setting it up. Shopify answers OAuth errors as JSON
 * (`{"error", "error_description"}`) or as a short text page; both are searched for its codes.
 */
export function grantRefused(shopDomain: string, status: number, body: string): ShopifyError {
  const json = parseJson(body) as { error?: unknown; error_description?: unknown } | undefined;
  const code =
    typeof json?.error === 'string' ? json.error : (/\b(invalid_client|app_not_installed|shop_not_permitted|invalid_request)\b/.exec(body)?.[1] ?? null);
  const said =
    typeof json?.error_description === 'string'
      ? json.error_description
      : body
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200);
  const prefix = `Shopify access token for ${shopDomain}: HTTP ${status}${code ? ` ${code}` : ''}${said ? ` (${said})` : ''}`;
  if (status === 429 || status >= 500) return new ShopifyError('transient', prefix, status);
  if (code === 'app_not_installed') {
    return new ShopifyError(
      'configuration',
      `${prefix}. The app is not installed on this store (or was uninstalled): install it from the Dev Dashboard (your app → Install app).`,
      status,
      code,
    );
  }
  if (code === 'shop_not_permitted') {
    return new ShopifyError(
      'configuration',
      `${prefix}. The client credentials grant only works for an app of the store's own organisation: create the app in the Dev Dashboard of the organisation that owns ${shopDomain}.`,
      status,
      code,
    );
  }
  if (code === 'invalid_client' || status === 401) {
    return new ShopifyError(
      'configuration',
      `${prefix}. Shopify refused the client ID or secret: copy both again from the Dev Dashboard (your app → Settings) into SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET.`,
      status,
      'invalid_client',
    );
  }
  return new ShopifyError(
    'configuration',
    `${prefix}. Check SHOPIFY_SHOP_DOMAIN, SHOPIFY_ADMIN_API_URL and the client credentials.`,
    status,
    code ?? undefined,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The token source the configuration asks for (config.shopify); `observer` counts its token requests. */
export function accessTokenSource(shopify: { shopDomain: string; adminApiUrl: string; auth: ShopifyAuth }, observer?: CallObserver): AccessTokenSource {
  return shopify.auth.kind === 'client_credentials'
    ? new ClientCredentialsToken({
        shopDomain: shopify.shopDomain,
        adminApiUrl: shopify.adminApiUrl,
        clientId: shopify.auth.clientId,
        clientSecret: shopify.auth.clientSecret,
        observer,
      })
    : new StaticAccessToken(shopify.auth.accessToken);
}
