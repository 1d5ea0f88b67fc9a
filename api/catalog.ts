// Ops API for the catalogue check (SKU early warning): the latest result, and a check run now.
import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { CatalogChecks, RUN_NOW_WAIT_MS } from '../temporal/catalog-checks';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { HttpError } from './errors';
import { parse, requireOpsToken } from './ops';

/** How long POST waits for the run before answering 202 (it goes on either way). */
export const runNowQuery = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(RUN_NOW_WAIT_MS / 1000),
});

export function catalogRoutes(config: Pick<Config, 'api' | 'temporal'>, orders: OrderWorkflows): Router {
  const checks = new CatalogChecks(orders.client, config.temporal.taskQueue);
  const router = Router();
  router.use('/api/catalog', requireOpsToken(config.api.opsToken));

  router.get('/api/catalog/check', async (_req, res) => {
    res.json(await checks.status());
  });

  router.post('/api/catalog/check', async (req, res) => {
    const { wait } = parse(runNowQuery, req.query, 'query');
    const run = await checks.runNow(wait * 1000);
    if (run.outcome === 'failed') throw new HttpError(502, `The catalogue check failed: ${run.message}`);
    if (run.outcome === 'running') {
      res.status(202).json({ running: true, workflowId: run.workflowId, message: 'Still checking; GET /api/catalog/check shows the result once it is done.' });
      return;
    }
    res.json({ report: run.report });
  });
  return router;
}
