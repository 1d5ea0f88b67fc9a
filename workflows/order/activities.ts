// The order workflow's activities, one proxy per external system, each typed with only its own
// system's activities, and every retry policy in one place. Bounded retries per system: an outage is
// first absorbed here (seconds to a minute), then reported as an issue and retried by the workflow on
// its slower cadence. Vinoshipper and Resend activities run on their own task queues, where the
// server enforces one request budget for the whole deployment (worker/create-worker.ts).
import { proxyActivities } from '@temporalio/workflow';
import {
  type AlertActivities,
  type EmailActivities,
  type OrderAliasActivities,
  type OrderSettings,
  type ShopifyOrderActivities,
  type VinoshipperActivities,
} from '../../domain';
import { RETRY_POLICIES } from '../activity-options';

export function orderActivities(settings: Pick<OrderSettings, 'taskQueues'>) {
  return {
    vinoshipper: proxyActivities<VinoshipperActivities>({
      taskQueue: settings.taskQueues.vinoshipper,
      startToCloseTimeout: '30s',
      retry: RETRY_POLICIES.vinoshipper,
    }),
    shopify: proxyActivities<ShopifyOrderActivities>({ startToCloseTimeout: '30s', retry: RETRY_POLICIES.shopify }),
    email: proxyActivities<EmailActivities>({ taskQueue: settings.taskQueues.email, startToCloseTimeout: '30s', retry: RETRY_POLICIES.email }),
    alerts: proxyActivities<AlertActivities>({ startToCloseTimeout: '30s', retry: RETRY_POLICIES.alerts }),
    temporal: proxyActivities<OrderAliasActivities>({ startToCloseTimeout: '30s', retry: RETRY_POLICIES.temporal }),
  };
}

export type OrderActivityProxies = ReturnType<typeof orderActivities>;
