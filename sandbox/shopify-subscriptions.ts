// The sandbox store's shop-specific webhook subscriptions (GraphQL webhookSubscriptions and
// webhookSubscriptionCreate), and what decides where each event is delivered. The shop starts with
// one subscription per order topic pointing at our API, as `npm run shopify:webhooks` leaves a real
// shop, so `npm start` delivers with no setup; deleting one stops that topic's deliveries.
import { API_SUBSCRIBABLE_TOPICS, topicEnum } from '../integrations/shopify/webhooks';

export interface SandboxSubscription {
  id: string;
  /** GraphQL enum spelling: ORDERS_CREATE. */
  topic: string;
  uri: string;
  createdAt: string;
  updatedAt: string;
}

const FIRST_ID = 1_600_000_001;

export class WebhookSubscriptions {
  private subscriptions: SandboxSubscription[] = [];
  private nextId = FIRST_ID;

  /** `defaultUri`: our API's webhook route; undefined seeds nothing. */
  constructor(
    private readonly defaultUri: string | undefined,
    private readonly apiVersion: string,
  ) {
    this.reset();
  }

  /** Back to one subscription per order topic at the default URI. */
  reset(): void {
    this.subscriptions = [];
    if (this.defaultUri) for (const topic of API_SUBSCRIBABLE_TOPICS) this.add(topicEnum(topic), this.defaultUri);
  }

  all(): SandboxSubscription[] {
    return this.subscriptions.map((s) => ({ ...s }));
  }

  /** The distinct URIs subscribed to a topic ("orders/create"). */
  urisFor(topic: string): string[] {
    return [...new Set(this.subscriptions.filter((s) => s.topic === topicEnum(topic)).map((s) => s.uri))];
  }

  /** webhookSubscriptionCreate, with the refusals Shopify gives. */
  create(topic: string, uri: string | null | undefined): { subscription: SandboxSubscription } | { userErrors: { field: string[]; message: string }[] } {
    const refuse = (message: string) => ({ userErrors: [{ field: ['webhookSubscription', 'uri'], message }] });
    if (!uri) return refuse("Address can't be blank");
    if (!URL.canParse(uri)) return refuse('Address is invalid');
    const { protocol, hostname } = new URL(uri);
    // Shopify delivers over HTTPS only; the sandbox also takes http to this machine, where our API listens.
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
    if (protocol !== 'https:' && !(protocol === 'http:' && loopback)) return refuse(`Address protocol ${protocol}// is not supported`);
    if (this.subscriptions.some((s) => s.topic === topic && s.uri === uri)) return refuse('Address for this topic has already been taken');
    return { subscription: { ...this.add(topic, uri) } };
  }

  /** Removes a topic's subscriptions (a control route: what a deleted or failing subscription leaves). */
  removeTopic(topic: string): number {
    const before = this.subscriptions.length;
    this.subscriptions = this.subscriptions.filter((s) => s.topic !== topicEnum(topic));
    return before - this.subscriptions.length;
  }

  view(s: SandboxSubscription) {
    return {
      __typename: 'WebhookSubscription',
      id: `gid://shopify/WebhookSubscription/${s.id}`,
      legacyResourceId: s.id,
      topic: s.topic,
      uri: s.uri,
      format: 'JSON',
      includeFields: [],
      filter: null,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      apiVersion: { handle: this.apiVersion, displayName: this.apiVersion, supported: true },
    };
  }

  exportState(): { subscriptions: SandboxSubscription[]; nextSubscriptionId: number } {
    return { subscriptions: this.all(), nextSubscriptionId: this.nextId };
  }

  importState(state: { subscriptions?: SandboxSubscription[]; nextSubscriptionId?: number }): void {
    // A state file from before subscriptions existed keeps the default ones.
    if (!state.subscriptions) return this.reset();
    this.subscriptions = state.subscriptions.map((s) => ({ ...s }));
    this.nextId = state.nextSubscriptionId ?? FIRST_ID;
  }

  private add(topic: string, uri: string): SandboxSubscription {
    const now = new Date().toISOString();
    const subscription = { id: String(this.nextId++), topic, uri, createdAt: now, updatedAt: now };
    this.subscriptions.push(subscription);
    return subscription;
  }
}
