// Sync turned back on: every running order skipped while it was off is told so. Orders skipped for
// their tag stay skipped (the tag still says so); orders skipped for good have already finished.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ORDER_WORKFLOW_TYPE, syncResumedSignal, type ShopSettingsActivities } from '../domain';

export function createShopSettingsActivities(): ShopSettingsActivities {
  return {
    async resumeSkippedOrders({ shopDomain, by }) {
      const { client } = Context.current();
      // shopDomain comes from our own configuration (a myshopify.com domain), never from a request.
      const query = `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ShopDomain="${shopDomain}" AND OrderStatus="skipped" AND ExecutionStatus="Running"`;
      let resumed = 0;
      for await (const order of client.workflow.list({ query })) {
        try {
          await client.workflow.getHandle(order.workflowId).signal(syncResumedSignal, { by });
          resumed += 1;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // finished meanwhile: nothing to resume
        }
        Context.current().heartbeat(resumed);
      }
      return { resumed };
    },
  };
}
