// One daily digest, started by the `cellarhand-daily-digest` schedule at the winery's local time:
// every order still in `needs_attention`, grouped by cause, oldest first, in one email — or no email
// at all when nothing is stuck. Deterministic: visibility and the email are activities.
import { proxyActivities, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { groupStuckOrders, type DailyDigestActivities, type DailyDigestResult } from '../domain';
import { EMAIL_ACTIVITY, onRateLimitedQueue, TEMPORAL_ACTIVITY } from './activity-options';

/** One email lists at most this many orders; it says how many more there are. */
const MAX_LISTED = 500;

const visibility = proxyActivities<DailyDigestActivities>(TEMPORAL_ACTIVITY);

export async function dailyDigestWorkflow(): Promise<DailyDigestResult> {
  const email = onRateLimitedQueue<DailyDigestActivities>('email', EMAIL_ACTIVITY);
  const { orders, truncated } = await visibility.ordersNeedingAttention(MAX_LISTED);
  if (!orders.length) return finish({ orders: 0, groups: 0, emailId: null, summary: 'No order needs attention: no digest sent.' });
  const groups = groupStuckOrders(orders);
  // One key per scheduled run: a retried send never doubles the day's email.
  const { emailId } = await email.sendDailyDigestEmail({
    groups,
    total: orders.length,
    truncated,
    idempotencyKey: `daily-digest/${workflowInfo().workflowId}`,
  });
  const count = `${truncated ? 'more than ' : ''}${orders.length} order${orders.length === 1 ? '' : 's'}`;
  return finish({
    orders: orders.length,
    groups: groups.length,
    emailId,
    summary: `Digest sent: ${count} need attention, ${groups.length} cause${groups.length === 1 ? '' : 's'}.`,
  });
}

function finish(result: DailyDigestResult): DailyDigestResult {
  upsertMemo({ summary: result.summary });
  return result;
}
