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
  /** Running orders of the shop in `needs_attention` (Temporal visibility), at most `limit`. */
  ordersNeedingAttention(limit: number): Promise<{ orders: StuckOrder[]; truncated: boolean }>;
  sendDailyDigestEmail(input: DailyDigestEmailInput): Promise<{ emailId: string }>;
}

/** Groups by cause; orders oldest first, and the group with the oldest order first. */
export function groupStuckOrders(orders: StuckOrder[]): StuckOrderGroup[] {
  const groups = new Map<string, StuckOrderGroup>();
  for (const order of [...orders].sort((a, b) => Date.parse(a.since) - Date.parse(b.since))) {
    let group = groups.get(order.cause);
    if (!group) {
      group = { cause: order.cause, description: describeCause(order.cause), issueType: order.issueType, orders: [] };
      groups.set(order.cause, group);
    }
    group.orders.push(order);
  }
  return [...groups.values()];
}
