// Cellarhand's writes to (and reads from) the Shopify Admin GraphQL API, through Shopify's official
// client. Every method is safe to call again after a failure or a lost reply: Temporal retries
// activities, and this class is what an activity calls.
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';
import type { OrderSnapshot } from '../../domain/order';
import { observeCall, type CallObserver } from '../call-observer';
import { StaticAccessToken, type AccessTokenSource } from './access-token';
import {
  FULFILLMENT_CREATE,
  ORDER_FOR_FULFILMENT,
  ORDER_FOR_REFUND,
  ORDER_LINE_ITEMS,
  ORDERS_UPDATED_SINCE,
  REFUND_CREATE,
  WRITE_BACK,
  type FulfillmentCreateData,
  type OrderForFulfilmentData,
  type OrderForRefundData,
  type OrderLineItemsData,
  type OrdersUpdatedSinceData,
  type RefundCreateData,
  type WriteBackData,
} from './admin-documents';
import { fromResponseErrors, fromUserErrors, shopifyCallOutcome, ShopifyError, type ShopifyUserError } from './errors';
import { graphqlOrderToSnapshot, orderGid, type GraphqlOrder, type PageInfo } from './order-graphql';
import { ACTIVE_PRODUCTS, PRODUCT_VARIANTS, productGid, toCatalogVariants, type ActiveProductsData, type ProductVariantsData } from './products';
import {
  ACCESS_SCOPES,
  WEBHOOK_SUBSCRIPTION_CREATE,
  WEBHOOK_SUBSCRIPTIONS,
  type AccessScopesData,
  type WebhookSubscriptionCreateData,
  type WebhookSubscriptionsData,
} from './setup-documents';
import { topicEnum, topicFromEnum } from './webhooks';
import { latestRefundId, planFullRefund } from './refund-plan';
import type { ShopifyCatalogVariant } from '../../domain/catalog-check';

export interface ShopifyAdminOptions {
  shopDomain: string;
  /** "https://my-shop.myshopify.com" for a real store, "http://localhost:3001/shopify" for the sandbox. */
  adminApiUrl: string;
  /** A static token, or where to get one (the client credentials grant). */
  accessToken: string | AccessTokenSource;
  apiVersion: string;
  /** Told about every Admin API request (metrics). */
  observer?: CallObserver;
}

export interface WebhookSubscription {
  id: string;
  /** As webhooks spell it: "orders/create". */
  topic: string;
  uri: string;
}

export const METAFIELD_NAMESPACE = 'cellarhand';
export const METAFIELD_KEY = 'vinoshipper_order_number';
const MAX_TAG_LENGTH = 40;
/** Below a typical activity timeout, so a hung connection fails the attempt instead of the activity. */
const REQUEST_TIMEOUT_MS = 30_000;

export class ShopifyAdmin {
  private readonly tokens: AccessTokenSource;
  /** The client for the current token; a renewed token gets a new one (the client's token is fixed). */
  private client: { token: string; api: AdminApiClient } | null = null;

  constructor(private readonly opts: ShopifyAdminOptions) {
    this.tokens = typeof opts.accessToken === 'string' ? new StaticAccessToken(opts.accessToken) : opts.accessToken;
  }

  private clientFor(token: string): AdminApiClient {
    if (this.client?.token === token) return this.client.api;
    const storeOrigin = `https://${this.opts.shopDomain}`;
    const apiBase = this.opts.adminApiUrl.replace(/\/+$/, '');
    const api = createAdminApiClient({
      storeDomain: this.opts.shopDomain,
      apiVersion: this.opts.apiVersion,
      accessToken: token,
      // Temporal's activity retries are the only retry layer; the client's own would hide failures from it.
      retries: 0,
      // The client always builds https://{storeDomain}/admin/api/{version}/graphql.json. Swapping that
      // origin for adminApiUrl lets the same code (headers, documents, error handling) reach the real
      // store or the sandbox, with configuration the only difference.
      customFetchApi: (url, init) =>
        fetch(url.startsWith(storeOrigin) ? apiBase + url.slice(storeOrigin.length) : url, {
          ...init,
          signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        }),
    });
    this.client = { token, api };
    return api;
  }

  // ---- The app's own setup on the shop ----

  /** The access scopes the installed app holds (either way of authenticating). */
  async grantedScopes(): Promise<string[]> {
    const data = await this.request<AccessScopesData>('access scopes', ACCESS_SCOPES, {});
    return data.currentAppInstallation.accessScopes.map((s) => s.handle);
  }

  /**
   * The shop-specific webhook subscriptions, every page, topics spelled as in webhooks ("orders/create").
   * App-specific ones (shopify.app.toml) are not listed by the Admin API.
   */
  async listWebhookSubscriptions(): Promise<WebhookSubscription[]> {
    const all: WebhookSubscription[] = [];
    let after: string | null = null;
    for (;;) {
      const { webhookSubscriptions: page }: WebhookSubscriptionsData = await this.request<WebhookSubscriptionsData>(
        'webhookSubscriptions',
        WEBHOOK_SUBSCRIPTIONS,
        { after },
      );
      all.push(...page.nodes.map((s) => ({ id: s.id, topic: topicFromEnum(s.topic), uri: s.uri })));
      if (!page.pageInfo.hasNextPage) return all;
      after = page.pageInfo.endCursor;
    }
  }

  async createWebhookSubscription(topic: string, uri: string): Promise<WebhookSubscription> {
    const data = await this.request<WebhookSubscriptionCreateData>('webhookSubscriptionCreate', WEBHOOK_SUBSCRIPTION_CREATE, { topic: topicEnum(topic), uri });
    throwOnUserErrors('webhookSubscriptionCreate', data.webhookSubscriptionCreate?.userErrors ?? []);
    const created = data.webhookSubscriptionCreate?.webhookSubscription;
    if (!created) throw new ShopifyError('transient', 'Shopify webhookSubscriptionCreate: answered without a subscription');
    return { id: created.id, topic: topicFromEnum(created.topic), uri: created.uri };
  }

  // ---- Orders ----

  /**
   * Records the Vinoshipper order on the Shopify order: a metafield to read, a tag to filter by.
   * `timeoutMs`: a tighter bound than the client's own, for a caller with other work in the same activity.
   */
  async writeBackVinoshipperOrder(shopifyOrderId: string, vinoshipperOrderNumber: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    const id = orderGid(shopifyOrderId);
    const variables = {
      orderId: id,
      metafields: [{ ownerId: id, namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY, type: 'single_line_text_field', value: vinoshipperOrderNumber }],
      tags: [`vinoshipper:${vinoshipperOrderNumber}`.slice(0, MAX_TAG_LENGTH)],
    };
    const data = await this.request<WriteBackData>('write-back', WRITE_BACK, variables, opts.timeoutMs);
    throwOnUserErrors('write-back', [...(data.metafieldsSet?.userErrors ?? []), ...(data.tagsAdd?.userErrors ?? [])]);
  }

  /**
   * Refunds whatever is still refundable (all lines, shipping, every captured payment). The
   * idempotency key makes a retried call return the original refund; an order with nothing left to
   * refund returns its latest refund.
   */
  async refundOrder(input: { shopifyOrderId: string; reason: string; idempotencyKey: string }): Promise<{ refundId: string }> {
    const orderId = orderGid(input.shopifyOrderId);
    const { order } = await this.request<OrderForRefundData>('refund (read order)', ORDER_FOR_REFUND, { id: orderId });
    if (!order) throw notFound(input.shopifyOrderId);

    const plan = planFullRefund(orderId, order);
    if (!plan) {
      const existing = latestRefundId(order);
      if (existing) return { refundId: existing };
      throw new ShopifyError('user_error', `Shopify refund: order ${input.shopifyOrderId} has nothing to refund`);
    }
    const data = await this.request<RefundCreateData>('refundCreate', REFUND_CREATE, {
      idempotencyKey: input.idempotencyKey,
      input: { orderId, note: input.reason, notify: true, shipping: { fullRefund: true }, ...plan },
    });
    throwOnUserErrors('refundCreate', data.refundCreate?.userErrors ?? []);
    const refund = data.refundCreate?.refund;
    if (!refund) throw new ShopifyError('transient', 'Shopify refundCreate: answered without a refund');
    return { refundId: refund.id };
  }

  /** Marks the order fulfilled with the carrier's tracking (Shopify emails the customer). */
  async fulfilOrder(input: { shopifyOrderId: string; trackingNumbers: string[]; carrier: string | null }): Promise<{ fulfillmentId: string }> {
    const { order } = await this.request<OrderForFulfilmentData>('fulfil (read order)', ORDER_FOR_FULFILMENT, {
      id: orderGid(input.shopifyOrderId),
    });
    if (!order) throw notFound(input.shopifyOrderId);

    const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    if (!open.length) {
      const [done] = order.fulfillments.filter((f) => f.status === 'SUCCESS').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      if (done) return { fulfillmentId: done.id };
      throw new ShopifyError('user_error', `Shopify fulfil: order ${input.shopifyOrderId} has nothing left to fulfil`);
    }
    const data = await this.request<FulfillmentCreateData>('fulfillmentCreate', FULFILLMENT_CREATE, {
      fulfillment: {
        lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })),
        trackingInfo: input.trackingNumbers.length ? { company: input.carrier ?? undefined, numbers: input.trackingNumbers } : undefined,
        notifyCustomer: true,
      },
    });
    throwOnUserErrors('fulfillmentCreate', data.fulfillmentCreate?.userErrors ?? []);
    const fulfillment = data.fulfillmentCreate?.fulfillment;
    if (!fulfillment) throw new ShopifyError('transient', 'Shopify fulfillmentCreate: answered without a fulfillment');
    return { fulfillmentId: fulfillment.id };
  }

  /**
   * One page of orders changed after `sinceIso`, oldest change first, for reconciliation. Without the
   * read_all_orders scope Shopify only shows the last 60 days.
   */
  async listOrdersUpdatedSince(sinceIso: string, after?: string): Promise<{ orders: OrderSnapshot[]; endCursor: string | null; hasNextPage: boolean }> {
    const since = new Date(sinceIso);
    if (Number.isNaN(since.getTime())) throw new RangeError(`not an ISO timestamp: ${sinceIso}`);
    // Whole seconds (Shopify's precision), rounded down and inclusive: an order changed within the
    // same second as `since` is read again rather than missed.
    const bound = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { orders } = await this.request<OrdersUpdatedSinceData>('orders', ORDERS_UPDATED_SINCE, {
      query: `updated_at:>='${bound}'`,
      after: after ?? null,
    });
    const snapshots: OrderSnapshot[] = [];
    for (const order of orders.nodes) snapshots.push(graphqlOrderToSnapshot(await this.withAllLineItems(order)));
    return { orders: snapshots, endCursor: orders.pageInfo.endCursor, hasNextPage: orders.pageInfo.hasNextPage };
  }

  /** One page of active products with all their variants (the catalogue check); `after` is the previous page's cursor. */
  async listActiveProductVariants(
    after?: string,
  ): Promise<{ products: number; variants: ShopifyCatalogVariant[]; endCursor: string | null; hasNextPage: boolean }> {
    const { products } = await this.request<ActiveProductsData>('products', ACTIVE_PRODUCTS, { after: after ?? null });
    const variants: ShopifyCatalogVariant[] = [];
    for (const product of products.nodes) {
      const all = await allNodes(product.variants, async (after) => {
        const data = await this.request<ProductVariantsData>('product variants', PRODUCT_VARIANTS, { id: productGid(product.legacyResourceId), after });
        return data.product?.variants ?? null; // deleted while we read: its first variants are all there is
      });
      variants.push(...toCatalogVariants(product, all));
    }
    return { products: products.nodes.length, variants, endCursor: products.pageInfo.endCursor, hasNextPage: products.pageInfo.hasNextPage };
  }

  private async withAllLineItems(order: GraphqlOrder): Promise<GraphqlOrder> {
    const nodes = await allNodes(order.lineItems, async (after) => {
      const data = await this.request<OrderLineItemsData>('order line items', ORDER_LINE_ITEMS, { id: orderGid(order.legacyResourceId), after });
      if (!data.order) throw notFound(order.legacyResourceId);
      return data.order.lineItems;
    });
    return { ...order, lineItems: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } };
  }

  private async request<T>(operation: string, document: string, variables: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    // The token first, outside the GraphQL client and this call's metrics: a refused grant keeps its
    // own classification and is counted as the token request it was.
    let token = await this.tokens.token();
    return observeCall(
      this.opts.observer,
      { system: 'shopify', operation },
      async () => {
        const options = () => ({ variables, ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }) });
        let response = await this.clientFor(token).request<T>(document, options());
        // A 401 means the request was not processed: with a fresh token it is safe to send once more.
        if (response.errors?.networkStatusCode === 401 && this.tokens.rejected(token)) {
          token = await this.tokens.token();
          response = await this.clientFor(token).request<T>(document, options());
        }
        if (response.errors) throw fromResponseErrors(operation, response.errors);
        if (!response.data) throw new ShopifyError('transient', `Shopify ${operation}: answered without data`);
        return response.data;
      },
      (result) => ('error' in result ? shopifyCallOutcome(result.error) : refusedByUserErrors(result.value) ? 'rejected' : 'ok'),
    );
  }
}

/** A mutation that ran and refused its input answers `{ <mutation>: { userErrors: [...] } }`. */
function refusedByUserErrors(data: unknown): boolean {
  return Object.values(data as Record<string, unknown>).some((field) => {
    const userErrors = (field as { userErrors?: unknown } | null)?.userErrors;
    return Array.isArray(userErrors) && userErrors.length > 0;
  });
}

/** A nested connection's first page plus every later one (`next` reads the page after a cursor; null: stop). */
async function allNodes<T>(
  first: { nodes: T[]; pageInfo: PageInfo },
  next: (after: string | null) => Promise<{ nodes: T[]; pageInfo: PageInfo } | null>,
): Promise<T[]> {
  const nodes = [...first.nodes];
  let pageInfo = first.pageInfo;
  while (pageInfo.hasNextPage) {
    const page = await next(pageInfo.endCursor);
    if (!page) break;
    nodes.push(...page.nodes);
    pageInfo = page.pageInfo;
  }
  return nodes;
}

function throwOnUserErrors(operation: string, userErrors: ShopifyUserError[]): void {
  if (userErrors.length) throw fromUserErrors(operation, userErrors);
}

function notFound(shopifyOrderId: string): ShopifyError {
  return new ShopifyError('not_found', `Shopify: order ${shopifyOrderId} not found`);
}
