// POST /webhooks/vinoshipper/:token — Vinoshipper signs nothing, so the URL carries a secret token,
// and the body is only a hint: the order's workflow re-reads the order from Vinoshipper's API and
// never trusts what the body says.
import { timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { HttpError } from './errors';

/**
 * Vinoshipper sends CREATED when an order is created, and only cellarhand's own PUT creates the
 * orders it follows: re-reading one then costs a Vinoshipper call (of the deployment's budget), an
 * activity and two workflow tasks to learn what the PUT's answer said. Every other event is a hint.
 */
const OWN_PUT_ECHO = 'CREATED';

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
    if (parsed.data.event === OWN_PUT_ECHO) {
      // Our own PUT created the order, and its answer already told the workflow everything a re-read would.
      res.json({ outcome: 'ignored', reason: 'CREATED follows our own submission, whose answer the order already has' });
      return;
    }
    const found = await orders.notifyVinoshipperEvent(parsed.data.identifier, parsed.data.event);
    // 200 either way: an order we don't run (or not yet visible) is picked up by polling.
    res.json({ outcome: found ? 'signalled' : 'no_running_order' });
  });
  return router;
}
