// The sandbox's Admin GraphQL endpoint logic: parse, validate and execute a client's document
// against the schema slice, with resolvers over the store. It reports which orders changed so the
// caller can send the `orders/updated` echo a real store sends.
import {
  buildSchema,
  execute,
  getDirectiveValues,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLResolveInfo,
} from 'graphql';
import { splitTags } from '../integrations/shopify/order-payload';
import type { ProductCatalog } from './shopify-products';
import { SHOPIFY_ADMIN_SCHEMA_SDL, SHOPIFY_PRODUCTS_SDL } from './shopify-schema';
import { parseGid, type OrderRecord, type ShopifyStore, type SandboxOrder, type UserError } from './shopify-store';
import type { WebhookSubscriptions } from './shopify-subscriptions';
import { fulfillmentView, metafieldView, orderView, paginate, refundView } from './shopify-views';

/** Distinct valid queries kept parsed; a client's queries are a handful, so this is only a guard. */
const MAX_CACHED_DOCUMENTS = 500;

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  /** The JSON body Shopify would answer (always HTTP 200 once authenticated). */
  body: { data?: unknown; errors?: unknown[]; extensions: object };
  /** Top-level fields of the executed operation, e.g. ['refundCreate']: what faults match on. */
  rootFields: string[];
  changed: OrderRecord[];
}

interface Context {
  apiVersion: string;
  changed: Set<OrderRecord>;
  scopes: string[];
}

/**
 * The access scope each root field needs, as Shopify documents them (write_x includes read_x).
 * Nested fields are not checked: the sandbox's one simplification here.
 */
const REQUIRED_SCOPE: Record<string, string | null> = {
  order: 'read_orders',
  orders: 'read_orders',
  metafieldsSet: 'write_orders',
  tagsAdd: 'write_orders',
  refundCreate: 'write_orders',
  fulfillmentCreate: 'write_merchant_managed_fulfillment_orders',
  products: 'read_products',
  product: 'read_products',
  currentAppInstallation: null,
  webhookSubscriptions: null,
  webhookSubscriptionCreate: null,
};

function holds(scopes: string[], scope: string): boolean {
  return scopes.includes(scope) || (scope.startsWith('read_') && scopes.includes(`write_${scope.slice('read_'.length)}`));
}

const MAX_TAG_LENGTH = 40;
/** Shopify reports query cost on every answer; the sandbox does not meter, so this is a constant. */
const COST = {
  requestedQueryCost: 10,
  actualQueryCost: 10,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
};

const SORT_VALUE: Record<string, (o: SandboxOrder) => number> = {
  ID: () => 0, // then by id, the tie-breaker
  CREATED_AT: (o) => Date.parse(o.created_at),
  UPDATED_AT: (o) => Date.parse(o.updated_at),
};

const SEARCH_TERM = /^updated_at:(>=|<=|>|<)'?([^']+)'?$/;
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

/** From 2026-04 Shopify fails refundCreate without @idempotent, although the schema does not say so. */
function requiresIdempotency(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-04';
}

export function createShopifyGraphql(store: ShopifyStore, subscriptions: WebhookSubscriptions, catalog: ProductCatalog) {
  const schema = buildSchema(`${SHOPIFY_ADMIN_SCHEMA_SDL}\n${SHOPIFY_PRODUCTS_SDL}`);
  const idempotent = schema.getDirective('idempotent');
  /** Idempotency key → the refund it created (order id, refund id). */
  let refundsByKey = new Map<string, { orderId: string; refundId: string }>();

  const orderByGid = (id: string) => {
    const legacy = parseGid(id, 'Order');
    return legacy === null ? undefined : store.get(legacy);
  };

  const rootValue = {
    ...catalog.resolvers(),

    order: ({ id }: { id: string }) => {
      const record = orderByGid(id);
      return record ? orderView(record) : null;
    },

    orders: (args: { first?: number | null; after?: string | null; query?: string | null; sortKey: string; reverse: boolean }) => {
      const filters = parseOrderSearch(args.query);
      const sortValue = SORT_VALUE[args.sortKey];
      const matching = store.all().filter((r) => filters.every((matches) => matches(r.order)));
      const page = paginate(matching, (r) => [sortValue(r.order), r.order.id], args, args.reverse);
      return { ...page, nodes: page.nodes.map(orderView) };
    },

    currentAppInstallation: (_args: unknown, ctx: Context) => ({
      id: 'gid://shopify/AppInstallation/1',
      accessScopes: ctx.scopes.map((handle) => ({ handle, description: handle.replace(/_/g, ' ') })),
    }),

    webhookSubscriptions: (args: { first?: number | null; after?: string | null; topics?: string[] | null; uri?: string | null }) => {
      const matching = subscriptions.all().filter((s) => (!args.topics?.length || args.topics.includes(s.topic)) && (!args.uri || s.uri === args.uri));
      const page = paginate(matching, (s) => [0, s.id], args);
      return { ...page, nodes: page.nodes.map((s) => subscriptions.view(s)) };
    },

    webhookSubscriptionCreate: (args: { topic: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null } }) => {
      const result = subscriptions.create(args.topic, args.webhookSubscription.uri ?? args.webhookSubscription.callbackUrl);
      return 'userErrors' in result
        ? { webhookSubscription: null, userErrors: result.userErrors }
        : { webhookSubscription: subscriptions.view(result.subscription), userErrors: [] };
    },

    metafieldsSet: (args: { metafields: { ownerId: string; namespace?: string | null; key: string; value: string; type?: string | null }[] }, ctx: Context) => {
      const userErrors: (UserError & { code: string; elementIndex: number })[] = [];
      args.metafields.forEach((m, i) => {
        if (!orderByGid(m.ownerId))
          userErrors.push({ field: ['metafields', String(i), 'ownerId'], message: 'Owner does not exist.', code: 'INVALID_VALUE', elementIndex: i });
        if (!m.type) userErrors.push({ field: ['metafields', String(i), 'type'], message: "Type can't be blank.", code: 'BLANK', elementIndex: i });
      });
      // All or nothing, like Shopify: one bad entry sets none.
      if (userErrors.length) return { metafields: null, userErrors };
      const metafields = args.metafields.map((m) => {
        const record = orderByGid(m.ownerId) as OrderRecord;
        const { metafield, changed } = store.setMetafield(record, { namespace: m.namespace ?? '$app', key: m.key, type: m.type as string, value: m.value });
        if (changed) ctx.changed.add(record);
        return metafieldView(metafield);
      });
      return { metafields, userErrors: [] };
    },

    tagsAdd: (args: { id: string; tags: string[] }, ctx: Context) => {
      const record = orderByGid(args.id);
      if (!record) return { node: null, userErrors: [{ field: ['id'], message: 'Resource not found' }] };
      const tags = args.tags.flatMap((t) => splitTags(t));
      const tooLong = tags.find((t) => t.length > MAX_TAG_LENGTH);
      if (tooLong !== undefined) return { node: null, userErrors: [{ field: ['tags'], message: `Tags cannot be longer than ${MAX_TAG_LENGTH} characters` }] };
      if (store.addTags(record, tags)) ctx.changed.add(record);
      return { node: orderView(record), userErrors: [] };
    },

    refundCreate: (args: { input: RefundInput }, ctx: Context, info: GraphQLResolveInfo) => {
      const key = idempotent && getDirectiveValues(idempotent, info.fieldNodes[0], info.variableValues)?.key;
      if (typeof key !== 'string' && requiresIdempotency(ctx.apiVersion)) {
        throw new GraphQLError('The @idempotent directive is required for this mutation.', { extensions: { code: 'BAD_REQUEST' } });
      }
      const earlier = typeof key === 'string' ? refundsByKey.get(key) : undefined;
      if (earlier) {
        const record = store.get(earlier.orderId) as OrderRecord;
        const refund = record.order.refunds.find((r) => r.id === earlier.refundId);
        return { order: orderView(record), refund: refund && refundView(refund), userErrors: [] };
      }
      const { input } = args;
      const record = orderByGid(input.orderId);
      if (!record) return { order: null, refund: null, userErrors: [{ field: ['orderId'], message: 'Order does not exist' }] };
      // Shipping is refunded through the transactions' amounts; `shipping` only says so.
      const result = store.refund(record, {
        note: input.note ?? null,
        lines: (input.refundLineItems ?? []).map((l) => ({
          lineItemId: parseGid(l.lineItemId, 'LineItem'),
          quantity: l.quantity,
          restockType: l.restockType ?? 'NO_RESTOCK',
        })),
        transactions: (input.transactions ?? []).map((t) => ({
          parentId: t.parentId ? parseGid(t.parentId, 'OrderTransaction') : null,
          amount: String(t.amount),
          kind: t.kind,
          gateway: t.gateway,
        })),
      });
      if ('userErrors' in result) return { order: null, refund: null, userErrors: result.userErrors };
      if (typeof key === 'string') refundsByKey.set(key, { orderId: record.order.id, refundId: result.refund.id });
      ctx.changed.add(record);
      return { order: orderView(record), refund: refundView(result.refund), userErrors: [] };
    },

    fulfillmentCreate: (args: { fulfillment: FulfillmentInput }, ctx: Context) => {
      const ids = args.fulfillment.lineItemsByFulfillmentOrder.map((x) => parseGid(x.fulfillmentOrderId, 'FulfillmentOrder') ?? '');
      const record = store.all().find((r) => r.fulfillmentOrders.some((fo) => fo.id === ids[0]));
      if (!record) {
        return {
          fulfillment: null,
          userErrors: [{ field: ['fulfillment', 'lineItemsByFulfillmentOrder', '0', 'fulfillmentOrderId'], message: 'Fulfillment order does not exist.' }],
        };
      }
      const tracking = args.fulfillment.trackingInfo;
      const result = store.fulfil(record, {
        fulfillmentOrderIds: ids,
        company: tracking?.company ?? null,
        numbers: tracking?.numbers ?? (tracking?.number ? [tracking.number] : []),
      });
      if ('userErrors' in result) return { fulfillment: null, userErrors: result.userErrors };
      ctx.changed.add(record);
      return { fulfillment: fulfillmentView(result.fulfillment), userErrors: [] };
    },
  };

  const validDocuments = new Map<string, DocumentNode>();

  /** `scopes`: what the request's access token was granted. */
  async function run(request: GraphqlRequest, apiVersion: string, scopes: string[]): Promise<GraphqlOutcome> {
    const failed = (errors: GraphQLError[]): GraphqlOutcome => ({
      body: { errors: errors.map((e) => e.toJSON()), extensions: { cost: COST } },
      rootFields: [],
      changed: [],
    });
    if (typeof request.query !== 'string') return failed([new GraphQLError('Required parameter missing or invalid: query')]);
    let document = validDocuments.get(request.query);
    if (!document) {
      try {
        document = parse(request.query);
      } catch (err) {
        return failed([err instanceof GraphQLError ? err : new GraphQLError(String(err))]);
      }
      const invalid = validate(schema, document);
      if (invalid.length) return failed([...invalid]);
      // A client sends the same few queries over and over: parse and validate each once (the
      // benchmark's sandbox shares the machine with what it measures).
      if (validDocuments.size < MAX_CACHED_DOCUMENTS) validDocuments.set(request.query, document);
    }

    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    const rootFields = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
    const denied = rootFields.filter((field) => {
      const scope = REQUIRED_SCOPE[field];
      return scope && !holds(scopes, scope);
    });
    if (denied.length) {
      return failed(
        denied.map(
          (field) =>
            new GraphQLError(`Access denied for ${field} field. Required access: \`${REQUIRED_SCOPE[field]}\` access scope.`, {
              extensions: {
                code: 'ACCESS_DENIED',
                documentation: 'https://shopify.dev/api/usage/access-scopes',
                requiredAccess: `\`${REQUIRED_SCOPE[field]}\` access scope.`,
              },
            }),
        ),
      );
    }
    const context: Context = { apiVersion, changed: new Set(), scopes };
    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue: context,
      variableValues: isRecord(request.variables) ? request.variables : undefined,
      operationName,
    });
    return {
      body: {
        ...(result.data === undefined ? {} : { data: result.data }),
        ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
        extensions: { cost: COST },
      },
      rootFields,
      changed: [...context.changed],
    };
  }

  return {
    run,
    reset() {
      refundsByKey = new Map();
    },
    /** The refundCreate idempotency keys: a retry after a restart must still not refund twice. */
    exportRefundKeys: () => [...refundsByKey].map(([key, refund]) => ({ key, ...refund })),
    importRefundKeys(keys: { key: string; orderId: string; refundId: string }[]) {
      refundsByKey = new Map(keys.map(({ key, orderId, refundId }) => [key, { orderId, refundId }]));
    },
  };
}

interface RefundInput {
  orderId: string;
  note?: string | null;
  refundLineItems?: { lineItemId: string; quantity: number; restockType?: string | null }[] | null;
  transactions?: { amount: string; gateway: string; kind: string; parentId?: string | null }[] | null;
}

interface FulfillmentInput {
  lineItemsByFulfillmentOrder: { fulfillmentOrderId: string }[];
  trackingInfo?: { company?: string | null; number?: string | null; numbers?: string[] | null } | null;
}

/** Shopify's search syntax, as far as cellarhand uses it: `updated_at:>'<ISO>'` terms joined by spaces or AND. */
function parseOrderSearch(query: string | null | undefined): ((o: SandboxOrder) => boolean)[] {
  const terms = (query ?? '').split(/\s+/).filter((t) => t && t !== 'AND');
  return terms.map((term) => {
    const match = SEARCH_TERM.exec(term);
    const bound = match ? Date.parse(match[2]) : NaN;
    if (!match || Number.isNaN(bound)) {
      throw new GraphQLError(`The sandbox supports only updated_at:>'<ISO timestamp>' style filters, not "${term}"`, { extensions: { code: 'BAD_REQUEST' } });
    }
    const compare = COMPARE[match[1]];
    return (o) => compare(Date.parse(o.updated_at), bound);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
