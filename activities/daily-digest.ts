// The daily digest's I/O: the shop's stuck orders from Temporal visibility (search attributes only,
// so no order workflow is woken for it), and the email.
import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { WORKFLOW_FAILING_CAUSE, type DailyDigestActivities, type StuckOrder } from '../domain';
import { orderListQuery, orderListing } from '../temporal/order-workflows';
import { renderDailyDigestEmail } from '../integrations/email/daily-digest-template';
import type { EmailClient } from '../integrations/email/client';
import { classified } from './failures';

function stuckOrder(wf: WorkflowExecutionInfo, cause?: string): StuckOrder {
  const { shopifyOrderId, shopifyOrderName, workflowId, issueType, issueCause, startedAt } = orderListing(wf);
  return {
    shopifyOrderId,
    shopifyOrderName: shopifyOrderName ?? workflowId,
    workflowId,
    issueType: cause ? null : issueType,
    cause: cause ?? issueCause ?? issueType ?? 'unknown',
    since: startedAt,
  };
}

export function createDailyDigestActivities(client: EmailClient, config: Pick<Config, 'shopify' | 'temporal'>): DailyDigestActivities {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    async ordersNeedingAttention(limit) {
      const { client } = Context.current();
      const orders: StuckOrder[] = [];
      const failing = new Set<string>();
      // First the orders whose workflow fails (whatever their last status): a server older than 1.28 cannot say which, and the digest goes on without them.
      try {
        for await (const wf of client.workflow.list({ query: orderListQuery(config.shopify.shopDomain, { running: true, workflowTaskFailing: true }) })) {
          orders.push(stuckOrder(wf, WORKFLOW_FAILING_CAUSE));
          failing.add(wf.workflowId);
        }
      } catch (err) {
        Context.current().log.warn('Could not list the orders whose workflow fails (TemporalReportedProblems)', { error: String(err) });
      }
      for await (const wf of client.workflow.list({ query: orderListQuery(config.shopify.shopDomain, { status: 'needs_attention', running: true }) })) {
        if (!failing.has(wf.workflowId)) orders.push(stuckOrder(wf));
      }
      // Visibility lists newest first: keep the oldest when there are more than one email lists (those that fail before all).
      const failingFirst = (o: StuckOrder) => (o.cause === WORKFLOW_FAILING_CAUSE ? 0 : 1);
      orders.sort((a, b) => failingFirst(a) - failingFirst(b) || Date.parse(a.since) - Date.parse(b.since));
      return { orders: orders.slice(0, limit), truncated: orders.length > limit };
    },

    async sendDailyDigestEmail(input) {
      const message = renderDailyDigestEmail(input, context);
      return classified(async () => ({ emailId: (await client.send({ ...message, idempotencyKey: input.idempotencyKey })).id }));
    },
  };
}
