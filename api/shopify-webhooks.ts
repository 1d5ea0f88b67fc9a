// POST /webhooks/shopify — verify, validate, hand over to Temporal, answer. Nothing else happens
// here, so the answer comes well inside Shopify's 5-second budget, also when Temporal is slow: a
// hand-over has a short deadline, and only so many wait at once (api/hand-overs.ts). Order topics go to the order's
// workflow; the mandatory privacy topics each start a small privacy workflow (workflows/privacy.ts).
import express, { Router } from 'express';
import type { Config } from '../config';
import { parseShopifyJson } from '../integrations/shopify/ids';
import { parsePrivacyWebhook } from '../integrations/shopify/privacy-payload';
import { ORDER_TOPICS, PRIVACY_TOPICS, parseOrderWebhook, verifyShopifyHmac, type PrivacyTopic } from '../integrations/shopify/webhooks';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { PrivacyRequests } from '../temporal/privacy-requests';
import { HttpError } from './errors';
import { HandOvers } from './hand-overs';
import { requestLogger } from './logging';

const BODY_LIMIT = '1mb';

const receivedAt: express.RequestHandler = (_req, res, next) => {
  res.locals.receivedAt = Date.now();
  next();
};

export function shopifyWebhookRoutes(config: Pick<Config, 'shopify' | 'temporal' | 'api'>, orders: OrderWorkflows): Router {
  const router = Router();
  const privacy = new PrivacyRequests(orders.client, { taskQueue: config.temporal.taskQueue, handOverTimeoutMs: config.api.handOverTimeoutMs });
  // Shopify gives a delivery 5 s; when Temporal cannot keep up, answer 503 well inside it (api/hand-overs.ts).
  const handOvers = new HandOvers(config.api.maxHandOversInFlight);
  // Raw bytes: the HMAC is computed over the body exactly as received, before any parsing.
  // The hand-over's deadline counts from the delivery's arrival, before its body is read and checked:
  // under load those wait their turn too, and the 503 must still come within about a second.
  router.post('/webhooks/shopify', receivedAt, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const deadline = (res.locals.receivedAt as number) + config.api.handOverTimeoutMs;
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyShopifyHmac(body, req.get('x-shopify-hmac-sha256'), config.shopify.webhookSecrets)) {
      throw new HttpError(401, 'Invalid or missing X-Shopify-Hmac-Sha256 signature');
    }
    const shop = req.get('x-shopify-shop-domain');
    if (shop !== config.shopify.shopDomain) {
      throw new HttpError(403, `Webhook is for shop "${shop ?? '(none)'}"; this cellarhand serves ${config.shopify.shopDomain}`);
    }
    const topic = req.get('x-shopify-topic');
    if (!topic) throw new HttpError(400, 'Missing X-Shopify-Topic header');

    let json: unknown;
    try {
      // Not JSON.parse: it would round 64-bit ids above 2^53 (18 digits in Shopify's own examples).
      json = parseShopifyJson(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'Body is not valid JSON');
    }

    if ((ORDER_TOPICS as readonly string[]).includes(topic)) {
      const parsed = parseOrderWebhook(json);
      if (!parsed.ok) throw new HttpError(422, `Payload is not a Shopify order (${topic})`, { problems: parsed.problems });
      const outcome = await handOvers.run(() => orders.deliverSnapshot(parsed.snapshot, deadline));
      res.status(200).json({ topic, order: parsed.snapshot.name, outcome });
      return;
    }
    if ((PRIVACY_TOPICS as readonly string[]).includes(topic)) {
      // Validated, then reduced to ids; problems name fields only (the payload holds an email and phone).
      const parsed = parsePrivacyWebhook(topic as PrivacyTopic, json, shop, new Date());
      if (!parsed.ok) throw new HttpError(422, `Payload is not a valid ${topic} request`, { problems: parsed.problems });
      const { workflowId, outcome } = await handOvers.run(() => privacy.start(parsed.request, deadline));
      res.status(200).json({ topic, workflowId, outcome });
      return;
    }
    requestLogger(req).info({ topic, webhookId: req.get('x-shopify-webhook-id') ?? null }, 'shopify webhook: topic not handled; acknowledged');
    res.status(200).json({ topic, outcome: 'ignored' });
  });
  return router;
}
