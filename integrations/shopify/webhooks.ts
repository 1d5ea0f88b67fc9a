// What arrives at POST /webhooks/shopify: signature check, topics, and the payloads we accept.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { OrderSnapshot } from '../../domain/order';
import { shopifyIdSchema, shopifyOrderPayloadSchema, toOrderSnapshot } from './order-payload';

export { shopifyOrderPayloadSchema, toOrderSnapshot, type ShopifyOrderPayload } from './order-payload';

export const ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled'] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

/** The mandatory privacy ("GDPR") topics every App Store app must answer. */
export const PRIVACY_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type PrivacyTopic = (typeof PRIVACY_TOPICS)[number];

/**
 * Topics a shop-specific subscription can be created for through the Admin API: the order topics.
 * The privacy topics are app configuration only (shopify.app.toml or the Dev Dashboard).
 */
export const API_SUBSCRIBABLE_TOPICS = ORDER_TOPICS;

/** The REST/header spelling and the GraphQL enum: "orders/create" ↔ "ORDERS_CREATE". */
export function topicEnum(topic: string): string {
  return topic.replace('/', '_').toUpperCase();
}

export function topicFromEnum(value: string): string {
  return value.toLowerCase().replace('_', '/');
}

/** Where Shopify must deliver: the API's public URL (CELLARHAND_API_URL) and its one webhook route. */
export function shopifyWebhookUri(apiPublicUrl: string): string {
  return `${apiPublicUrl.replace(/\/+$/, '')}/webhooks/shopify`;
}

const SHA256_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function signShopifyWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Base64 HMAC-SHA256 of the exact bytes received. Every configured secret is tried because during a
 * rotation Shopify keeps signing with the oldest unrevoked one for up to an hour.
 */
export function verifyShopifyHmac(rawBody: Buffer, headerValue: string | undefined, secrets: string[]): boolean {
  const header = headerValue?.trim();
  if (!header || !BASE64.test(header)) return false;
  const received = Buffer.from(header, 'base64');
  if (received.length !== SHA256_BYTES) return false;
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}

export type ParsedOrderWebhook = { ok: true; snapshot: OrderSnapshot } | { ok: false; problems: string[] };

/** Problems name the field and what is wrong with it, never the value (payloads hold personal data). */
export function parseOrderWebhook(json: unknown): ParsedOrderWebhook {
  const parsed = shopifyOrderPayloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  return { ok: true, snapshot: toOrderSnapshot(parsed.data) };
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(body)'}: ${issue.message}`);
}

const privacyCustomerSchema = z.object({
  id: shopifyIdSchema,
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

const shopSchema = {
  shop_id: shopifyIdSchema.optional(),
  shop_domain: z.string().min(1),
};

export const customersDataRequestSchema = z.object({
  ...shopSchema,
  customer: privacyCustomerSchema,
  orders_requested: z.array(shopifyIdSchema).default([]),
  data_request: z.object({ id: shopifyIdSchema }),
});

export const customersRedactSchema = z.object({
  ...shopSchema,
  customer: privacyCustomerSchema,
  orders_to_redact: z.array(shopifyIdSchema).default([]),
});

export const shopRedactSchema = z.object(shopSchema);

export type CustomersDataRequest = z.infer<typeof customersDataRequestSchema>;
export type CustomersRedact = z.infer<typeof customersRedactSchema>;
export type ShopRedact = z.infer<typeof shopRedactSchema>;
