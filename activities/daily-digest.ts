// The daily digest's I/O: the shop's stuck orders from Temporal visibility (search attributes only,
// so no order workflow is woken for it), and the email.
import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import { IssueCauseKey, IssueTypeKey, ORDER_WORKFLOW_TYPE, ShopifyOrderNameKey, type DailyDigestActivities, type IssueType, type StuckOrder } from '../domain';
import { renderDailyDigestEmail } from '../integrations/email/daily-digest-template';
import type { EmailClient } from '../integrations/email/client';
import { classified } from './failures';

export function createDailyDigestActivities(client: EmailClient, config: Pick<Config, 'shopify' | 'temporal'>): DailyDigestActivities {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    async ordersNeedingAttention(limit) {
      const query = `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ShopDomain="${config.shopify.shopDomain}" AND ExecutionStatus="Running" AND OrderStatus="needs_attention"`;
      const orders: StuckOrder[] = [];
      for await (const wf of Context.current().client.workflow.list({ query })) {
        const issueType = (wf.typedSearchAttributes.get(IssueTypeKey) as IssueType | undefined) ?? null;
        orders.push({
          shopifyOrderId: wf.workflowId.split(':').pop()!,
          shopifyOrderName: wf.typedSearchAttributes.get(ShopifyOrderNameKey) ?? wf.workflowId,
          workflowId: wf.workflowId,
          issueType,
          cause: wf.typedSearchAttributes.get(IssueCauseKey) ?? issueType ?? 'unknown',
          since: wf.startTime.toISOString(),
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
