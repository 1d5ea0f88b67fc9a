// The Admin GraphQL shape of an order (what reconciliation reads) and its mapping to the same
// OrderSnapshot a webhook produces: ids, timestamps, money and statuses spelled the REST way.
import type { OrderAddress, OrderSnapshot } from '../../domain/order';
import { normalizeMoney } from './money';
import { utcTimestamp } from './order-payload';

/**
 * Lines read along with each order. Kept small because Shopify rejects a query whose requested cost
 * exceeds 1000 points and nested connections multiply (orders × lines); longer orders are completed
 * with follow-up pages.
 */
const LINE_ITEMS_PER_ORDER = 20;

export const SNAPSHOT_LINE_ITEM_FRAGMENT = `#graphql
  fragment SnapshotLineItem on LineItem {
    id sku title quantity currentQuantity
    originalUnitPriceSet { shopMoney { amount } }
  }
`;

const SNAPSHOT_ADDRESS_FRAGMENT = `#graphql
  fragment SnapshotAddress on MailingAddress {
    firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone
  }
`;

export const ORDER_SNAPSHOT_FRAGMENT = `#graphql
  ${SNAPSHOT_ADDRESS_FRAGMENT}
  ${SNAPSHOT_LINE_ITEM_FRAGMENT}
  fragment OrderSnapshotFields on Order {
    legacyResourceId name number createdAt processedAt updatedAt cancelledAt
    displayFinancialStatus displayFulfillmentStatus
    email phone
    customer { firstName lastName }
    shippingAddress { ...SnapshotAddress }
    billingAddress { ...SnapshotAddress }
    lineItems(first: ${LINE_ITEMS_PER_ORDER}) {
      nodes { ...SnapshotLineItem }
      pageInfo { hasNextPage endCursor }
    }
    customAttributes { key value }
    tags
    currencyCode
    totalPriceSet { shopMoney { amount } }
    subtotalPriceSet { shopMoney { amount } }
    totalTaxSet { shopMoney { amount } }
    totalShippingPriceSet { shopMoney { amount } }
  }
`;

interface Money {
  shopMoney: { amount: string };
}

export interface GraphqlAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCodeV2: string | null;
  phone: string | null;
}

export interface GraphqlLineItem {
  id: string;
  sku: string | null;
  title: string;
  quantity: number;
  currentQuantity: number;
  originalUnitPriceSet: Money;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GraphqlOrder {
  /** UnsignedInt64: GraphQL sends it as a string, so a 64-bit id arrives exact (never a JSON number). */
  legacyResourceId: string;
  name: string;
  number: number;
  createdAt: string;
  processedAt: string | null;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  email: string | null;
  phone: string | null;
  customer: { firstName: string | null; lastName: string | null } | null;
  shippingAddress: GraphqlAddress | null;
  billingAddress: GraphqlAddress | null;
  lineItems: { nodes: GraphqlLineItem[]; pageInfo: PageInfo };
  customAttributes: { key: string; value: string | null }[];
  tags: string[];
  currencyCode: string;
  totalPriceSet: Money;
  subtotalPriceSet: Money | null;
  totalTaxSet: Money | null;
  totalShippingPriceSet: Money;
}

/** `lineItems` may hold every line, not only the first page: the caller completes it first. */
export function graphqlOrderToSnapshot(order: GraphqlOrder): OrderSnapshot {
  return {
    shopifyOrderId: order.legacyResourceId,
    name: order.name,
    orderNumber: order.number,
    createdAt: utcTimestamp(order.createdAt),
    processedAt: order.processedAt ? utcTimestamp(order.processedAt) : null,
    updatedAt: utcTimestamp(order.updatedAt),
    cancelledAt: order.cancelledAt ? utcTimestamp(order.cancelledAt) : null,
    financialStatus: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillmentStatus: restFulfillmentStatus(order.displayFulfillmentStatus),
    email: order.email,
    phone: order.phone,
    customer: order.customer ? { firstName: order.customer.firstName, lastName: order.customer.lastName } : null,
    shippingAddress: toAddress(order.shippingAddress),
    billingAddress: toAddress(order.billingAddress),
    lineItems: order.lineItems.nodes
      .map((line) => ({
        id: legacyId(line.id),
        sku: line.sku,
        title: line.title,
        quantity: line.currentQuantity,
        price: normalizeMoney(line.originalUnitPriceSet.shopMoney.amount),
      }))
      .filter((line) => line.quantity > 0),
    noteAttributes: order.customAttributes.map((a) => ({ name: a.key, value: a.value ?? '' })),
    tags: order.tags,
    currency: order.currencyCode,
    totalPrice: normalizeMoney(order.totalPriceSet.shopMoney.amount),
    subtotalPrice: normalizeMoney(order.subtotalPriceSet?.shopMoney.amount ?? '0'),
    totalTax: normalizeMoney(order.totalTaxSet?.shopMoney.amount ?? '0'),
    totalShipping: normalizeMoney(order.totalShippingPriceSet.shopMoney.amount),
  };
}

/** "gid://shopify/LineItem/123" → "123", the id webhooks carry. */
export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

export function orderGid(shopifyOrderId: string): string {
  return `gid://shopify/Order/${shopifyOrderId}`;
}

/** REST says null / "partial" / "fulfilled" where GraphQL says UNFULFILLED / PARTIALLY_FULFILLED / FULFILLED. */
function restFulfillmentStatus(status: string): string | null {
  if (status === 'UNFULFILLED') return null;
  if (status === 'PARTIALLY_FULFILLED') return 'partial';
  return status.toLowerCase();
}

function toAddress(a: GraphqlAddress | null): OrderAddress | null {
  if (!a) return null;
  return {
    firstName: a.firstName,
    lastName: a.lastName,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    provinceCode: a.provinceCode,
    zip: a.zip,
    countryCode: a.countryCodeV2,
    phone: a.phone,
  };
}
