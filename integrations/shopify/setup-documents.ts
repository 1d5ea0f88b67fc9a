// GraphQL documents about the app's own setup on the shop, rather than orders: the access scopes
// it holds and its shop-specific webhook subscriptions (what `npm run shopify:webhooks` and
// `npm run doctor` read and create). The sandbox's schema implements exactly these fields.
import type { ShopifyUserError } from './errors';
import type { PageInfo } from './order-graphql';

export const ACCESS_SCOPES = `#graphql
  query AccessScopes {
    currentAppInstallation { accessScopes { handle } }
  }
`;
export interface AccessScopesData {
  currentAppInstallation: { accessScopes: { handle: string }[] };
}

export const WEBHOOK_SUBSCRIPTIONS = `#graphql
  query WebhookSubscriptions($after: String) {
    webhookSubscriptions(first: 100, after: $after) {
      nodes { id topic uri }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
export interface GraphqlWebhookSubscription {
  id: string;
  /** Enum spelling: ORDERS_CREATE. */
  topic: string;
  uri: string;
}
export interface WebhookSubscriptionsData {
  webhookSubscriptions: { nodes: GraphqlWebhookSubscription[]; pageInfo: PageInfo };
}

export const WEBHOOK_SUBSCRIPTION_CREATE = `#graphql
  mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription { id topic uri }
      userErrors { field message }
    }
  }
`;
export interface WebhookSubscriptionCreateData {
  webhookSubscriptionCreate: { webhookSubscription: GraphqlWebhookSubscription | null; userErrors: ShopifyUserError[] } | null;
}
