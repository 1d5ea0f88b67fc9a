// The mandatory privacy topics' payloads → what cellarhand acts on: ids only. The customer's email
// and phone in the payload are validated as Shopify sends them, then dropped here, so they never
// reach Temporal, a log or an email.
import type { PrivacyRequest } from '../../domain/privacy';
import { customersDataRequestSchema, customersRedactSchema, describeIssues, shopRedactSchema, type PrivacyTopic } from './webhooks';

export type ParsedPrivacyWebhook = { ok: true; request: PrivacyRequest } | { ok: false; problems: string[] };

/** Problems name fields, never values. `shopDomain` is the shop the (verified) delivery came from. */
export function parsePrivacyWebhook(topic: PrivacyTopic, json: unknown, shopDomain: string, receivedAt: Date): ParsedPrivacyWebhook {
  const at = receivedAt.toISOString();
  const mismatch = (payloadShop: string): ParsedPrivacyWebhook | null =>
    payloadShop === shopDomain ? null : { ok: false, problems: ['shop_domain: does not match the X-Shopify-Shop-Domain header'] };
  switch (topic) {
    case 'customers/redact': {
      const parsed = customersRedactSchema.safeParse(json);
      if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
      return (
        mismatch(parsed.data.shop_domain) ?? {
          ok: true,
          request: {
            kind: 'customers_redact',
            shopDomain,
            customerId: parsed.data.customer.id,
            orderIds: unique(parsed.data.orders_to_redact),
            receivedAt: at,
          },
        }
      );
    }
    case 'customers/data_request': {
      const parsed = customersDataRequestSchema.safeParse(json);
      if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
      return (
        mismatch(parsed.data.shop_domain) ?? {
          ok: true,
          request: {
            kind: 'customers_data_request',
            shopDomain,
            customerId: parsed.data.customer.id,
            dataRequestId: parsed.data.data_request.id,
            orderIds: unique(parsed.data.orders_requested),
            receivedAt: at,
          },
        }
      );
    }
    case 'shop/redact': {
      const parsed = shopRedactSchema.safeParse(json);
      if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
      return mismatch(parsed.data.shop_domain) ?? { ok: true, request: { kind: 'shop_redact', shopDomain, receivedAt: at } };
    }
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
