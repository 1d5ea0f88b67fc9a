// What the console reads from Temporal, shared by every open console page of this API process: the
// pages poll every few seconds, Temporal visibility is asked at most once per short interval.
import { ORDER_STATUSES, type OrderStatus } from '../domain';
import type { OrderListFilter, OrderListing, OrderWorkflows } from '../temporal/order-workflows';

/** A listing is reused this long (pages poll every 2.5 s: each poll sees changes within ~4 s). */
const LISTING_MS = 1_500;
/** Counts per status change slowly and cost one visibility call per status. */
const COUNTS_MS = 10_000;
/** The inbox reads at most this many stuck orders (and says so when there are more). */
export const INBOX_LIMIT = 1_000;
/** A status tab shows the newest this many orders. */
export const STATUS_LIMIT = 200;

export interface StatusCounts {
  byStatus: Record<OrderStatus, number>;
  /** Running orders skipped now: the ones that may resume when sync is turned back on (read while sync is off). */
  skippedWaiting: number;
}

export class ConsoleFeed {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(private readonly orders: OrderWorkflows) {}

  /** Running orders in needs_attention. */
  needsAttention(): Promise<OrderListing[]> {
    return this.list({ status: 'needs_attention', running: true, limit: INBOX_LIMIT });
  }

  /** Keyed by the filter: callers pass a bounded set (the statuses), never free text. */
  list(filter: OrderListFilter): Promise<OrderListing[]> {
    return this.cached(`list:${JSON.stringify(filter)}`, LISTING_MS, () => this.orders.list(filter));
  }

  /** Orders per status (the tabs): refreshed less often than the lists, one visibility count per status. */
  statusCounts(): Promise<Record<OrderStatus, number>> {
    return this.cached('counts', COUNTS_MS, async () => {
      const counts = await Promise.all(
        ORDER_STATUSES.map((status) => this.orders.count(status === 'needs_attention' ? { status, running: true } : { status })),
      );
      return Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, counts[i]])) as Record<OrderStatus, number>;
    });
  }

  /** Running orders skipped now, as fresh as the lists: the sync switch's confirmation names the number. */
  skippedWaiting(): Promise<number> {
    return this.cached('skipped-waiting', LISTING_MS, () => this.orders.count({ status: 'skipped', running: true }));
  }

  /** After a person changed something: the next read asks Temporal again. */
  invalidate(): void {
    this.cache.clear();
  }

  private cached<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = read();
    this.cache.set(key, { at: Date.now(), value });
    // A failed read is not kept: the next poll asks again.
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }
}
