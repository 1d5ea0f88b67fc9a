// Ops API for grouped merchant alerts (ALERT_MODE=grouped): what the shop's alert digest holds,
// and sending the pending emails now instead of at the end of their window.
import { Router } from 'express';
import type { Config } from '../config';
import { AlertDigest } from '../temporal/alert-digest';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { requireOpsToken } from './ops';

export function alertRoutes(config: Pick<Config, 'api' | 'shopify' | 'alerts' | 'orders'>, orders: OrderWorkflows): Router {
  const digest = new AlertDigest(orders.client, config.shopify.shopDomain);
  const router = Router();
  router.use('/api/alerts', requireOpsToken(config.api.opsToken));

  router.get('/api/alerts', async (_req, res) => {
    const view = await digest.view();
    res.json({
      mode: config.orders.alertMode,
      windowMs: config.alerts.groupWindowMs,
      running: view !== null,
      groups: view?.groups ?? [],
      recent: view?.recent ?? [],
    });
  });

  router.post('/api/alerts/send-now', async (_req, res) => {
    if (await digest.sendNow()) res.status(202).json({ requested: true, message: 'The alert digest sends every pending email now.' });
    else res.json({ requested: false, message: 'No alert digest is running: no alert is waiting.' });
  });
  return router;
}
