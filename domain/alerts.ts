// Telling the merchant once per cause, not once per order. In `grouped` mode an order workflow does
// not email; it hands its alert to the shop's alert digest workflow (one per shop), which collects
// alerts of the same cause over a window, sends one email naming every order, and tells each order
// that its merchant was told. `per_order` mode keeps one email per order and alert.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IssueType } from './order';

export type AlertMode = 'grouped' | 'per_order';
export type AlertKind = 'issue' | 'reminder' | 'notice';

/** One order's alert, as the order workflow hands it over. Order numbers, SKUs and wording only. */
export interface MerchantAlert {
  kind: AlertKind;
  /** `issueCause()` of the issue; notices use `notice:<key>`. Alerts of one cause and kind share an email. */
  cause: string;
  issueType: IssueType | null;
  shopifyOrderId: string;
  shopifyOrderName: string;
  orderWorkflowId: string;
  subjectLine: string;
  details: string;
  steps: string[];
  /** Stable per order, kind and issue occurrence: a repeated hand-over never lists the order twice. */
  key: string;
  /** ISO time the order raised it. */
  raisedAt: string;
  /**
   * ALERT_GROUP_WINDOW as the hand-over activity read it (set by `queueMerchantAlert`, not the order):
   * a changed configuration applies from the next window on, although the digest itself runs for good.
   */
  windowMs?: number;
}

export const ALERT_DIGEST_WORKFLOW_TYPE = 'merchantAlertsWorkflow';

export function alertDigestWorkflowId(shopDomain: string): string {
  return `alerts:${shopDomain}`;
}

/** Order workflow (through its activity) → the shop's digest: one more alert to tell. */
export const merchantAlertSignal = defineSignal<[MerchantAlert]>('merchantAlert');

/** Digest → order workflow: the email with this alert went out (or finally failed), for the order's timeline. */
export const merchantToldSignal = defineSignal<[{ key: string; sent: boolean; emailId: string | null; ordersInEmail: number; at: string }]>('merchantTold');

export interface AlertActivities {
  /** Signal-with-start of the shop's digest workflow: hands one alert over (idempotent by `alert.key`). */
  queueMerchantAlert(alert: MerchantAlert): Promise<void>;
}

// ---- The digest workflow's own contract (workflows/alerts.ts, activities/alerts.ts) ----

export interface AlertDigestSettings {
  /** ALERT_GROUP_WINDOW: how long alerts of one cause and kind are collected before their email goes out. */
  windowMs: number;
  /** A cause with nothing pending, quiet this long and with none of its orders still open, is forgotten. */
  forgetAfterMs: number;
  /** Continue as new past this many history events (or when Temporal suggests it, whichever comes first). */
  maxHistoryEvents: number;
}

export const DEFAULT_ALERT_DIGEST_SETTINGS: AlertDigestSettings = {
  windowMs: 10 * 60_000,
  forgetAfterMs: 24 * 3_600_000,
  maxHistoryEvents: 2_000,
};

/** What the digest remembers of one cause and kind. Order numbers, SKUs and wording only. */
export interface AlertGroupState {
  kind: AlertKind;
  cause: string;
  issueType: IssueType | null;
  /** Waiting for the end of the window, oldest first; one entry per order. */
  pending: MerchantAlert[];
  /** Epoch ms the current window ends (null: nothing pending). */
  dueAt: number | null;
  /** Emails already sent for this cause and kind: the first is the full one, later ones are follow-ups. */
  emailsSent: number;
  /** Keys of alerts already in an email, newest last (bounded): a repeated hand-over is ignored. */
  toldKeys: string[];
  /** Order workflows already named in an email, newest last (bounded). */
  toldOrders: string[];
  lastAlertAt: number;
  /** Last time the digest asked whether the cause's orders are still open (forgetting). */
  lastCheckedAt: number | null;
}

/** One email the digest sent (or finally failed to send), for its query and the Web UI. */
export interface SentAlertEmail {
  at: string;
  kind: AlertKind;
  cause: string;
  followUp: boolean;
  orders: string[];
  emailId: string | null;
  error: string | null;
}

export interface AlertDigestCarried {
  groups: AlertGroupState[];
  /** Emails the digest started, ever (with the first run's id, part of every idempotency key). */
  emailsStarted: number;
  recent: SentAlertEmail[];
}

export interface AlertDigestInput {
  shopDomain: string;
  settings: AlertDigestSettings;
  /** Present when the digest continued as new. */
  carried?: AlertDigestCarried;
}

export interface AlertDigestView {
  shopDomain: string;
  windowMs: number;
  groups: {
    kind: AlertKind;
    cause: string;
    description: string;
    pendingOrders: string[];
    /** ISO time the pending alerts' email goes out; null when nothing is pending. */
    sendsAt: string | null;
    emailsSent: number;
    ordersTold: number;
  }[];
  recent: SentAlertEmail[];
}

/** The digest's one email for a batch of alerts of one cause and kind. */
export interface AlertDigestEmailInput {
  kind: AlertKind;
  cause: string;
  issueType: IssueType | null;
  /** true: the cause's first email already went out; this one adds orders to it. */
  followUp: boolean;
  /** Orders named in this cause's earlier emails (for a follow-up's wording). */
  earlierOrders: number;
  /** Oldest first, one per order. */
  alerts: MerchantAlert[];
  idempotencyKey: string;
}

export interface MerchantToldInput {
  orders: { orderWorkflowId: string; key: string }[];
  sent: boolean;
  emailId: string | null;
  ordersInEmail: number;
  at: string;
}

export interface AlertDigestActivities {
  sendMerchantAlertDigest(input: AlertDigestEmailInput): Promise<{ emailId: string }>;
  /** Signals `merchantToldSignal` to each order; finished or unknown orders are counted, not errors. */
  tellOrdersMerchantWasTold(input: MerchantToldInput): Promise<{ told: number; gone: number }>;
  /** Which of these order workflows are still running and `needs_attention` (Temporal visibility). */
  ordersStillNeedingAttention(orderWorkflowIds: string[]): Promise<string[]>;
}

export const alertDigestQuery = defineQuery<AlertDigestView>('alertDigest');

/** An operator (ops API, Web UI) asks for every pending alert email now instead of at the window's end. */
export const sendAlertsNowSignal = defineSignal('sendAlertsNow');
