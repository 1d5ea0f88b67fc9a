// The inbox: orders that need attention, grouped by what blocks them (the IssueCause search
// attribute: issue type plus SKU or state), so twelve orders stuck on one missing SKU are one line
// to fix, not twelve. Search attributes only: no customer data reaches the inbox.
import { createHash } from 'node:crypto';
import { ISSUE_WORDING, describeCause, parseIssueCause, type IssueType } from '../domain';
import type { OrderListing } from '../temporal/order-workflows';

export interface CauseGroup {
  /** `issueCause()`; the issue type alone for orders that carry no cause. */
  cause: string;
  /** Stable id for the page (a hash: causes hold SKUs, which may hold any character). */
  id: string;
  issueType: IssueType | null;
  /** "SKU NOPE-3 is not in Vinoshipper". */
  headline: string;
  /** The issue type's title, as in the email. */
  title: string | null;
  /** Oldest first. */
  orders: OrderListing[];
}

export function causeOf(order: OrderListing): string {
  return order.issueCause ?? order.issueType ?? 'unknown';
}

export function groupId(cause: string): string {
  return `g-${createHash('sha256').update(cause).digest('hex').slice(0, 12)}`;
}

/**
 * Groups by cause, oldest order first within a group and the group waiting longest first. "Oldest"
 * is the workflow's start time in visibility (when cellarhand got the order; see README: Console).
 */
export function groupByCause(listings: OrderListing[]): CauseGroup[] {
  const groups = new Map<string, OrderListing[]>();
  for (const order of listings) append(groups, causeOf(order), order);
  const oldestFirst = (a: OrderListing, b: OrderListing) => a.startedAt.localeCompare(b.startedAt);
  return [...groups.entries()]
    .map(([cause, orders]) => {
      const issueType = orders[0].issueType ?? (cause === 'unknown' ? null : parseIssueCause(cause).type);
      return {
        cause,
        id: groupId(cause),
        issueType,
        headline: cause === 'unknown' ? 'Needs attention (no issue recorded yet)' : describeCause(cause),
        title: issueType ? (ISSUE_WORDING[issueType]?.title ?? null) : null,
        orders: orders.sort(oldestFirst),
      };
    })
    .sort((a, b) => oldestFirst(a.orders[0], b.orders[0]));
}

/** The stuck orders per SKU their cause names (a missing product or short inventory): links from the catalogue check. */
export function stuckBySku(listings: OrderListing[]): Map<string, OrderListing[]> {
  const bySku = new Map<string, OrderListing[]>();
  for (const order of listings) {
    for (const sku of causeSkus(causeOf(order))) append(bySku, sku, order);
  }
  return bySku;
}

/** The SKUs a cause names: `product_missing:A,B` → A, B; other causes name none. */
export function causeSkus(cause: string): string[] {
  const { type, key } = parseIssueCause(cause);
  return key && (type === 'product_missing' || type === 'inventory_unavailable') ? key.split(',') : [];
}

function append<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}
