// What the console reads from Temporal, shared by every open console page of this API process: the
// pages poll every few seconds, Temporal visibility is asked at most once per short interval.
import type { CatalogCheckReport } from '../domain';
import type { CatalogChecks } from '../temporal/catalog-checks';
import type { OrderListFilter, OrderListing, OrderWorkflows } from '../temporal/order-workflows';

/** A listing is reused this long (pages poll every 2.5 s: each poll sees changes within ~4 s). */
const LISTING_MS = 1_500;
/** The catalogue check runs every few hours: its latest result is read again at most this often (and after "Run the check now"). */
const CATALOG_MS = 15_000;
/** The inbox reads at most this many stuck orders (and says so when there are more). */
export const INBOX_LIMIT = 1_000;
/** A status tab shows the newest this many orders. */
export const STATUS_LIMIT = 200;

/**
 * The counts the inbox shows: stuck orders (its own list's length) and, while sync is off, the
 * skipped orders that would resume. Other statuses are not counted: a count per status is one
 * visibility call each, and visibility is rate-limited per namespace (the dev server's default is
 * 10 requests per second), shared with the worker and every open console.
 */
export interface InboxCounts {
  needsAttention: number;
  skippedWaiting: number;
}

export class ConsoleFeed {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly orders: OrderWorkflows,
    private readonly catalogChecks: CatalogChecks,
  ) {}

  /** Running orders in needs_attention. */
  needsAttention(): Promise<OrderListing[]> {
    return this.list({ status: 'needs_attention', running: true, limit: INBOX_LIMIT });
  }

  /**
   * Running orders whose workflow Temporal reports failing (WORKFLOW_TASK_PROBLEMS); null when this
   * server cannot say (older than 1.28: the search attribute is unknown to it), so the inbox still shows.
   */
  workflowsFailing(): Promise<OrderListing[] | null> {
    return this.list({ running: true, workflowTaskFailing: true, limit: INBOX_LIMIT }).catch(() => null);
  }

  /** Keyed by the filter: callers pass a bounded set (the statuses), never free text. */
  list(filter: OrderListFilter): Promise<OrderListing[]> {
    return this.cached(`list:${JSON.stringify(filter)}`, LISTING_MS, () => this.orders.list(filter));
  }

  /** Running orders skipped now, as fresh as the lists: the sync switch's confirmation names the number. */
  skippedWaiting(): Promise<number> {
    return this.cached('skipped-waiting', LISTING_MS, () => this.orders.count({ status: 'skipped', running: true }));
  }

  /** The latest catalogue check's report (null before the first) and the checks running now. */
  catalog(): Promise<{ latest: CatalogCheckReport | null; running: { workflowId: string; startedAt: string }[] }> {
    return this.cached('catalog', CATALOG_MS, () => this.catalogChecks.status());
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
