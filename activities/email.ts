// The order-issue email to the merchant.
import type { Config } from '../config';
import type { OrderIssueEmailInput } from '../domain';
import type { EmailClient } from '../integrations/email/client';
import { renderOrderIssueEmail } from '../integrations/email/templates';
import { classified } from './failures';

export function createEmailActivities(client: EmailClient, config: Pick<Config, 'shopify' | 'temporal'>) {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    async sendOrderIssueEmail(input: OrderIssueEmailInput): Promise<{ emailId: string }> {
      const message = renderOrderIssueEmail(input, context);
      return classified(async () => ({ emailId: (await client.send({ ...message, idempotencyKey: input.idempotencyKey })).id }));
    },
  };
}
