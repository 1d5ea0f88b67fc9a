// A stand-in Shopify store: the Admin GraphQL endpoint ShopifyAdmin talks to (/shopify), the app's
// token endpoint (client credentials grant), webhooks sent to the subscribed URIs like a real store
// sends them, and control routes (/sandbox/shopify) with which a person or a test plays the merchant
// and the customer: place, edit and cancel orders, replay a webhook, lose a reply, change the app.
import express, { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { isShopifyId } from '../integrations/shopify/ids';
import { fromCents, normalizeMoney } from '../integrations/shopify/money';
import { describeIssues } from '../integrations/shopify/webhooks';
import { ShopifyAppAuth, type ShopifyAppOptions } from './shopify-auth';
import { createShopifyGraphql } from './shopify-graphql';
import { ProductCatalog, ProductInputError, productInput, type ProductCatalogState, type SandboxProduct } from './shopify-products';
import { objects, parseState, STATE_VERSION } from './state';
import { ID_KINDS, restJson, ShopifyStore, type OrderRecord, type ShopifyStoreState } from './shopify-store';
import { WebhookSubscriptions, type SandboxSubscription } from './shopify-subscriptions';
import { WebhookSender, type Delivery } from './shopify-webhooks';

export type { Delivery } from './shopify-webhooks';

export interface ShopifySandboxOptions {
  shopDomain: string;
  /** The installed app: its client credentials, the legacy static token, scopes, token lifetime. */
  app: ShopifyAppOptions;
  webhookSecret: string;
  /** Our API's POST /webhooks/shopify, where the shop's default subscriptions point; omit to deliver nothing. */
  webhookUrl?: string;
}

export interface ShopifySandbox {
  /** Mounted at /shopify: POST /admin/api/:version/graphql.json. */
  api: Router;
  /** Mounted at /sandbox/shopify. */
  control: Router;
  reset(): void;
  deliveries(): Delivery[];
  /** Plain JSON of the shop; webhook deliveries and faults are left out (they do not outlive a run). */
  exportState(): ShopifySandboxState;
  /** Replaces the shop with a saved one; false (and a warning) when it cannot be read, changing nothing. */
  importState(state: unknown): boolean;
}

export interface ShopifySandboxState extends ShopifyStoreState {
  version: typeof STATE_VERSION;
  /** refundCreate's @idempotent keys and the refunds they made. */
  refundKeys: { key: string; orderId: string; refundId: string }[];
  subscriptions?: SandboxSubscription[];
  nextSubscriptionId?: number;
  /** Products and variants (absent in files saved before the sandbox kept them: the demo wines then). */
  catalog?: ProductCatalogState;
}

/** Ids were numbers in state files written before they became strings. */
const savedId = z.union([z.string(), z.number().int()]).transform(String);

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  orders: objects<OrderRecord>(),
  nextIds: z.record(z.string(), savedId),
  nextOrderNumber: z.number().int(),
  refundKeys: z.array(z.object({ key: z.string(), orderId: savedId, refundId: savedId })),
  subscriptions: objects<SandboxSubscription>().optional(),
  nextSubscriptionId: z.number().int().optional(),
  catalog: z.object({ products: objects<SandboxProduct>(), nextProductId: z.number().int(), nextVariantId: z.number().int() }).optional(),
});

/** The version our webhook subscription would be pinned to. */
const WEBHOOK_API_VERSION = '2026-10';
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

const moneyInput = z
  .union([z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal such as "42.00"'), z.number().nonnegative()])
  .transform((v) => (typeof v === 'number' ? fromCents(Math.round(v * 100)) : normalizeMoney(v)));
const text = z.string().nullable();
const addressInput = z
  .strictObject({
    first_name: text,
    last_name: text,
    company: text,
    address1: text,
    address2: text,
    city: text,
    province: text,
    province_code: text,
    zip: text,
    country: text,
    country_code: text,
    phone: text,
  })
  .partial();
const lineItemsInput = z
  .array(z.strictObject({ sku: z.string().trim().min(1), quantity: z.number().int().positive(), price: moneyInput, title: z.string().min(1).optional() }))
  .min(1);
const noteAttributesInput = z.array(z.strictObject({ name: z.string().min(1), value: z.string() }));
const tagsInput = z.union([z.string(), z.array(z.string())]);

const createOrderInput = z.strictObject({
  line_items: lineItemsInput,
  shipping_address: addressInput.optional(),
  billing_address: addressInput.optional(),
  email: text.optional(),
  phone: text.optional(),
  note: text.optional(),
  note_attributes: noteAttributesInput.optional(),
  tags: tagsInput.optional(),
  customer: z.strictObject({ first_name: text, last_name: text, email: text }).partial().optional(),
  /** An order imported from elsewhere keeps its original date here (Shopify's REST orders API does the same). */
  processed_at: z.iso.datetime({ offset: true }).optional(),
});

const patchOrderInput = z
  .strictObject({
    shipping_address: addressInput.optional(),
    line_items: lineItemsInput.optional(),
    note_attributes: noteAttributesInput.optional(),
    email: text.optional(),
    note: text.optional(),
    tags: tagsInput.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'give at least one of shipping_address, line_items, note_attributes, email, tags' });

const shopifyId = z.string().refine(isShopifyId, 'must be a Shopify id: a positive 64-bit integer in digits');
const nextIdsInput = z
  .strictObject(Object.fromEntries(ID_KINDS.map((kind) => [kind, shopifyId.optional()])) as Record<(typeof ID_KINDS)[number], z.ZodOptional<typeof shopifyId>>)
  .refine((ids) => Object.keys(ids).length > 0, { message: `give at least one of ${ID_KINDS.join(', ')}` });

const faultInput = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('drop_response'),
    operation: z.enum(['refundCreate', 'fulfillmentCreate', 'any']),
    count: z.number().int().positive().default(1),
  }),
  z.strictObject({ mode: z.literal('none') }),
]);

class BadRequest extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new BadRequest(`Invalid ${what}`, describeIssues(parsed.error));
  return parsed.data;
}

/** What the store holds for an order: the webhook JSON plus what hangs off it. */
function storeView(record: OrderRecord) {
  return { ...record.order, metafields: record.metafields, transactions: record.transactions, fulfillment_orders: record.fulfillmentOrders };
}

/** REST JSON responses of the control routes: ids as numbers, like the webhooks. */
function sendRest(res: express.Response, status: number, value: unknown): void {
  res.status(status).type('application/json').send(restJson(value));
}

export function createShopifySandbox(opts: ShopifySandboxOptions): ShopifySandbox {
  const store = new ShopifyStore();
  const catalog = new ProductCatalog();
  const subscriptions = new WebhookSubscriptions(opts.webhookUrl, WEBHOOK_API_VERSION);
  const graphql = createShopifyGraphql(store, subscriptions, catalog);
  const auth = new ShopifyAppAuth(opts.app);
  const webhooks = new WebhookSender({ secret: opts.webhookSecret, shopDomain: opts.shopDomain, apiVersion: WEBHOOK_API_VERSION });
  let fault: { operation: string; remaining: number } | null = null;
  /** Replies dropped since the last reset, by GraphQL root field: what a fault run reports it injected. */
  let dropped: Record<string, number> = {};

  const deliver = (topic: string, record: OrderRecord) => webhooks.deliver(topic, record.order.id, restJson(record.order), subscriptions.urisFor(topic));

  const api = Router();
  api.use(auth.grantRoute());
  api.use(express.json({ limit: '1mb' }));
  api.post('/admin/api/:version/graphql.json', async (req, res) => {
    const access = auth.check(req.get('x-shopify-access-token'));
    if (!access.ok) {
      res.status(401).json({ errors: INVALID_TOKEN });
      return;
    }
    const outcome = await graphql.run(req.body ?? {}, req.params.version, access.scopes);
    // The echo a real store sends for every change an app makes to an order.
    for (const record of outcome.changed) deliver('orders/updated', record);
    if (fault && (fault.operation === 'any' || outcome.rootFields.includes(fault.operation))) {
      fault.remaining -= 1;
      if (fault.remaining === 0) fault = null;
      for (const field of outcome.rootFields) dropped[field] = (dropped[field] ?? 0) + 1;
      // The change is made; the reply is lost, as when a connection drops mid-answer.
      req.socket.destroy();
      return;
    }
    res.json(outcome.body);
  });
  api.use(((err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    if (status === 500) console.error('shopify sandbox:', err);
    res.status(status).json({ errors: status === 500 ? 'Internal Server Error' : String(err.message) });
  }) as ErrorRequestHandler);

  const control = Router();
  control.use(express.json({ limit: '1mb' }));

  control.use(auth.controlRoutes());

  const recordOr404 = (id: string): OrderRecord => {
    const record = /^\d+$/.test(id) ? store.get(id) : undefined;
    if (!record) throw Object.assign(new Error(`No order ${id} in the sandbox store`), { status: 404 });
    return record;
  };

  control.post('/orders', (req, res) => {
    const input = parseBody(createOrderInput, req.body, 'order');
    const record = store.create(input);
    if (req.query.webhook !== 'false') deliver('orders/create', record);
    res.status(201).json({ id: record.order.id, name: record.order.name });
  });
  control.get('/orders', (_req, res) => {
    sendRest(res, 200, store.all().map(storeView));
  });
  control.get('/orders/:id', (req, res) => {
    sendRest(res, 200, storeView(recordOr404(req.params.id)));
  });
  control.patch('/orders/:id', (req, res) => {
    const record = recordOr404(req.params.id);
    store.update(record, parseBody(patchOrderInput, req.body, 'order change'));
    deliver('orders/updated', record);
    sendRest(res, 200, storeView(record));
  });
  control.post('/orders/:id/cancel', (req, res) => {
    const record = recordOr404(req.params.id);
    if (record.order.cancelled_at) throw Object.assign(new Error(`Order ${record.order.name} is already cancelled`), { status: 409 });
    const { reason } = parseBody(z.object({ reason: z.string().min(1).default('other') }), req.body, 'cancellation');
    store.cancel(record, reason);
    deliver('orders/cancelled', record);
    sendRest(res, 200, storeView(record));
  });
  control.post('/orders/:id/redeliver', (req, res) => {
    const record = recordOr404(req.params.id);
    const { topic } = parseBody(z.object({ topic: z.string().min(1).optional() }), req.body, 'redelivery');
    const delivery = webhooks.redeliver(record.order.id, topic);
    if (!delivery) throw Object.assign(new Error(`Nothing to redeliver: no earlier ${topic ?? ''} delivery for order ${record.order.name}`), { status: 404 });
    res.status(202).json(delivery);
  });
  control.get('/products', (_req, res) => {
    res.json(catalog.all());
  });
  control.put('/products/:sku', (req, res) => {
    const input = parseBody(productInput, req.body, 'product');
    try {
      const { product, created } = catalog.put(req.params.sku, input);
      res.status(created ? 201 : 200).json(product);
    } catch (err) {
      if (err instanceof ProductInputError) throw new BadRequest('Invalid product', [err.message]);
      throw err;
    }
  });
  control.delete('/products/:sku', (req, res) => {
    if (!catalog.remove(req.params.sku)) throw Object.assign(new Error(`No product with SKU ${req.params.sku} in the sandbox store`), { status: 404 });
    res.status(204).end();
  });
  control.get('/deliveries', (_req, res) => {
    res.json(webhooks.deliveries());
  });
  // The ids the next orders, lines… get: e.g. 18-digit ones, like Shopify's example payloads.
  control.post('/ids', (req, res) => {
    res.json(store.setNextIds(parseBody(nextIdsInput, req.body, 'next ids')));
  });
  control.get('/webhook-subscriptions', (_req, res) => {
    res.json(subscriptions.all());
  });
  // What a subscription deleted by hand (or by Shopify after repeated failures) leaves: that topic is not delivered.
  control.delete('/webhook-subscriptions', (req, res) => {
    const { topic } = parseBody(z.object({ topic: z.string().min(1) }), req.query, 'query');
    res.json({ removed: subscriptions.removeTopic(topic), subscriptions: subscriptions.all() });
  });
  control.get('/faults', (_req, res) => {
    res.json({ fault, dropped });
  });
  control.post('/faults', (req, res) => {
    const input = parseBody(faultInput, req.body, 'fault');
    fault = input.mode === 'none' ? null : { operation: input.operation, remaining: input.count };
    res.json({ fault });
  });
  control.use(((err, _req, res, _next) => {
    if (err instanceof BadRequest) {
      res.status(400).json({ message: err.message, problems: err.problems });
      return;
    }
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    if (status === 500) console.error('shopify sandbox:', err);
    res.status(status).json({ message: status === 500 ? 'Internal sandbox error' : String(err.message) });
  }) as ErrorRequestHandler);

  function reset(): void {
    store.reset();
    catalog.reset();
    graphql.reset();
    webhooks.reset();
    subscriptions.reset();
    auth.reset();
    fault = null;
    dropped = {};
  }

  return {
    api,
    control,
    reset,
    deliveries: () => webhooks.deliveries(),
    exportState: () => ({
      version: STATE_VERSION,
      ...store.exportState(),
      refundKeys: graphql.exportRefundKeys(),
      ...subscriptions.exportState(),
      catalog: catalog.exportState(),
    }),
    importState(state) {
      const saved = parseState('sandbox/shopify', stateSchema, state);
      if (!saved) return false;
      reset();
      store.importState(saved);
      graphql.importRefundKeys(saved.refundKeys);
      subscriptions.importState(saved);
      if (saved.catalog) catalog.importState(saved.catalog);
      return true;
    },
  };
}
