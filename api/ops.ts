// The ops API: what a winery's operator (or their tools) uses to find stuck orders and resolve
// them. The same signals can be sent from the Temporal Web UI's signal dialog or the CLI.
import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { ISSUE_TYPES, ORDER_STATUSES, cancelSignal, markResolvedSignal, refundSignal, retrySignal } from '../domain';
import { OrderFinishedError, UnknownOrderError, type OrderWorkflows } from '../temporal/order-workflows';
import { HttpError } from './errors';

export const listQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  issueType: z.enum(ISSUE_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const orderId = z.string().regex(/^\d{1,20}$/, 'must be a Shopify order id (digits)');
export const reasonBody = z.object({ reason: z.string().trim().min(1).max(500), by: z.string().trim().max(100).optional() });
export const noteBody = z.object({ note: z.string().trim().min(1).max(500), by: z.string().trim().max(100).optional() });
export const retryBody = z.object({ by: z.string().trim().max(100).optional() });

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

  const actions = {
    retry: async (id: string, body: unknown) => orders.signal(id, retrySignal, parse(retryBody, body, 'body')),
    refund: async (id: string, body: unknown) => orders.signal(id, refundSignal, parse(reasonBody, body, 'body')),
    cancel: async (id: string, body: unknown) => orders.signal(id, cancelSignal, parse(reasonBody, body, 'body')),
    resolve: async (id: string, body: unknown) => orders.signal(id, markResolvedSignal, parse(noteBody, body, 'body')),
  };
  for (const [action, send] of Object.entries(actions)) {
    router.post(`/api/orders/:id/${action}`, async (req, res) => {
      const id = parse(orderId, req.params.id, 'order id');
      await known(() => send(id, req.body));
      res.status(202).json({ order: id, action, accepted: true });
    });
  }
  return router;
}

async function known<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UnknownOrderError) throw new HttpError(404, err.message);
    if (err instanceof OrderFinishedError) throw new HttpError(409, err.message);
    throw err;
  }
}
