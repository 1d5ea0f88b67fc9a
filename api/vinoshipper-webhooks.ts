// POST /webhooks/vinoshipper/:token — Vinoshipper signs nothing, so the URL carries a secret token,
// and the body is only a hint: the order's workflow re-reads the order from Vinoshipper's API and
// never trusts what the body says.
import { timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { HttpError } from './errors';

/** Vinoshipper's webhook body: an identifier and an event; never trusted beyond that. */
export const vinoshipperHintSchema = z.object({
  identifier: z.union([z.string(), z.number()]).transform(String),
  subject: z.string(),
  event: z.string().max(64),
});

export function vinoshipperWebhookRoutes(config: Pick<Config, 'vinoshipper'>, orders: OrderWorkflows): Router {
  const router = Router();
  const expected = Buffer.from(config.vinoshipper.webhookToken);
  router.post('/webhooks/vinoshipper/:token', express.json({ limit: '16kb' }), async (req, res) => {
    const given = Buffer.from(String(req.params.token));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'Unknown webhook token');
    const parsed = vinoshipperHintSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(422, 'Not a Vinoshipper webhook (identifier, subject, event)');
    if (parsed.data.subject !== 'ORDER') {
      res.json({ outcome: 'ignored', reason: `subject ${parsed.data.subject} is not handled` });
      return;
    }
    const found = await orders.notifyVinoshipperEvent(parsed.data.identifier, parsed.data.event);
    // 200 either way: an order we don't run (or not yet visible) is picked up by polling.
    res.json({ outcome: found ? 'signalled' : 'no_running_order' });
  });
  return router;
}
