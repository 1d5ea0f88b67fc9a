// The HTTP face of cellarhand: webhooks in, ops API, health. Thin by design: verify, parse, hand
// over to Temporal, answer. Decisions live in the workflow.
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import { httpMetrics } from '../observability/http-metrics';
import { processLogger, type Logger } from '../observability/logger';
import { checkReadiness, type ReadinessCheck } from '../observability/readiness';
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
  /** Default: the process logger from configuration. */
  logger?: Logger;
  /** Request metrics are recorded here when given (served on API_METRICS_PORT by api/main.ts). */
  registry?: Registry;
  /** What `/ready` checks, e.g. `{ temporal }`; none: ready whenever up. */
  readiness?: Record<string, ReadinessCheck>;
}

export function createApp({ config, orders, logger = processLogger(config, 'api'), registry, readiness = {} }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.locals.logger = logger;
  if (registry) app.use(httpMetrics(registry));
  // Liveness: the process answers. Readiness: it can hand over to Temporal now.
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/ready', async (_req, res) => {
    const state = await checkReadiness(readiness);
    res.status(state.ready ? 200 : 503).json(state);
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
