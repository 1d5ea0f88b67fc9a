// The reconciliation run's I/O: when did the last run complete (Temporal visibility), which orders
// changed since (Shopify Admin GraphQL, paged), and handing each to its order workflow exactly as
// its webhook would have (signal-with-start). The Temporal client is the worker's own, from the
// activity context, so the snapshots are encoded by the worker's data converter.
import { Context, activityInfo, heartbeat, log } from '@temporalio/activity';
import type { Config } from '../config';
import type { ReconciliationActivities, ReconciliationCounts, ReconciliationHistory } from '../domain';
import type { ShopifyAdmin } from '../integrations/shopify/admin';
import { OrderWorkflows } from '../temporal/order-workflows';
import { reconciliationHistory } from '../temporal/reconciliation-runs';
import { classified } from './failures';

/** Heartbeat details: where a retried attempt resumes. */
interface Progress extends ReconciliationCounts {
  after: string | null;
}

export function createReconciliationActivities(shopify: ShopifyAdmin, config: Pick<Config, 'shopify' | 'temporal' | 'orders'>): ReconciliationActivities {
  return {
    async reconciliationHistory(): Promise<ReconciliationHistory> {
      return reconciliationHistory(Context.current().client, config.temporal.taskQueue);
    },

    async reconcileOrders({ since }): Promise<ReconciliationCounts> {
      const orders = new OrderWorkflows(Context.current().client, {
        shopDomain: config.shopify.shopDomain,
        taskQueue: config.temporal.taskQueue,
        settings: config.orders,
      });
      const resumed = activityInfo().heartbeatDetails as Progress | undefined;
      let progress: Progress = resumed ?? { after: null, listed: 0, delivered: 0, finished: 0, pages: 0 };
      for (;;) {
        const page = await classified(() => shopify.listOrdersUpdatedSince(since, progress.after ?? undefined));
        let { delivered, finished } = progress;
        for (const snapshot of page.orders) {
          // Start-or-signal: a missing workflow starts, a running one takes the snapshot (and ignores
          // one it already has), a finished one is never started again.
          if ((await orders.deliverSnapshot(snapshot)) === 'accepted') delivered += 1;
          else finished += 1;
        }
        progress = { after: page.endCursor ?? progress.after, listed: progress.listed + page.orders.length, delivered, finished, pages: progress.pages + 1 };
        heartbeat(progress);
        if (!page.hasNextPage || !page.endCursor) break;
      }
      const { listed, delivered, finished, pages } = progress;
      // Through the activity context logger: the worker's logger, with the run's ids attached.
      log.info('reconciliation: Shopify orders handed to their workflows', { since, listed, delivered, finished, pages });
      return { listed, delivered, finished, pages };
    },
  };
}
