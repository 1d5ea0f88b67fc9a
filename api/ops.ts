// The ops API: what a winery's operator (or their tools) uses to find stuck orders and resolve
// them. The same signals can be sent from the Temporal Web UI's signal dialog or the CLI.
import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { isShopifyId, SHOPIFY_ID_DIGITS } from '../integrations/shopify/ids';
import { ISSUE_TYPES, ORDER_STATUSES } from '../domain';
import { OrderWorkflowFailingError, RequestRefusedError, UnknownOrderError, type OrderWorkflows } from '../temporal/order-workflows';
import { HttpError } from './errors';

export const listQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  issueType: z.enum(ISSUE_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** Kept as the exact digit string: Shopify order ids are 64-bit and can exceed what a JS number holds. */
const ORDER_ID_MESSAGE = 'must be a Shopify order id (a positive 64-bit integer in digits)';
export const orderId = z.string().regex(SHOPIFY_ID_DIGITS, ORDER_ID_MESSAGE).refine(isShopifyId, ORDER_ID_MESSAGE);
export const reasonBody = z.object({ reason: z.string().trim().min(1).max(500), by: z.string().trim().max(100).optional() });
export const noteBody = z.object({ note: z.string().trim().min(1).max(500), by: z.string().trim().max(100).optional() });
export const retryBody = z.object({ by: z.string().trim().max(100).optional() });
export const settingsBody = z.object({ syncEnabled: z.boolean(), by: z.string().trim().max(100).optional() }).strict();

/** Validates a request part; a 400 naming each problem otherwise (the console's routes use it too). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new HttpError(400, `Invalid ${what}`, { problems: result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`) });
  }
  return result.data;
}

/** Bearer token from configuration, compared in constant time. */
export function requireOpsToken(token: string): RequestHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req, _res, next) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'Missing or wrong ops API token (Authorization: Bearer <OPS_API_TOKEN>)');
    }
    next();
  };
}

export function opsRoutes(config: Pick<Config, 'api'>, orders: OrderWorkflows): Router {
  const router = Router();
  router.use('/api', requireOpsToken(config.api.opsToken), express.json({ limit: '16kb' }));

  router.get('/api/orders', async (req, res) => {
    res.json({ orders: await orders.list(parse(listQuery, req.query, 'query')) });
  });

  router.get('/api/orders/:id', async (req, res) => {
    res.json(await known(() => orders.status(parse(orderId, req.params.id, 'order id'))));
  });

  // Each request is an Update of the order's workflow: 200 with what the order did, or 409 with the
  // reason it does not apply ("the order was already refunded", "there is no open issue").
  const actions = {
    retry: (id: string, body: unknown) => orders.request(id, 'retry', parse(retryBody, body, 'body')),
    refund: (id: string, body: unknown) => orders.request(id, 'refund', parse(reasonBody, body, 'body')),
    cancel: (id: string, body: unknown) => orders.request(id, 'cancel', parse(reasonBody, body, 'body')),
    resolve: (id: string, body: unknown) => orders.request(id, 'resolve', parse(noteBody, body, 'body')),
  };
  // The shop's settings: the sync switch (turning it back on resumes the orders skipped meanwhile),
  // the skip tag, the install time and the cut-off before which orders are never sent.
  router.get('/api/settings', async (_req, res) => {
    res.json(await orders.settingsView());
  });
  router.put('/api/settings', async (req, res) => {
    const body = parse(settingsBody, req.body, 'body');
    await orders.shopSettings.setSyncEnabled(body.syncEnabled, body.by);
    res.json(await orders.settingsView());
  });

  for (const [action, send] of Object.entries(actions)) {
    router.post(`/api/orders/:id/${action}`, async (req, res) => {
      const id = parse(orderId, req.params.id, 'order id');
      const answer = await known(() => send(id, req.body));
      res.status(200).json({ order: id, action, ...answer });
    });
  }
  return router;
}

async function known<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UnknownOrderError) throw new HttpError(404, err.message);
    if (err instanceof OrderWorkflowFailingError) throw new HttpError(503, err.message, { workflowId: err.workflowId, workflowTaskAttempts: err.attempts });
    if (err instanceof RequestRefusedError) throw new HttpError(409, `Not done: ${err.reason}`, { reason: err.reason });
    throw err;
  }
}
