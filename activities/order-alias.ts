// Orders numbered before Vinoshipper numbers carried the Shopify order id (`CH-1001`, started
// before December 2026; new numbers lead webhooks to their order by themselves, domain/workflow-ids.ts)
// keep their Vinoshipper-number alias: a workflow under `vinoshipper-order:<shop>:<number>` whose
// memo names the order's workflow, so the API routes Vinoshipper's webhooks with one strongly
// consistent `describe`. It is started with a start delay longer than any order lives, so it never
// runs a workflow task (no worker time, no cache slot): it is only an id with a memo. It is
// registered inside the first PUT's activity (activities/vinoshipper.ts), before the PUT, and
// terminated when the order finishes (terminating is not a billed action; a signal would be, and
// would wake it). Both with the worker's own Temporal client.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config';
import { VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE, vinoshipperOrderAliasId, type OrderAliasActivities } from '../domain';

/** Longer than any order waits for its shipment; an alias still there then simply completes. */
export const ALIAS_START_DELAY = '730 days';

export function createOrderAliasActivities(config: Pick<Config, 'shopify' | 'temporal'>): OrderAliasActivities {
  const aliasId = (vinoshipperOrderNumber: string) => vinoshipperOrderAliasId(config.shopify.shopDomain, vinoshipperOrderNumber);
  return {
    async registerVinoshipperOrderAlias({ vinoshipperOrderNumber, orderWorkflowId }) {
      await Context.current().client.workflow.start(VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE, {
        workflowId: aliasId(vinoshipperOrderNumber),
        taskQueue: config.temporal.taskQueue,
        memo: { orderWorkflowId },
        startDelay: ALIAS_START_DELAY,
        // Retried registration, or an earlier run of the same order: the alias already there stays.
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Vinoshipper order ${vinoshipperOrderNumber} → ${orderWorkflowId}`,
      });
    },
    async releaseVinoshipperOrderAlias({ vinoshipperOrderNumber }) {
      try {
        await Context.current().client.workflow.getHandle(aliasId(vinoshipperOrderNumber)).terminate('the order finished');
      } catch (err) {
        // Never registered, or already ended.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
