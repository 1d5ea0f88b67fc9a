// The sandbox: small HTTP stand-ins for Shopify, Vinoshipper and Resend that speak their wire
// formats, so `npm start` and the tests run the real clients with no accounts and no internet.
// Our code reaches them only through configuration (SHOPIFY_ADMIN_API_URL, VINOSHIPPER_API_URL,
// RESEND_BASE_URL); the /sandbox/* control routes are for people and tests.
import express, { type Express } from 'express';
import { z } from 'zod';
import { SANDBOX_SHOPIFY_APP, type Config } from '../config';
import { senderDomain } from '../integrations/email/client';
import { REQUIRED_SCOPES } from '../integrations/shopify/scopes';
import { shopifyWebhookUri } from '../integrations/shopify/webhooks';
import { createResendSandbox, type ResendSandbox, type ResendSandboxState } from './resend';
import { createShopifySandbox, type ShopifySandbox, type ShopifySandboxState } from './shopify';
import { parseState, stateFile, STATE_VERSION, type StateFile } from './state';
import { createVinoshipperSandbox, type VinoshipperSandbox, type VinoshipperSandboxState } from './vinoshipper';

export interface SandboxOptions {
  /**
   * A JSON file that keeps the sandbox across restarts: loaded here when it exists, saved shortly
   * after every change and on flush()/close(). Without it nothing touches the disk.
   */
  stateFile?: string;
}

export interface SandboxState {
  version: typeof STATE_VERSION;
  shopify: ShopifySandboxState;
  vinoshipper: VinoshipperSandboxState;
  resend: ResendSandboxState;
}

export interface Sandbox {
  app: Express;
  shopify: ShopifySandbox;
  vinoshipper: VinoshipperSandbox;
  resend: ResendSandbox;
  reset(): void;
  exportState(): SandboxState;
  /** All three or none: false (with a warning) leaves an empty sandbox. */
  importState(state: unknown): boolean;
  /** Saves the state file now (a no-op without one). */
  flush(): Promise<void>;
  /** The final save; later changes are no longer written. */
  close(): Promise<void>;
}

const sandboxStateSchema = z.object({ version: z.literal(STATE_VERSION), shopify: z.unknown(), vinoshipper: z.unknown(), resend: z.unknown() });

/** `publicUrl` is where the sandbox itself is reachable (links it hands out); `config.api.publicUrl` is where it delivers webhooks. */
export function createSandbox(config: Config, publicUrl = config.sandbox.url, options: SandboxOptions = {}): Sandbox {
  const { auth } = config.shopify;
  const shopify = createShopifySandbox({
    shopDomain: config.shopify.shopDomain,
    // The store knows the configured app (either way of authenticating) and grants what shopify.app.toml asks for.
    app: {
      clientId: auth.kind === 'client_credentials' ? auth.clientId : SANDBOX_SHOPIFY_APP.clientId,
      clientSecret: auth.kind === 'client_credentials' ? auth.clientSecret : SANDBOX_SHOPIFY_APP.clientSecret,
      staticAccessToken: auth.kind === 'access_token' ? auth.accessToken : SANDBOX_SHOPIFY_APP.accessToken,
      scopes: Object.keys(REQUIRED_SCOPES),
      tokenLifetimeMs: config.sandbox.shopifyTokenLifetimeMs,
    },
    // Shopify signs with the oldest unrevoked secret: the first one configured.
    webhookSecret: config.shopify.webhookSecrets[0],
    webhookUrl: shopifyWebhookUri(config.api.publicUrl),
  });
  const vinoshipper = createVinoshipperSandbox({
    apiKey: config.vinoshipper.apiKey,
    apiSecret: config.vinoshipper.apiSecret,
    webhookUrl: `${config.api.publicUrl}/webhooks/vinoshipper/${config.vinoshipper.webhookToken}`,
    publicBaseUrl: publicUrl,
  });
  const sender = senderDomain(config.email.from);
  const resend = createResendSandbox({ apiKey: config.email.resendApiKey, verifiedDomains: sender ? [sender] : [] });

  let file: StateFile | null = options.stateFile ? stateFile(options.stateFile, exportState) : null;
  file?.load((state) => {
    if (!importState(state)) return false;
    const { shopify: s, vinoshipper: v, resend: r } = exportState();
    console.log(
      `[sandbox] restored ${s.orders.length} Shopify orders, ${v.orders.length} Vinoshipper orders and ${r.emails.length} emails from ${options.stateFile}`,
    );
    return true;
  });

  const app = express();
  app.disable('x-powered-by');
  // Every change comes in as a request that is not a read: save shortly after each one ends
  // ('close' also covers the replies a fault drops on purpose).
  app.use((req, res, next) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) res.on('close', () => file?.schedule());
    next();
  });
  app.use('/shopify', shopify.api);
  app.use('/vinoshipper/api/v3/p', vinoshipper.api);
  app.use('/resend', resend.api);
  app.use('/sandbox/shopify', shopify.control);
  app.use('/sandbox/vinoshipper', vinoshipper.control);
  app.use('/sandbox', resend.control);
  app.post('/sandbox/reset', (_req, res) => {
    reset(); // and the state file is saved empty, like after any other change
    res.json({ ok: true });
  });
  app.use((req, res) => {
    res.status(404).json({ message: `The sandbox has no route for ${req.method} ${req.path}` });
  });

  function reset(): void {
    shopify.reset();
    vinoshipper.reset();
    resend.reset();
    file?.schedule();
  }

  function exportState(): SandboxState {
    return { version: STATE_VERSION, shopify: shopify.exportState(), vinoshipper: vinoshipper.exportState(), resend: resend.exportState() };
  }

  function importState(state: unknown): boolean {
    const saved = parseState('sandbox', sandboxStateSchema, state);
    // Half a restore is worse than none: Shopify orders whose Vinoshipper side is missing.
    try {
      const ok =
        saved !== null && [shopify.importState(saved.shopify), vinoshipper.importState(saved.vinoshipper), resend.importState(saved.resend)].every(Boolean);
      if (ok) {
        file?.schedule();
        return true;
      }
    } catch (err) {
      console.warn(`[sandbox] ignoring saved state that does not fit: ${(err as Error).message}`);
    }
    reset();
    return false;
  }

  async function close(): Promise<void> {
    await file?.flush();
    file = null;
  }

  return { app, shopify, vinoshipper, resend, reset, exportState, importState, flush: async () => file?.flush(), close };
}
