// The Shopify sandbox's in-memory shop: orders in the REST/webhook JSON shape, plus what hangs off
// them (metafields, transactions, fulfillment orders), and the state changes the Admin API mutations
// make. HTTP and GraphQL live elsewhere (shopify.ts, shopify-graphql.ts). Ids are 64-bit integers at
// Shopify, so here they are digit strings; restJson() writes them as the JSON numbers Shopify sends.
import { LosslessNumber, stringify } from 'lossless-json';
import { isShopifyId } from '../integrations/shopify/ids';
import { fromCents, toCents } from '../integrations/shopify/money';
import { splitTags } from '../integrations/shopify/order-payload';

export interface SandboxAddress {
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  province_code: string | null;
  zip: string | null;
  country: string | null;
  country_code: string | null;
  phone: string | null;
}

export interface SandboxLineItem {
  id: string;
  admin_graphql_api_id: string;
  sku: string | null;
  title: string;
  quantity: number;
  /** Quantity minus refunded units. */
  current_quantity: number;
  price: string;
  variant_id: string;
  product_id: string;
}

export interface SandboxTransaction {
  id: string;
  admin_graphql_api_id: string;
  kind: 'sale' | 'refund';
  status: 'success';
  amount: string;
  gateway: string;
  parent_id: string | null;
  created_at: string;
}

export interface SandboxRefund {
  id: string;
  admin_graphql_api_id: string;
  order_id: string;
  created_at: string;
  note: string | null;
  refund_line_items: { line_item_id: string; quantity: number; restock_type: string }[];
  transactions: SandboxTransaction[];
}

export interface SandboxFulfillment {
  id: string;
  admin_graphql_api_id: string;
  order_id: string;
  status: 'success';
  created_at: string;
  tracking_company: string | null;
  tracking_number: string | null;
  tracking_numbers: string[];
}

/** The REST order JSON, exactly what a webhook carries. */
export interface SandboxOrder {
  id: string;
  admin_graphql_api_id: string;
  name: string;
  order_number: number;
  email: string | null;
  phone: string | null;
  created_at: string;
  /** When the order was placed: now, or an imported order's original date. */
  processed_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
  financial_status: string;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  subtotal_price: string;
  total_tax: string;
  total_shipping_price_set: { shop_money: { amount: string; currency_code: string } };
  tags: string;
  note: string | null;
  note_attributes: { name: string; value: string }[];
  customer: { id: string; email: string | null; first_name: string | null; last_name: string | null } | null;
  shipping_address: SandboxAddress | null;
  billing_address: SandboxAddress | null;
  line_items: SandboxLineItem[];
  refunds: SandboxRefund[];
  fulfillments: SandboxFulfillment[];
}

export interface SandboxMetafield {
  id: string;
  namespace: string;
  key: string;
  value: string;
  type: string;
  owner_id: string;
  owner_resource: 'order';
  created_at: string;
  updated_at: string;
}

export interface SandboxFulfillmentOrder {
  id: string;
  status: 'OPEN' | 'CLOSED' | 'CANCELLED';
}

export interface OrderRecord {
  order: SandboxOrder;
  metafields: SandboxMetafield[];
  transactions: SandboxTransaction[];
  fulfillmentOrders: SandboxFulfillmentOrder[];
}

export interface NewLineItem {
  sku: string;
  quantity: number;
  price: string;
  title?: string;
}

export interface NewOrder {
  line_items: NewLineItem[];
  shipping_address?: Partial<SandboxAddress>;
  billing_address?: Partial<SandboxAddress>;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  note_attributes?: { name: string; value: string }[];
  tags?: string | string[];
  customer?: { first_name?: string | null; last_name?: string | null; email?: string | null };
  processed_at?: string;
}

export interface OrderPatch {
  shipping_address?: Partial<SandboxAddress>;
  line_items?: NewLineItem[];
  note_attributes?: { name: string; value: string }[];
  email?: string | null;
  note?: string | null;
  tags?: string | string[];
}

export interface UserError {
  field: string[] | null;
  message: string;
}

/** The demo customer every order gets unless the request says otherwise. */
const DEMO_ADDRESS: SandboxAddress = {
  first_name: 'Avery',
  last_name: 'Demo',
  company: null,
  address1: '1200 Vineyard Lane',
  address2: null,
  city: 'Napa',
  province: 'California',
  province_code: 'CA',
  zip: '94558',
  country: 'United States',
  country_code: 'US',
  phone: '+17075550123',
};
const DEMO_EMAIL = 'avery.demo@example.com';
/** Matches the default SHOPIFY_DOB_ATTRIBUTE: what an age-gate app would leave on the order. */
const DEMO_DATE_OF_BIRTH = { name: 'date_of_birth', value: '1985-04-12' };
const FLAT_SHIPPING = '15.00';
const GATEWAY = 'bogus';

const FIRST_IDS = {
  order: '5000000001',
  lineItem: '13000000001',
  product: '8000000001',
  variant: '44000000001',
  customer: '7000000001',
  transaction: '6000000001',
  refund: '9000000001',
  fulfillment: '4000000001',
  fulfillmentOrder: '6500000001',
  metafield: '2000000001',
};
export type IdKind = keyof typeof FIRST_IDS;
export const ID_KINDS = Object.keys(FIRST_IDS) as IdKind[];

/** Orders ids as numbers without turning them into (lossy) JS numbers. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
const FIRST_ORDER_NUMBER = 1001;

export function gid(type: string, id: string): string {
  return `gid://shopify/${type}/${id}`;
}

/** "gid://shopify/Order/5000000001" → "5000000001" when the type matches, else null. */
export function parseGid(value: string, type: string): string | null {
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(value);
  return match && match[1] === type ? match[2] : null;
}

const isIdKey = (key: string) => key === 'id' || key.endsWith('_id');

/** REST JSON as Shopify sends it: ids as JSON numbers, however many digits (JSON.stringify would quote them). */
export function restJson(value: unknown): string {
  return stringify(value, (key, v) => (typeof v === 'string' && isIdKey(key) && isShopifyId(v) ? new LosslessNumber(v) : v)) ?? 'null';
}

/** Saved states from before ids were strings hold numbers (all below 2^53, so exact): made strings. */
function idsAsStrings<T>(value: T): T {
  if (Array.isArray(value)) return value.map(idsAsStrings) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isIdKey(k) && typeof v === 'number' ? String(v) : idsAsStrings(v)])) as T;
}

export interface ShopifyStoreState {
  orders: OrderRecord[];
  nextIds: Partial<Record<IdKind, string>>;
  nextOrderNumber: number;
}

export class ShopifyStore {
  private records = new Map<string, OrderRecord>();
  private nextIds = { ...FIRST_IDS };
  private nextOrderNumber = FIRST_ORDER_NUMBER;

  /**
   * Empties the store but keeps counting: like a real shop, an order id or name is never handed out
   * twice, so a new order can't run into the still-running workflow of an order from before the reset.
   */
  reset(): void {
    this.records = new Map();
  }

  /** Orders with what hangs off them, and the counters, so ids and names continue after a restart. */
  exportState(): ShopifyStoreState {
    return structuredClone({ orders: this.all(), nextIds: this.nextIds, nextOrderNumber: this.nextOrderNumber });
  }

  importState(state: ShopifyStoreState): void {
    this.records = new Map();
    for (const record of idsAsStrings(state.orders)) {
      record.order.processed_at ??= record.order.created_at; // state files from before it was kept
      this.records.set(record.order.id, record);
    }
    this.nextIds = { ...FIRST_IDS, ...state.nextIds };
    this.nextOrderNumber = state.nextOrderNumber;
  }

  all(): OrderRecord[] {
    return [...this.records.values()];
  }

  get(id: string): OrderRecord | undefined {
    return this.records.get(id);
  }

  /** The ids the next records get, e.g. 18-digit ones like Shopify's example payloads. */
  setNextIds(ids: Partial<Record<IdKind, string>>): Record<IdKind, string> {
    Object.assign(this.nextIds, ids);
    return { ...this.nextIds };
  }

  create(input: NewOrder): OrderRecord {
    const id = this.nextId('order');
    const orderNumber = this.nextOrderNumber++;
    const now = new Date().toISOString();
    const shipping = { ...DEMO_ADDRESS, ...input.shipping_address };
    const email = input.email === undefined ? DEMO_EMAIL : input.email;
    const order: SandboxOrder = {
      id,
      admin_graphql_api_id: gid('Order', id),
      name: `#${orderNumber}`,
      order_number: orderNumber,
      email,
      phone: input.phone ?? null,
      created_at: now,
      processed_at: input.processed_at ? new Date(input.processed_at).toISOString() : now,
      updated_at: now,
      cancelled_at: null,
      cancel_reason: null,
      financial_status: 'paid',
      fulfillment_status: null,
      currency: 'USD',
      total_price: '0.00',
      subtotal_price: '0.00',
      total_tax: '0.00',
      total_shipping_price_set: { shop_money: { amount: FLAT_SHIPPING, currency_code: 'USD' } },
      tags: joinTags(input.tags),
      note: input.note ?? null,
      note_attributes: input.note_attributes ?? [DEMO_DATE_OF_BIRTH],
      customer: {
        id: this.nextId('customer'),
        email: input.customer?.email ?? email,
        first_name: input.customer?.first_name ?? shipping.first_name,
        last_name: input.customer?.last_name ?? shipping.last_name,
      },
      shipping_address: shipping,
      billing_address: { ...shipping, ...input.billing_address },
      line_items: [],
      refunds: [],
      fulfillments: [],
    };
    this.setLineItems(order, input.line_items);
    const sale = this.transaction('sale', order.total_price, null, now);
    const record: OrderRecord = {
      order,
      metafields: [],
      transactions: [sale],
      fulfillmentOrders: [{ id: this.nextId('fulfillmentOrder'), status: 'OPEN' }],
    };
    this.records.set(id, record);
    return record;
  }

  /** A merchant's edit in the admin (the control route's PATCH). */
  update(record: OrderRecord, patch: OrderPatch): void {
    const { order } = record;
    if (patch.shipping_address) order.shipping_address = { ...(order.shipping_address ?? DEMO_ADDRESS), ...patch.shipping_address };
    if (patch.line_items) this.setLineItems(order, patch.line_items);
    if (patch.note_attributes) order.note_attributes = patch.note_attributes;
    if (patch.email !== undefined) order.email = patch.email;
    if (patch.note !== undefined) order.note = patch.note;
    if (patch.tags !== undefined) order.tags = joinTags(patch.tags);
    this.touch(record);
  }

  cancel(record: OrderRecord, reason: string): void {
    record.order.cancelled_at = new Date().toISOString();
    record.order.cancel_reason = reason;
    for (const fo of record.fulfillmentOrders) if (fo.status === 'OPEN') fo.status = 'CANCELLED';
    this.touch(record);
  }

  /** One metafieldsSet entry, upserted by namespace and key. */
  setMetafield(record: OrderRecord, input: { namespace: string; key: string; type: string; value: string }): { metafield: SandboxMetafield; changed: boolean } {
    const now = new Date().toISOString();
    const existing = record.metafields.find((m) => m.namespace === input.namespace && m.key === input.key);
    if (existing && existing.value === input.value && existing.type === input.type) return { metafield: existing, changed: false };
    const metafield = existing ?? {
      id: this.nextId('metafield'),
      ...input,
      owner_id: record.order.id,
      owner_resource: 'order' as const,
      created_at: now,
      updated_at: now,
    };
    if (existing) Object.assign(existing, { value: input.value, type: input.type, updated_at: now });
    else record.metafields.push(metafield);
    this.touch(record);
    return { metafield, changed: true };
  }

  /** tagsAdd: adds the tags not there yet (case-insensitive, like Shopify). Returns whether anything changed. */
  addTags(record: OrderRecord, tags: string[]): boolean {
    const current = splitTags(record.order.tags);
    const added = tags.filter((t) => !current.some((c) => c.toLowerCase() === t.toLowerCase()));
    if (!added.length) return false;
    record.order.tags = [...current, ...added].join(', ');
    this.touch(record);
    return true;
  }

  /** refundCreate: validates against what is still refundable, then records the refund. */
  refund(
    record: OrderRecord,
    input: {
      note: string | null;
      lines: { lineItemId: string | null; quantity: number; restockType: string }[];
      transactions: { parentId: string | null; amount: string; kind: string; gateway: string }[];
    },
  ): { refund: SandboxRefund } | { userErrors: UserError[] } {
    const { order } = record;
    const userErrors: UserError[] = [];
    input.lines.forEach((line, i) => {
      const item = order.line_items.find((l) => l.id === line.lineItemId);
      if (!item) userErrors.push({ field: ['refundLineItems', String(i), 'lineItemId'], message: 'Line item does not exist' });
      else if (line.quantity < 1 || line.quantity > item.current_quantity) {
        userErrors.push({ field: ['refundLineItems', String(i), 'quantity'], message: 'Quantity cannot refund more items than were purchased' });
      }
    });
    input.transactions.forEach((t, i) => {
      const parent = record.transactions.find((p) => p.id === t.parentId && p.kind === 'sale');
      if (t.kind !== 'REFUND') userErrors.push({ field: ['transactions', String(i), 'kind'], message: 'Kind must be refund' });
      else if (!parent) userErrors.push({ field: ['transactions', String(i), 'parentId'], message: 'Parent transaction does not exist' });
      else if (toCents(t.amount) <= 0 || toCents(t.amount) > this.refundableCents(record, parent)) {
        userErrors.push({ field: ['transactions', String(i), 'amount'], message: 'Amount exceeds the refundable amount' });
      }
    });
    if (userErrors.length) return { userErrors };

    const now = new Date().toISOString();
    const refundId = this.nextId('refund');
    const refund: SandboxRefund = {
      id: refundId,
      admin_graphql_api_id: gid('Refund', refundId),
      order_id: order.id,
      created_at: now,
      note: input.note,
      refund_line_items: input.lines.map((l) => ({ line_item_id: l.lineItemId as string, quantity: l.quantity, restock_type: l.restockType.toLowerCase() })),
      transactions: input.transactions.map((t) => this.transaction('refund', t.amount, t.parentId, now)),
    };
    for (const line of refund.refund_line_items) {
      const item = order.line_items.find((l) => l.id === line.line_item_id) as SandboxLineItem;
      item.current_quantity -= line.quantity;
    }
    record.transactions.push(...refund.transactions);
    order.refunds.push(refund);
    const refundedCents = record.transactions.filter((t) => t.kind === 'refund').reduce((sum, t) => sum + toCents(t.amount), 0);
    order.financial_status = refundedCents >= toCents(order.total_price) ? 'refunded' : 'partially_refunded';
    if (order.line_items.every((l) => l.current_quantity === 0)) {
      for (const fo of record.fulfillmentOrders) if (fo.status === 'OPEN') fo.status = 'CLOSED';
    }
    this.touch(record);
    return { refund };
  }

  /** fulfillmentCreate: closes the given fulfillment orders with one shipment. */
  fulfil(
    record: OrderRecord,
    input: { fulfillmentOrderIds: string[]; company: string | null; numbers: string[] },
  ): { fulfillment: SandboxFulfillment } | { userErrors: UserError[] } {
    const targets = input.fulfillmentOrderIds.map((id) => record.fulfillmentOrders.find((fo) => fo.id === id));
    const userErrors: UserError[] = [];
    targets.forEach((fo, i) => {
      if (!fo)
        userErrors.push({
          field: ['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderId'],
          message: 'Fulfillment order does not exist.',
        });
      else if (fo.status !== 'OPEN') {
        userErrors.push({ field: ['fulfillment'], message: `Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.` });
      }
    });
    if (userErrors.length) return { userErrors };

    const id = this.nextId('fulfillment');
    const fulfillment: SandboxFulfillment = {
      id,
      admin_graphql_api_id: gid('Fulfillment', id),
      order_id: record.order.id,
      status: 'success',
      created_at: new Date().toISOString(),
      tracking_company: input.company,
      tracking_number: input.numbers[0] ?? null,
      tracking_numbers: input.numbers,
    };
    for (const fo of targets) (fo as SandboxFulfillmentOrder).status = 'CLOSED';
    record.order.fulfillments.push(fulfillment);
    record.order.fulfillment_status = record.fulfillmentOrders.some((fo) => fo.status === 'OPEN') ? 'partial' : 'fulfilled';
    this.touch(record);
    return { fulfillment };
  }

  refundableCents(record: OrderRecord, sale: SandboxTransaction): number {
    const refunded = record.transactions.filter((t) => t.kind === 'refund' && t.parent_id === sale.id).reduce((sum, t) => sum + toCents(t.amount), 0);
    return toCents(sale.amount) - refunded;
  }

  /**
   * Every change moves updated_at forward, strictly: millisecond precision (real Shopify has
   * seconds) so two quick changes never carry the same timestamp in tests.
   */
  private touch(record: OrderRecord): void {
    const previous = Date.parse(record.order.updated_at);
    record.order.updated_at = new Date(Math.max(Date.now(), previous + 1)).toISOString();
  }

  private setLineItems(order: SandboxOrder, lines: NewLineItem[]): void {
    order.line_items = lines.map((line) => {
      const id = this.nextId('lineItem');
      return {
        id,
        admin_graphql_api_id: gid('LineItem', id),
        sku: line.sku,
        title: line.title ?? line.sku,
        quantity: line.quantity,
        current_quantity: line.quantity,
        price: line.price,
        variant_id: this.nextId('variant'),
        product_id: this.nextId('product'),
      };
    });
    const subtotal = order.line_items.reduce((sum, l) => sum + toCents(l.price) * l.quantity, 0);
    order.subtotal_price = fromCents(subtotal);
    order.total_price = fromCents(subtotal + toCents(order.total_shipping_price_set.shop_money.amount) + toCents(order.total_tax));
  }

  private transaction(kind: SandboxTransaction['kind'], amount: string, parentId: string | null, at: string): SandboxTransaction {
    const id = this.nextId('transaction');
    return { id, admin_graphql_api_id: gid('OrderTransaction', id), kind, status: 'success', amount, gateway: GATEWAY, parent_id: parentId, created_at: at };
  }

  private nextId(kind: IdKind): string {
    const id = this.nextIds[kind];
    this.nextIds[kind] = String(BigInt(id) + 1n);
    return id;
  }
}

function joinTags(tags: string | string[] | undefined): string {
  return (Array.isArray(tags) ? tags : splitTags(tags))
    .map((t) => t.trim())
    .filter(Boolean)
    .join(', ');
}
