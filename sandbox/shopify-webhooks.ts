// Webhook delivery the way Shopify does it: signed JSON POSTs, answered within 5 s or retried with
// backoff (1 s, 2 s, 4 s … over 8 attempts; Shopify's schedule spans hours), the same webhook id on
// every attempt, and in the background: whoever triggered the event never waits for it. Each event
// goes to every URI subscribed to its topic (shopify-subscriptions.ts).
import { randomUUID } from 'node:crypto';
import { signShopifyWebhook } from '../integrations/shopify/webhooks';

export interface Delivery {
  webhookId: string;
  eventId: string;
  topic: string;
  orderId: string;
  /** The subscription's address. */
  uri: string;
  triggeredAt: string;
  /** True for a delivery replayed through the redeliver control route. */
  redelivery: boolean;
  attempts: number;
  /** HTTP status of the latest attempt; null before an answer or when there was none. */
  status: number | null;
  state: 'pending' | 'delivered' | 'failed';
  /** Why the latest attempt failed without an HTTP answer (timeout, refused…). */
  error: string | null;
}

export interface WebhookSenderOptions {
  secret: string;
  shopDomain: string;
  apiVersion: string;
}

const MAX_ATTEMPTS = 8;
const FIRST_RETRY_DELAY_MS = 1_000;
const RESPONSE_BUDGET_MS = 5_000;

interface Sent {
  delivery: Delivery;
  body: Buffer;
}

export class WebhookSender {
  private sent: Sent[] = [];
  /** Bumped by reset(): retry loops of an earlier generation stop. */
  private generation = 0;

  constructor(private readonly opts: WebhookSenderOptions) {}

  /** Sends one event's body (the REST JSON, as sent) to each subscribed URI; one event id for all. */
  deliver(topic: string, orderId: string, body: string, uris: string[]): Delivery[] {
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    return uris.map((uri) =>
      this.start({
        delivery: {
          webhookId: randomUUID(),
          eventId,
          topic,
          orderId,
          uri,
          triggeredAt,
          redelivery: false,
          attempts: 0,
          status: null,
          state: 'pending',
          error: null,
        },
        body: Buffer.from(body),
      }),
    );
  }

  /** Replays the latest delivery for the order (and topic): same bytes, same webhook and event ids. */
  redeliver(orderId: string, topic?: string): Delivery | null {
    const earlier = [...this.sent].reverse().find((s) => s.delivery.orderId === orderId && (!topic || s.delivery.topic === topic));
    if (!earlier) return null;
    const delivery: Delivery = { ...earlier.delivery, redelivery: true, attempts: 0, status: null, state: 'pending', error: null };
    return this.start({ delivery, body: earlier.body });
  }

  deliveries(): Delivery[] {
    return this.sent.map((s) => ({ ...s.delivery }));
  }

  reset(): void {
    this.generation += 1;
    this.sent = [];
  }

  private start(sent: Sent): Delivery {
    this.sent.push(sent);
    void this.attemptUntilDone(sent, this.generation);
    return { ...sent.delivery };
  }

  private async attemptUntilDone({ delivery, body }: Sent, generation: number): Promise<void> {
    const headers = {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': delivery.topic,
      'X-Shopify-Hmac-Sha256': signShopifyWebhook(body, this.opts.secret),
      'X-Shopify-Shop-Domain': this.opts.shopDomain,
      'X-Shopify-API-Version': this.opts.apiVersion,
      'X-Shopify-Webhook-Id': delivery.webhookId,
      'X-Shopify-Event-Id': delivery.eventId,
      'X-Shopify-Triggered-At': delivery.triggeredAt,
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (generation !== this.generation) return;
      delivery.attempts = attempt;
      try {
        const res = await fetch(delivery.uri, { method: 'POST', headers, body, signal: AbortSignal.timeout(RESPONSE_BUDGET_MS) });
        await res.arrayBuffer();
        delivery.status = res.status;
        delivery.error = null;
        if (res.ok) {
          delivery.state = 'delivered';
          return;
        }
      } catch (err) {
        delivery.status = null;
        delivery.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      }
      if (attempt < MAX_ATTEMPTS) await sleep(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
    }
    delivery.state = 'failed';
  }
}

/** An unref'd timer: a pending retry never keeps a process (or a test run) alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
