// GET /openapi.json — the API description, generated from the same zod schemas the routes validate
// with, so it cannot drift from what the routes accept.
import { z } from 'zod';
import { customersDataRequestSchema, customersRedactSchema, shopRedactSchema, shopifyOrderPayloadSchema } from '../integrations/shopify/webhooks';
import { runNowQuery } from './catalog';
import { listQuery, noteBody, orderId, reasonBody, retryBody, settingsBody } from './ops';
import { vinoshipperHintSchema } from './vinoshipper-webhooks';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const error = {
  description: 'JSON `{ "error": "…" }`',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } },
};
const json = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const bearer = [{ opsToken: [] }];
const idParam = { name: 'shopifyOrderId', in: 'path', required: true, schema: schema(orderId) };

const listParameters = Object.entries((schema(listQuery) as { properties: Record<string, object> }).properties).map(([name, s]) => ({
  name,
  in: 'query',
  required: false,
  schema: s,
}));

const answer = {
  description: 'What the order did: `{ order, action, outcome: "done" | "failed" | "waiting", status, message }`',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          order: { type: 'string' },
          action: { type: 'string' },
          outcome: { type: 'string', enum: ['done', 'failed', 'waiting'] },
          status: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};
const refused = {
  description: 'The request does not apply to the order now: `{ "error": "Not done: …", "reason": "…" }` (e.g. "the order was already refunded")',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, reason: { type: 'string' } } } } },
};

/** A person's request: a Temporal Update of the order, answered with what the order did. */
function requestRoute(summary: string, body: z.ZodType) {
  return {
    post: {
      summary,
      security: bearer,
      parameters: [idParam],
      requestBody: json(body),
      responses: { 200: answer, 400: error, 401: error, 404: error, 409: refused },
    },
  };
}

export function openApiDocument(): object {
  const shopifyHeaders = ['X-Shopify-Topic', 'X-Shopify-Hmac-Sha256', 'X-Shopify-Shop-Domain', 'X-Shopify-Webhook-Id'].map((name) => ({
    name,
    in: 'header',
    required: name !== 'X-Shopify-Webhook-Id',
    schema: { type: 'string' },
  }));
  return {
    openapi: '3.1.0',
    info: { title: 'cellarhand API', version: '0.1.0', description: 'Shopify → Vinoshipper order sync on Temporal: webhooks in, ops API for stuck orders.' },
    components: { securitySchemes: { opsToken: { type: 'http', scheme: 'bearer', description: 'OPS_API_TOKEN' } } },
    paths: {
      '/webhooks/shopify': {
        post: {
          summary: 'Shopify webhook (orders/create, orders/updated, orders/paid, orders/cancelled, privacy topics)',
          description: 'Verified with the HMAC of the raw body; order topics start or signal the order workflow.',
          parameters: shopifyHeaders,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [shopifyOrderPayloadSchema, customersDataRequestSchema, customersRedactSchema, shopRedactSchema].map(schema) },
              },
            },
          },
          responses: {
            200: ok('Handed over to Temporal: `{ topic, outcome }` (accepted / finished / ignored; privacy topics add `workflowId`)'),
            400: error,
            401: error,
            403: error,
            413: error,
            422: error,
            503: error,
          },
        },
      },
      '/webhooks/vinoshipper/{token}': {
        post: {
          summary: 'Vinoshipper webhook: a hint that an order changed (re-read, never trusted)',
          parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: json(vinoshipperHintSchema),
          responses: { 200: ok('Signalled, or no running order'), 401: error, 422: error },
        },
      },
      '/api/settings': {
        get: {
          summary: 'The shop’s settings: sync switch, skip tag, install time, cut-off',
          security: bearer,
          responses: { 200: ok('`{ syncEnabled, installedAt, changedAt, changedBy, excludeTag, ordersCreatedAfter }`'), 401: error },
        },
        put: {
          summary: 'Turn sync on or off (on: the orders skipped meanwhile resume)',
          security: bearer,
          requestBody: json(settingsBody),
          responses: { 200: ok('The settings after the change'), 400: error, 401: error },
        },
      },
      '/api/orders': {
        get: {
          summary: 'Orders from Temporal visibility',
          security: bearer,
          parameters: listParameters,
          responses: { 200: ok('`{ orders: [...] }`'), 400: error, 401: error },
        },
      },
      '/api/orders/{shopifyOrderId}': {
        get: {
          summary: 'The order’s status query',
          security: bearer,
          parameters: [idParam],
          responses: { 200: ok('Status, issue, timeline'), 401: error, 404: error, 503: error },
        },
      },
      '/api/orders/{shopifyOrderId}/retry': requestRoute('Check again now', retryBody),
      '/api/orders/{shopifyOrderId}/refund': requestRoute('Refund in full and cancel in Vinoshipper', reasonBody),
      '/api/orders/{shopifyOrderId}/cancel': requestRoute('Cancel the order (and its Vinoshipper copy)', reasonBody),
      '/api/orders/{shopifyOrderId}/resolve': requestRoute('Mark the issue resolved (fixed elsewhere)', noteBody),
      '/api/alerts': {
        get: {
          summary: 'Grouped merchant alerts: what the shop’s alert digest holds (ALERT_MODE=grouped)',
          security: bearer,
          responses: { 200: ok('`{ mode, windowMs, running, groups: [...], recent: [...] }`'), 401: error },
        },
      },
      '/api/alerts/send-now': {
        post: {
          summary: 'Send every pending grouped alert email now instead of at the end of its window',
          security: bearer,
          responses: { 202: ok('Requested'), 200: ok('No digest running: nothing waits'), 401: error },
        },
      },
      '/api/catalog/check': {
        get: {
          summary: 'The latest catalogue check (Shopify SKUs against Vinoshipper products) and the runs still going',
          security: bearer,
          responses: { 200: ok('`{ latest: report | null, running: [...] }`'), 401: error },
        },
        post: {
          summary: 'Run the catalogue check now and wait up to `wait` seconds for its report',
          security: bearer,
          parameters: [{ name: 'wait', in: 'query', required: false, schema: (schema(runNowQuery) as { properties: Record<string, object> }).properties.wait }],
          responses: { 200: ok('`{ report }`'), 202: ok('Still running: `{ running: true, workflowId }`'), 400: error, 401: error, 502: error },
        },
      },
      '/health': { get: { summary: 'Liveness', responses: { 200: ok('`{ ok: true }`') } } },
    },
  };
}
