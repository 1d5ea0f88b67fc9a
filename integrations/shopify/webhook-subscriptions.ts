// Comparing the shop's webhook subscriptions with what cellarhand handles, and creating the missing
// ones: the job of `npm run shopify:webhooks`, and what `npm run doctor` checks.
import type { ShopifyAdmin, WebhookSubscription } from './admin';
import { API_SUBSCRIBABLE_TOPICS } from './webhooks';

export interface SubscriptionReport {
  /** Where every topic must be delivered: CELLARHAND_API_URL's /webhooks/shopify. */
  uri: string;
  /** Topics subscribed at `uri`. */
  present: string[];
  /** Topics with no subscription at `uri`. */
  missing: string[];
  /** The app's subscriptions that deliver somewhere else (an old URL, another environment). */
  elsewhere: WebhookSubscription[];
}

export function compareSubscriptions(existing: WebhookSubscription[], uri: string, topics: readonly string[] = API_SUBSCRIBABLE_TOPICS): SubscriptionReport {
  const present = topics.filter((topic) => existing.some((s) => s.topic === topic && s.uri === uri));
  return {
    uri,
    present,
    missing: topics.filter((topic) => !present.includes(topic)),
    elsewhere: existing.filter((s) => s.uri !== uri),
  };
}

/** Lists the shop's subscriptions and, unless `dryRun`, creates the missing ones. Never deletes. */
export async function ensureSubscriptions(
  admin: ShopifyAdmin,
  uri: string,
  options: { dryRun?: boolean } = {},
): Promise<{ before: SubscriptionReport; created: WebhookSubscription[] }> {
  const before = compareSubscriptions(await admin.listWebhookSubscriptions(), uri);
  const created: WebhookSubscription[] = [];
  if (!options.dryRun) for (const topic of before.missing) created.push(await admin.createWebhookSubscription(topic, uri));
  return { before, created };
}
