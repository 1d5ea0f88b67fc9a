// Activity options every workflow shares: the retry policy per external system (the order workflow's
// proxies, workflows/order/activities.ts) and the options of the shop-level workflows (alert digest,
// catalogue check, daily digest).
import { proxyActivities, workflowInfo, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES, rateLimitedTaskQueues } from '../domain';

const bounded: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES };

export const RETRY_POLICIES = {
  vinoshipper: { ...bounded, maximumInterval: '20s', maximumAttempts: 5 },
  shopify: { ...bounded, maximumInterval: '30s', maximumAttempts: 6 },
  // Resend allows 2 requests/s per team: give emails room to wait out a 429.
  email: { ...bounded, initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 8 },
  // Handing an alert to the shop's digest workflow: a Temporal call, quick to recover.
  alerts: { ...bounded, maximumInterval: '30s', maximumAttempts: 10 },
  // The Vinoshipper-number alias (orders numbered without the Shopify id): a Temporal call too.
  temporal: { ...bounded, maximumInterval: '30s', maximumAttempts: 10 },
} satisfies Record<string, RetryPolicy>;

/** The shop-level workflows' emails: the order workflow's email policy. */
export const EMAIL_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30s', retry: RETRY_POLICIES.email };

/**
 * A shop-level workflow's activities that call Resend (`'email'`) or Vinoshipper (`'vinoshipper'`),
 * on that system's rate-limited task queue beside the one the workflow runs on: one budget for the
 * deployment, the order workflow's calls included. Call it inside the workflow function (it reads
 * the running workflow's task queue).
 */
export function onRateLimitedQueue<A>(system: 'email' | 'vinoshipper', options: ActivityOptions) {
  return proxyActivities<A>({ ...options, taskQueue: rateLimitedTaskQueues(workflowInfo().taskQueue)[system] });
}

/** Temporal itself (visibility, signals to other workflows): quick, retried a few times. */
export const TEMPORAL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
};
