// The order's Vinoshipper-number alias: a tiny workflow under `vinoshipper-order:<shop>:<number>`
// whose memo names the order's workflow, so the API routes Vinoshipper's webhooks with one
// strongly consistent `describe`. Started and released with the worker's own Temporal client.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config';
import { VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE, vinoshipperOrderAliasId, type OrderAliasActivities } from '../domain';

export function createOrderAliasActivities(config: Pick<Config, 'shopify' | 'temporal'>): OrderAliasActivities {
  const aliasId = (vinoshipperOrderNumber: string) => vinoshipperOrderAliasId(config.shopify.shopDomain, vinoshipperOrderNumber);
  return {
    async registerVinoshipperOrderAlias({ vinoshipperOrderNumber, orderWorkflowId }) {
      await Context.current().client.workflow.start(VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE, {
        workflowId: aliasId(vinoshipperOrderNumber),
        taskQueue: config.temporal.taskQueue,
        memo: { orderWorkflowId },
        // Retried registration, or an earlier run of the same order: the running alias stays.
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Vinoshipper order ${vinoshipperOrderNumber} → ${orderWorkflowId}`,
      });
    },
    async releaseVinoshipperOrderAlias({ vinoshipperOrderNumber }) {
      try {
        await Context.current().client.workflow.getHandle(aliasId(vinoshipperOrderNumber)).signal('release');
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
