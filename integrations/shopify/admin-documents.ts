// The GraphQL documents ShopifyAdmin sends, with the response shapes it reads. The sandbox's schema
// (sandbox/shopify-schema.ts) implements exactly these fields, so a typo here fails in tests.
import { ORDER_SNAPSHOT_FRAGMENT, SNAPSHOT_LINE_ITEM_FRAGMENT, type GraphqlLineItem, type GraphqlOrder, type PageInfo } from './order-graphql';
import type { ShopifyUserError } from './errors';
import type { RefundableOrder } from './refund-plan';

interface Payload {
  userErrors: ShopifyUserError[];
}

export const WRITE_BACK = `#graphql
  mutation WriteBackVinoshipperOrder($orderId: ID!, $metafields: [MetafieldsSetInput!]!, $tags: [String!]!) {
    metafieldsSet(metafields: $metafields) { userErrors { field message } }
    tagsAdd(id: $orderId, tags: $tags) { userErrors { field message } }
  }
`;
export interface WriteBackData {
  metafieldsSet: Payload | null;
  tagsAdd: Payload | null;
}

export const ORDER_FOR_REFUND = `#graphql
  query OrderForRefund($id: ID!) {
    order(id: $id) {
      lineItems(first: 250) { nodes { id refundableQuantity } }
      transactions { id kind status gateway amountSet { shopMoney { amount } } parentTransaction { id } }
      refunds { id createdAt }
    }
  }
`;
export interface OrderForRefundData {
  order: RefundableOrder | null;
}

/** The key is a directive argument: Shopify answers a repeated key with the original refund. */
export const REFUND_CREATE = `#graphql
  mutation RefundOrder($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund { id }
      userErrors { field message }
    }
  }
`;
export interface RefundCreateData {
  refundCreate: (Payload & { refund: { id: string } | null }) | null;
}

export const ORDER_FOR_FULFILMENT = `#graphql
  query OrderForFulfilment($id: ID!) {
    order(id: $id) {
      fulfillmentOrders(first: 50) { nodes { id status } }
      fulfillments { id status createdAt }
    }
  }
`;
export interface OrderForFulfilmentData {
  order: {
    fulfillmentOrders: { nodes: { id: string; status: string }[] };
    fulfillments: { id: string; status: string; createdAt: string }[];
  } | null;
}

export const FULFILLMENT_CREATE = `#graphql
  mutation FulfilOrder($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment { id }
      userErrors { field message }
    }
  }
`;
export interface FulfillmentCreateData {
  fulfillmentCreate: (Payload & { fulfillment: { id: string } | null }) | null;
}

/** Ten orders with their first lines stay under Shopify's 1000-point cap on one query's cost. */
export const ORDERS_PER_PAGE = 10;

export const ORDERS_UPDATED_SINCE = `#graphql
  query OrdersUpdatedSince($query: String!, $after: String) {
    orders(first: ${ORDERS_PER_PAGE}, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes { ...OrderSnapshotFields }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${ORDER_SNAPSHOT_FRAGMENT}
`;
export interface OrdersUpdatedSinceData {
  orders: { nodes: GraphqlOrder[]; pageInfo: PageInfo };
}

/** The rest of a long order's lines, after the first page read with the order. */
export const ORDER_LINE_ITEMS = `#graphql
  query OrderLineItems($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 100, after: $after) {
        nodes { ...SnapshotLineItem }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
  ${SNAPSHOT_LINE_ITEM_FRAGMENT}
`;
export interface OrderLineItemsData {
  order: { lineItems: { nodes: GraphqlLineItem[]; pageInfo: PageInfo } } | null;
}
