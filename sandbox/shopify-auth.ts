// The sandbox store's side of app authentication: the client credentials grant of a Dev Dashboard
// app (POST /admin/oauth/access_token → a token that expires), a legacy custom app's static token,
// and which access scopes the installed app holds. Issued tokens live in memory: a restarted sandbox
// answers 401 to the old ones, as a store does to a revoked token, and clients fetch a new one.
import { randomBytes } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { parseDuration } from '../config';

export interface ShopifyAppOptions {
  clientId: string;
  clientSecret: string;
  /** The legacy static token the store also accepts. */
  staticAccessToken: string;
  /** Access scopes granted at install. */
  scopes: readonly string[];
  tokenLifetimeMs: number;
}

interface AppSettings {
  installed: boolean;
  scopes: string[];
  tokenLifetimeMs: number;
}

/** What a request's token may do, or why it may do nothing. */
export type TokenCheck = { ok: true; scopes: string[] } | { ok: false };

const settingsInput = z.strictObject({
  installed: z.boolean().optional(),
  scopes: z
    .array(z.string().regex(/^(read|write|unauthenticated_read|unauthenticated_write)_[a-z_]+$/, 'must be an access scope such as read_orders'))
    .optional(),
  tokenLifetime: z
    .string()
    .refine((v) => /^\d+(ms|s|m|h|d)$/.test(v), 'must be a duration such as 5s or 24h')
    .transform(parseDuration)
    .optional(),
});

export class ShopifyAppAuth {
  private settings: AppSettings;
  private tokens = new Map<string, { expiresAt: number }>();
  /** Token requests answered (granted or refused) since start: what tests count. */
  private requests = { granted: 0, refused: 0 };

  constructor(private readonly opts: ShopifyAppOptions) {
    this.settings = this.initialSettings();
  }

  /** Back to the app as installed with its options (issued tokens and counts stay). */
  reset(): void {
    this.settings = this.initialSettings();
  }

  /** The scopes a token may use, if Shopify would accept it now. */
  check(token: string | undefined): TokenCheck {
    if (!token || !this.settings.installed) return { ok: false };
    if (token === this.opts.staticAccessToken) return { ok: true, scopes: this.settings.scopes };
    const issued = this.tokens.get(token);
    if (!issued) return { ok: false };
    if (issued.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return { ok: false };
    }
    return { ok: true, scopes: this.settings.scopes };
  }

  /** POST /admin/oauth/access_token: form-encoded (as Shopify documents) or JSON (as its Node library sends). */
  grantRoute(): Router {
    const router = Router();
    router.post('/admin/oauth/access_token', express.urlencoded({ extended: false }), express.json(), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials') {
        return this.refuse(res, 400, 'unsupported_grant_type', 'The sandbox store supports grant_type=client_credentials only.');
      }
      if (body.client_id !== this.opts.clientId || body.client_secret !== this.opts.clientSecret) {
        return this.refuse(
          res,
          400,
          'invalid_client',
          'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
        );
      }
      if (!this.settings.installed) {
        // Shopify answers this one as a short text page, not JSON.
        this.requests.refused += 1;
        res.status(400).type('text/plain').send('Oauth error app_not_installed: The application is not installed on this shop.');
        return;
      }
      const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
      const lifetimeMs = this.settings.tokenLifetimeMs;
      this.tokens.set(accessToken, { expiresAt: Date.now() + lifetimeMs });
      this.requests.granted += 1;
      res.json({ access_token: accessToken, scope: this.settings.scopes.join(','), expires_in: Math.max(1, Math.round(lifetimeMs / 1000)) });
    });
    return router;
  }

  /** Mounted under /sandbox/shopify: counts, revocation, and the installed app's settings. */
  controlRoutes(): Router {
    const router = Router();
    router.get('/access-tokens', (_req, res) => {
      res.json(this.report());
    });
    // As when the app's secret is rotated or it is reinstalled: every issued token stops working.
    router.delete('/access-tokens', (_req, res) => {
      const revoked = this.tokens.size;
      this.tokens.clear();
      res.json({ revoked, ...this.report() });
    });
    router.get('/app', (_req, res) => {
      res.json(this.settingsView());
    });
    router.patch('/app', express.json(), (req, res) => {
      const parsed = settingsInput.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).json({ message: 'Invalid app settings', problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
        return;
      }
      const { installed, scopes, tokenLifetime } = parsed.data;
      if (installed !== undefined) this.settings.installed = installed;
      if (installed === false) this.tokens.clear(); // uninstalling revokes the app's tokens
      if (scopes) this.settings.scopes = scopes;
      if (tokenLifetime !== undefined) this.settings.tokenLifetimeMs = tokenLifetime;
      res.json(this.settingsView());
    });
    return router;
  }

  private report() {
    const now = Date.now();
    return {
      requests: this.requests.granted + this.requests.refused,
      granted: this.requests.granted,
      refused: this.requests.refused,
      active: [...this.tokens.values()].filter((t) => t.expiresAt > now).length,
      tokenLifetimeSeconds: this.settings.tokenLifetimeMs / 1000,
    };
  }

  private settingsView() {
    return { installed: this.settings.installed, scopes: this.settings.scopes, tokenLifetimeSeconds: this.settings.tokenLifetimeMs / 1000 };
  }

  private refuse(res: Response, status: number, error: string, description: string): void {
    this.requests.refused += 1;
    res.status(status).json({ error, error_description: description });
  }

  private initialSettings(): AppSettings {
    return { installed: true, scopes: [...this.opts.scopes], tokenLifetimeMs: this.opts.tokenLifetimeMs };
  }
}
