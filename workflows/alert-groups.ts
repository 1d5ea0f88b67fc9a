// The alert digest's memory: alerts grouped by cause and kind, each group's window, what was
// already told, and which causes can be forgotten. Plain data and arithmetic, no Temporal calls,
// so it is carried through continue-as-new as is and unit-testable on its own.
import {
  describeCause,
  type AlertDigestCarried,
  type AlertDigestView,
  type AlertGroupState,
  type AlertKind,
  type MerchantAlert,
  type SentAlertEmail,
} from '../domain';

/** Per group: enough to recognise a repeated hand-over, small enough to keep the state bounded. */
const TOLD_LIMIT = 500;
const RECENT_LIMIT = 20;

export type AddOutcome = 'queued' | 'updated' | 'duplicate';

/** The batch a group hands to one email. */
export interface Batch {
  alerts: MerchantAlert[];
  followUp: boolean;
  earlierOrders: number;
}

export class AlertGroups {
  private readonly groups = new Map<string, AlertGroupState>();
  /** Keys of the batch being sent right now (never carried: continue-as-new waits for quiet). */
  private readonly inFlight = new Set<string>();
  emailsStarted = 0;
  recent: SentAlertEmail[] = [];

  constructor(carried?: AlertDigestCarried) {
    if (!carried) return;
    for (const group of carried.groups) this.groups.set(groupKey(group.kind, group.cause), group);
    this.emailsStarted = carried.emailsStarted;
    this.recent = carried.recent;
  }

  /** Queues an alert in its group (its window from the alert, else `windowMs`); a key already queued, in flight or told is ignored. */
  add(alert: MerchantAlert, now: number, windowMs: number): AddOutcome {
    const key = groupKey(alert.kind, alert.cause);
    let group = this.groups.get(key);
    if (group && (group.toldKeys.includes(alert.key) || group.pending.some((a) => a.key === alert.key))) return 'duplicate';
    if (this.inFlight.has(alert.key)) return 'duplicate';
    if (!group) {
      group = {
        kind: alert.kind,
        cause: alert.cause,
        issueType: alert.issueType,
        pending: [],
        dueAt: null,
        emailsSent: 0,
        toldKeys: [],
        toldOrders: [],
        lastAlertAt: now,
        lastCheckedAt: null,
      };
      this.groups.set(key, group);
    }
    group.lastAlertAt = now;
    // One line per order: a newer alert of the same order (a second occurrence) replaces the older one.
    const existing = group.pending.findIndex((a) => a.orderWorkflowId === alert.orderWorkflowId);
    if (existing >= 0) {
      group.pending[existing] = alert;
      return 'updated';
    }
    group.pending.push(alert);
    group.dueAt ??= now + (alert.windowMs ?? windowMs); // a fixed window from the first alert: a steady stream still gets its email
    return 'queued';
  }

  /** Groups whose window has ended (every group with something pending when `all`), earliest first. */
  due(now: number, all = false): AlertGroupState[] {
    return [...this.groups.values()]
      .filter((g) => g.pending.length > 0 && g.dueAt !== null && (all || g.dueAt <= now))
      .sort((a, b) => (a.dueAt as number) - (b.dueAt as number));
  }

  nextDueAt(): number | null {
    const times = [...this.groups.values()].flatMap((g) => (g.pending.length && g.dueAt !== null ? [g.dueAt] : []));
    return times.length ? Math.min(...times) : null;
  }

  /** Takes the group's pending alerts for one email; later alerts start a new window (a follow-up). */
  take(group: AlertGroupState): Batch {
    // Oldest first to the second (what the email shows), then by order number: a burst reads in order.
    const alerts = [...group.pending].sort(
      (a, b) => a.raisedAt.slice(0, 19).localeCompare(b.raisedAt.slice(0, 19)) || a.shopifyOrderName.localeCompare(b.shopifyOrderName, 'en', { numeric: true }),
    );
    group.pending = [];
    group.dueAt = null;
    for (const a of alerts) this.inFlight.add(a.key);
    this.emailsStarted += 1;
    return { alerts, followUp: group.emailsSent > 0, earlierOrders: group.toldOrders.length };
  }

  /** The batch's email went out (or finally failed): its orders count as told either way. */
  settle(group: AlertGroupState, batch: Batch, outcome: { at: string; emailId: string | null; error: string | null }): void {
    for (const a of batch.alerts) this.inFlight.delete(a.key);
    group.emailsSent += 1;
    group.toldKeys = bounded([...group.toldKeys, ...batch.alerts.map((a) => a.key)]);
    const newOrders = batch.alerts.map((a) => a.orderWorkflowId).filter((id) => !group.toldOrders.includes(id));
    group.toldOrders = bounded([...group.toldOrders, ...newOrders]);
    this.recent = [
      ...this.recent,
      {
        at: outcome.at,
        kind: group.kind,
        cause: group.cause,
        followUp: batch.followUp,
        orders: batch.alerts.map((a) => a.shopifyOrderName),
        emailId: outcome.emailId,
        error: outcome.error,
      },
    ].slice(-RECENT_LIMIT);
  }

  /** Groups with nothing pending that have been quiet for `forgetAfterMs` since their last alert or check. */
  quiet(now: number, forgetAfterMs: number): AlertGroupState[] {
    return [...this.groups.values()].filter((g) => !g.pending.length && quietSince(g) + forgetAfterMs <= now);
  }

  nextQuietCheckAt(forgetAfterMs: number): number | null {
    const times = [...this.groups.values()].filter((g) => !g.pending.length).map((g) => quietSince(g) + forgetAfterMs);
    return times.length ? Math.min(...times) : null;
  }

  /** Forgets the group when none of its orders is open any more; otherwise looks again after another quiet spell. */
  forgetUnlessOpen(group: AlertGroupState, openOrders: ReadonlySet<string>, now: number): boolean {
    if (group.toldOrders.some((id) => openOrders.has(id))) {
      group.lastCheckedAt = now;
      return false;
    }
    this.groups.delete(groupKey(group.kind, group.cause));
    return true;
  }

  checkedLater(group: AlertGroupState, now: number): void {
    group.lastCheckedAt = now;
  }

  carry(): AlertDigestCarried {
    return { groups: [...this.groups.values()], emailsStarted: this.emailsStarted, recent: this.recent };
  }

  view(shopDomain: string, windowMs: number): AlertDigestView {
    return {
      shopDomain,
      windowMs,
      groups: [...this.groups.values()].map((g) => ({
        kind: g.kind,
        cause: g.cause,
        description: describe(g.kind, g.cause, g.pending[0]?.subjectLine),
        pendingOrders: g.pending.map((a) => a.shopifyOrderName),
        sendsAt: g.pending.length && g.dueAt !== null ? new Date(g.dueAt).toISOString() : null,
        emailsSent: g.emailsSent,
        ordersTold: g.toldOrders.length,
      })),
      recent: this.recent,
    };
  }
}

export function groupKey(kind: AlertKind, cause: string): string {
  return `${kind}|${cause}`;
}

/** Notices carry `notice:<key>` as their cause: their subject line says more than the key. */
export function describe(kind: AlertKind, cause: string, subjectLine?: string): string {
  return kind === 'notice' ? (subjectLine ?? cause) : describeCause(cause);
}

function quietSince(group: AlertGroupState): number {
  return Math.max(group.lastAlertAt, group.lastCheckedAt ?? 0);
}

function bounded(values: string[]): string[] {
  return values.length > TOLD_LIMIT ? values.slice(-TOLD_LIMIT) : values;
}
