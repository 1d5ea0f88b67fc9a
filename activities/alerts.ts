// The merchant alert digest's I/O: handing an order's alert to the shop's digest workflow
// (signal-with-start, with the worker's own Temporal client from the activity context), sending the
// grouped email, telling each order that its merchant was told, and asking visibility which orders
// are still stuck (so the digest can forget causes that are over).
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config';
import {
  ALERT_DIGEST_WORKFLOW_TYPE,
  DEFAULT_ALERT_DIGEST_SETTINGS,
  ORDER_WORKFLOW_TYPE,
  ShopDomainKey,
  alertDigestWorkflowId,
  merchantAlertSignal,
  merchantToldSignal,
  type AlertActivities,
  type AlertDigestActivities,
  type AlertDigestInput,
} from '../domain';
import { renderAlertDigestEmail } from '../integrations/email/alert-digest-template';
import type { EmailClient } from '../integrations/email/client';
import { classified } from './failures';

/** The order workflows among these ids that are running and `needs_attention`. */
export function stillOpenQuery(orderWorkflowIds: string[]): string {
  const ids = orderWorkflowIds.map((id) => `'${id.replace(/'/g, "\\'")}'`);
  return `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ExecutionStatus="Running" AND OrderStatus="needs_attention" AND WorkflowId IN (${ids.join(', ')})`;
}

/** Visibility queries stay well under Temporal's query length limits. */
const IDS_PER_QUERY = 100;

export function createAlertActivities(client: EmailClient, config: Pick<Config, 'shopify' | 'temporal' | 'alerts'>): AlertActivities & AlertDigestActivities {
  const shopDomain = config.shopify.shopDomain;
  const context = { shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };

  return {
    async queueMerchantAlert(alert) {
      const input: AlertDigestInput = { shopDomain, settings: { ...DEFAULT_ALERT_DIGEST_SETTINGS, windowMs: config.alerts.groupWindowMs } };
      // Starts the shop's digest if it is not running; either way the alert arrives as a signal, and
      // the digest ignores a key it already has (this activity may be retried).
      await Context.current().client.workflow.signalWithStart(ALERT_DIGEST_WORKFLOW_TYPE, {
        workflowId: alertDigestWorkflowId(shopDomain),
        taskQueue: config.temporal.taskQueue,
        args: [input],
        signal: merchantAlertSignal,
        signalArgs: [{ ...alert, windowMs: config.alerts.groupWindowMs }],
        typedSearchAttributes: [{ key: ShopDomainKey, value: shopDomain }],
        staticSummary: `Merchant alerts · ${shopDomain}: one email per cause and window`,
      });
    },

    async sendMerchantAlertDigest(input) {
      const message = renderAlertDigestEmail(input, context);
      return classified(async () => ({ emailId: (await client.send({ ...message, idempotencyKey: input.idempotencyKey })).id }));
    },

    async tellOrdersMerchantWasTold({ orders, ...told }) {
      const temporal = Context.current().client;
      let gone = 0;
      for (const { orderWorkflowId, key } of orders) {
        try {
          await temporal.workflow.getHandle(orderWorkflowId).signal(merchantToldSignal, { key, ...told });
        } catch (err) {
          // Finished since it raised the alert (resolved, refunded…): nothing left to note.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          gone += 1;
        }
        Context.current().heartbeat();
      }
      return { told: orders.length - gone, gone };
    },

    async ordersStillNeedingAttention(orderWorkflowIds) {
      const temporal = Context.current().client;
      const open: string[] = [];
      for (let i = 0; i < orderWorkflowIds.length; i += IDS_PER_QUERY) {
        for await (const wf of temporal.workflow.list({ query: stillOpenQuery(orderWorkflowIds.slice(i, i + IDS_PER_QUERY)) })) open.push(wf.workflowId);
      }
      return open;
    },
  };
}
