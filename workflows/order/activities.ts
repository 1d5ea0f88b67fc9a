// The order workflow's activities, one proxy per external system, each typed with only its own
// system's activities, and every retry policy in one place. Bounded retries per system: an outage is
// first absorbed here (seconds to a minute), then reported as an issue and retried by the workflow on
// its slower cadence. Vinoshipper and Resend activities run on their own task queues, where the
// server enforces one request budget for the whole deployment (worker/create-worker.ts).
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import {
  NON_RETRYABLE_FAILURE_TYPES,
  type AlertActivities,
  type EmailActivities,
  type OrderAliasActivities,
  type OrderSettings,
  type ShopifyOrderActivities,
  type VinoshipperActivities,
} from '../../domain';

const bounded: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES };

export const RETRY_POLICIES = {
  vinoshipper: { ...bounded, maximumInterval: '20s', maximumAttempts: 5 },
  shopify: { ...bounded, maximumInterval: '30s', maximumAttempts: 6 },
  // Resend allows 2 requests/s per team: give emails room to wait out a 429.
  email: { ...bounded, initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
  // Handing an alert to the shop's digest workflow: a Temporal call, quick to recover.
  alerts: { ...bounded, maximumInterval: '30s', maximumAttempts: 10 },
  // The Vinoshipper-number alias: a Temporal call too.
  temporal: { ...bounded, maximumInterval: '30s', maximumAttempts: 10 },
} satisfies Record<string, RetryPolicy>;

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
