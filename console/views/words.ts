// How the console names statuses, for people.
import type { OrderStatus } from '../../domain';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  needs_attention: 'Needs attention',
  syncing: 'Syncing',
  submitted: 'Submitted',
  accepted: 'Accepted',
  fulfilled: 'Fulfilled',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

export const STATUS_MEANING: Record<OrderStatus, string> = {
  needs_attention: 'Blocked: someone needs to act (see the issue below).',
  syncing: 'Received; cellarhand is sending it to Vinoshipper.',
  submitted: 'In Vinoshipper, waiting for Vinoshipper to accept it.',
  accepted: 'Accepted by Vinoshipper; waiting for it to ship.',
  fulfilled: 'Shipped: fulfilled in Shopify with the tracking number.',
  refunded: 'Refunded in Shopify, and not shipped by Vinoshipper.',
  cancelled: 'Cancelled: not shipped by Vinoshipper.',
  skipped: 'Not sent to Vinoshipper: sync was off, the order carries the skip tag, or it was placed before cellarhand was installed.',
};

/** The order in the tabs: the inbox first, then the order's life, then the ends. */
export const STATUS_TABS: OrderStatus[] = ['needs_attention', 'syncing', 'submitted', 'accepted', 'fulfilled', 'refunded', 'cancelled', 'skipped'];

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
