// The HTTP face of cellarhand: webhooks in, ops API, health. Thin by design: verify, parse, hand
// over to Temporal, answer. Decisions live in the workflow.
import express, { type Express } from 'express';
import type { Config } from '../config';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { alertRoutes } from './alerts';
import { catalogRoutes } from './catalog';
import { codecServerRoutes } from './codec-server';
import { errorHandler } from './errors';
import { openApiDocument } from './openapi';
import { opsRoutes } from './ops';
import { vinoshipperWebhookRoutes } from './vinoshipper-webhooks';
import { shopifyWebhookRoutes } from './shopify-webhooks';

export interface AppDeps {
  config: Config;
  orders: OrderWorkflows;
}

export function createApp({ config, orders }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const openApi = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(codecServerRoutes(config));
  app.use(shopifyWebhookRoutes(config, orders));
  app.use(vinoshipperWebhookRoutes(config, orders));
  app.use(opsRoutes(config, orders));
  app.use(alertRoutes(config, orders));
  app.use(catalogRoutes(config, orders));
  app.use((req, res) => {
    res.status(404).json({ error: `No route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler);
  return app;
}
