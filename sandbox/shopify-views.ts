// Store records as the Admin GraphQL API shows them. Fields with arguments are functions, which
// graphql-js's default resolver calls with those arguments.
import { GraphQLError } from 'graphql';
import { toCents, fromCents } from '../integrations/shopify/money';
import { splitTags } from '../integrations/shopify/order-payload';
import { compareIds, gid, type OrderRecord, type SandboxAddress, type SandboxFulfillment, type SandboxRefund, type SandboxTransaction } from './shopify-store';

/** A sort value, then the id (a digit string) to break ties. */
type SortKey = [number, string];

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const MAX_PAGE_SIZE = 250;

/** Cursor pagination over items ordered by a (value, id) key, as stable as Shopify's cursors. */
export function paginate<T>(items: T[], keyOf: (item: T) => SortKey, args: PageArgs, reverse = false) {
  const first = args.first;
  if (first == null) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  if (first < 1 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The value of first must be between 1 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_REQUEST' } });
  }
  const direction = reverse ? -1 : 1;
  const compare = (a: SortKey, b: SortKey) => direction * (a[0] - b[0] || compareIds(a[1], b[1]));
  let rows = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compare(a.key, b.key));
  if (args.after) {
    const after = decodeCursor(args.after);
    rows = rows.filter((row) => compare(row.key, after) > 0);
  }
  const pageRows = rows.slice(0, first);
  return {
    nodes: pageRows.map((row) => row.item),
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: pageRows.length ? encodeCursor(pageRows[0].key) : null,
      endCursor: pageRows.length ? encodeCursor(pageRows[pageRows.length - 1].key) : null,
    },
  };
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string') return key as SortKey;
  } catch {
    // fall through to the error Shopify gives
  }
  throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_REQUEST' } });
}

/** Shopify's Decimal drops trailing zeros: "42.00" → "42.0", "29.90" → "29.9". */
function decimal(amount: string): string {
  return fromCents(toCents(amount)).replace(/0$/, '');
}

function moneyBag(amount: string, currencyCode = 'USD') {
  const money = { amount: decimal(amount), currencyCode };
  return { shopMoney: money, presentmentMoney: money };
}

function address(a: SandboxAddress | null) {
  if (!a) return null;
  return {
    firstName: a.first_name,
    lastName: a.last_name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.province_code,
    zip: a.zip,
    country: a.country,
    countryCodeV2: a.country_code,
    phone: a.phone,
  };
}

const FULFILLMENT_DISPLAY: Record<string, string> = { partial: 'PARTIALLY_FULFILLED', fulfilled: 'FULFILLED' };

export function orderView(record: OrderRecord) {
  const o = record.order;
  return {
    __typename: 'Order',
    id: o.admin_graphql_api_id,
    legacyResourceId: o.id,
    name: o.name,
    number: o.order_number,
    createdAt: o.created_at,
    processedAt: o.processed_at,
    updatedAt: o.updated_at,
    cancelledAt: o.cancelled_at,
    displayFinancialStatus: o.financial_status.toUpperCase(),
    displayFulfillmentStatus: (o.fulfillment_status && FULFILLMENT_DISPLAY[o.fulfillment_status]) ?? 'UNFULFILLED',
    email: o.email,
    phone: o.phone,
    customer: o.customer && { id: gid('Customer', o.customer.id), firstName: o.customer.first_name, lastName: o.customer.last_name },
    shippingAddress: address(o.shipping_address),
    billingAddress: address(o.billing_address),
    customAttributes: o.note_attributes.map((a) => ({ key: a.name, value: a.value })),
    tags: splitTags(o.tags),
    currencyCode: o.currency,
    totalPriceSet: moneyBag(o.total_price),
    subtotalPriceSet: moneyBag(o.subtotal_price),
    totalTaxSet: moneyBag(o.total_tax),
    totalShippingPriceSet: moneyBag(o.total_shipping_price_set.shop_money.amount),
    metafield: (args: { namespace?: string | null; key: string }) => {
      const m = record.metafields.find((f) => f.namespace === (args.namespace ?? '$app') && f.key === args.key);
      return m ? metafieldView(m) : null;
    },
    lineItems: (args: PageArgs) =>
      paginate(
        o.line_items.map((l) => ({
          id: l.admin_graphql_api_id,
          sku: l.sku,
          title: l.title,
          quantity: l.quantity,
          currentQuantity: l.current_quantity,
          refundableQuantity: l.current_quantity,
          originalUnitPriceSet: moneyBag(l.price),
          legacyId: l.id,
        })),
        (l) => [0, l.legacyId],
        args,
      ),
    transactions: (args: { first?: number | null }) => firstOf(record.transactions, args).map((t) => transactionView(record, t)),
    refunds: (args: { first?: number | null }) => firstOf(o.refunds, args).map(refundView),
    fulfillments: (args: { first?: number | null }) => firstOf(o.fulfillments, args).map(fulfillmentView),
    fulfillmentOrders: (args: PageArgs) =>
      paginate(
        record.fulfillmentOrders.map((fo) => ({ id: gid('FulfillmentOrder', fo.id), status: fo.status, legacyId: fo.id })),
        (fo) => [0, fo.legacyId],
        args,
      ),
  };
}

function firstOf<T>(items: T[], args: { first?: number | null }): T[] {
  return args.first == null ? items : items.slice(0, args.first);
}

export function metafieldView(m: { id: string; namespace: string; key: string; value: string; type: string }) {
  return { id: gid('Metafield', m.id), namespace: m.namespace, key: m.key, value: m.value, type: m.type };
}

function transactionView(record: OrderRecord, t: SandboxTransaction): object {
  const parent = t.parent_id === null ? undefined : record.transactions.find((p) => p.id === t.parent_id);
  return {
    id: t.admin_graphql_api_id,
    kind: t.kind.toUpperCase(),
    status: t.status.toUpperCase(),
    gateway: t.gateway,
    amountSet: moneyBag(t.amount),
    parentTransaction: parent ? transactionView(record, parent) : null,
    createdAt: t.created_at,
  };
}

export function refundView(r: SandboxRefund) {
  const total = r.transactions.reduce((sum, t) => sum + toCents(t.amount), 0);
  return { id: r.admin_graphql_api_id, createdAt: r.created_at, note: r.note, totalRefundedSet: moneyBag(fromCents(total)) };
}

export function fulfillmentView(f: SandboxFulfillment) {
  return {
    id: f.admin_graphql_api_id,
    status: f.status.toUpperCase(),
    createdAt: f.created_at,
    trackingInfo: () => f.tracking_numbers.map((number) => ({ company: f.tracking_company, number, url: null })),
  };
}
