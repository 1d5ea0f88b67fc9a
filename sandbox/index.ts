// The sandbox: small HTTP stand-ins for Shopify, Vinoshipper and Resend that speak their wire
// formats, so `npm start` and the tests run the real clients with no accounts and no internet.
// Our code reaches them only through configuration (SHOPIFY_ADMIN_API_URL, VINOSHIPPER_API_URL,
// RESEND_BASE_URL); the /sandbox/* control routes are for people and tests.
import express, { type Express } from 'express';
import type { Config } from '../config';
import { createResendSandbox, type ResendSandbox } from './resend';
import { createShopifySandbox, type ShopifySandbox } from './shopify';
import { createVinoshipperSandbox, type VinoshipperSandbox } from './vinoshipper';

export interface Sandbox {
  app: Express;
  shopify: ShopifySandbox;
  vinoshipper: VinoshipperSandbox;
  resend: ResendSandbox;
  reset(): void;
}

/** `publicUrl` is where the sandbox itself is reachable (links it hands out); `config.api.publicUrl` is where it delivers webhooks. */
export function createSandbox(config: Config, publicUrl = config.sandbox.url): Sandbox {
  const shopify = createShopifySandbox({
    shopDomain: config.shopify.shopDomain,
    accessToken: config.shopify.adminApiToken,
    // Shopify signs with the oldest unrevoked secret: the first one configured.
    webhookSecret: config.shopify.webhookSecrets[0],
    webhookUrl: `${config.api.publicUrl}/webhooks/shopify`,
  });
  const vinoshipper = createVinoshipperSandbox({
    apiKey: config.vinoshipper.apiKey,
    apiSecret: config.vinoshipper.apiSecret,
    webhookUrl: `${config.api.publicUrl}/webhooks/vinoshipper/${config.vinoshipper.webhookToken}`,
    publicBaseUrl: publicUrl,
  });
  const resend = createResendSandbox({ apiKey: config.email.resendApiKey });

  const app = express();
  app.disable('x-powered-by');
  app.use('/shopify', shopify.api);
  app.use('/vinoshipper/api/v3/p', vinoshipper.api);
  app.use('/resend', resend.api);
  app.use('/sandbox/shopify', shopify.control);
  app.use('/sandbox/vinoshipper', vinoshipper.control);
  app.use('/sandbox', resend.control);
  app.post('/sandbox/reset', (_req, res) => {
    reset();
    res.json({ ok: true });
  });
  app.use((req, res) => {
    res.status(404).json({ message: `The sandbox has no route for ${req.method} ${req.path}` });
  });

  function reset(): void {
    shopify.reset();
    vinoshipper.reset();
    resend.reset();
  }
  return { app, shopify, vinoshipper, resend, reset };
}
