// The daily digest: once a day, at a local time the winery picks (DAILY_DIGEST_TIME in
// DAILY_DIGEST_TIMEZONE), one email listing every order still in `needs_attention`, grouped by cause,
// oldest first — only when there is at least one. A Temporal Schedule runs `dailyDigestWorkflow`.
import { describeCause } from './issues';
import type { IssueType } from './order';

export const DAILY_DIGEST_SCHEDULE_ID = 'cellarhand-daily-digest';
export const DAILY_DIGEST_WORKFLOW_TYPE = 'dailyDigestWorkflow';

/** One stuck order as visibility shows it: search attributes only, no personal data. */
export interface StuckOrder {
  shopifyOrderId: string;
  shopifyOrderName: string;
  workflowId: string;
  issueType: IssueType | null;
  /** `IssueCause` when the order sets it, else its issue type. */
  cause: string;
  /** When the order reached cellarhand (ISO): the digest's "oldest first". */
  since: string;
}

export interface StuckOrderGroup {
  cause: string;
  description: string;
  issueType: IssueType | null;
  /** What to do, when the cause is not an issue type's (its wording has the steps otherwise). */
  steps?: string[];
  /** Oldest first. */
  orders: StuckOrder[];
}

export interface DailyDigestEmailInput {
  groups: StuckOrderGroup[];
  total: number;
  /** More orders are stuck than one email lists. */
  truncated: boolean;
  idempotencyKey: string;
}

export interface DailyDigestResult {
  orders: number;
  groups: number;
  emailId: string | null;
  summary: string;
}

export interface DailyDigestActivities {
  /** Running orders of the shop in `needs_attention`, and those whose workflow fails (Temporal visibility), at most `limit`. */
  ordersNeedingAttention(limit: number): Promise<{ orders: StuckOrder[]; truncated: boolean }>;
  sendDailyDigestEmail(input: DailyDigestEmailInput): Promise<{ emailId: string }>;
}

/**
 * The cause of orders whose workflow Temporal reports failing (a bug, a change that breaks replay,
 * the server): such an order cannot raise an issue of its own, so the digest names it for it.
 */
export const WORKFLOW_FAILING_CAUSE = 'workflow_failing';

const WORKFLOW_FAILING_GROUP = {
  description: 'cellarhand cannot run these orders: their workflow fails in Temporal',
  steps: [
    'Ask the developer who runs cellarhand to open each order’s workflow in the Temporal Web UI: it shows the failure.',
    'Once the workflow runs again (a fix deployed, the server back), the order carries on by itself with every message it received; nothing is lost meanwhile.',
  ],
};

/** Groups by cause; orders oldest first, and the group with the oldest order first — orders cellarhand cannot run before all. */
export function groupStuckOrders(orders: StuckOrder[]): StuckOrderGroup[] {
  const groups = new Map<string, StuckOrderGroup>();
  for (const order of [...orders].sort((a, b) => Date.parse(a.since) - Date.parse(b.since))) {
    let group = groups.get(order.cause);
    if (!group) {
      group =
        order.cause === WORKFLOW_FAILING_CAUSE
          ? { cause: order.cause, ...WORKFLOW_FAILING_GROUP, issueType: null, orders: [] }
          : { cause: order.cause, description: describeCause(order.cause), issueType: order.issueType, orders: [] };
      groups.set(order.cause, group);
    }
    group.orders.push(order);
  }
  const failing = groups.get(WORKFLOW_FAILING_CAUSE);
  return failing ? [failing, ...[...groups.values()].filter((g) => g !== failing)] : [...groups.values()];
}
