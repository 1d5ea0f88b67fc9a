// The daily digest's I/O: the shop's stuck orders from Temporal visibility (search attributes only,
// so no order workflow is woken for it), and the email.
import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import type { DailyDigestActivities, StuckOrder } from '../domain';
import { orderListQuery, orderListing } from '../temporal/order-workflows';
import { renderDailyDigestEmail } from '../integrations/email/daily-digest-template';
import type { EmailClient } from '../integrations/email/client';
import { classified } from './failures';

export function createDailyDigestActivities(client: EmailClient, config: Pick<Config, 'shopify' | 'temporal'>): DailyDigestActivities {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    async ordersNeedingAttention(limit) {
      const query = orderListQuery(config.shopify.shopDomain, { status: 'needs_attention', running: true });
      const orders: StuckOrder[] = [];
      for await (const wf of Context.current().client.workflow.list({ query })) {
        const { shopifyOrderId, shopifyOrderName, workflowId, issueType, issueCause, startedAt } = orderListing(wf);
        orders.push({
          shopifyOrderId,
          shopifyOrderName: shopifyOrderName ?? workflowId,
          workflowId,
          issueType,
          cause: issueCause ?? issueType ?? 'unknown',
          since: startedAt,
        });
      }
      // Visibility lists newest first: keep the oldest when there are more than one email lists.
      orders.sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
      return { orders: orders.slice(0, limit), truncated: orders.length > limit };
    },

    async sendDailyDigestEmail(input) {
      const message = renderDailyDigestEmail(input, context);
      return classified(async () => ({ emailId: (await client.send({ ...message, idempotencyKey: input.idempotencyKey })).id }));
    },
  };
}
