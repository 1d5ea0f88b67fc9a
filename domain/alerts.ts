// Telling the merchant once per cause, not once per order. In `grouped` mode an order workflow does
// not email; it hands its alert to the shop's alert digest workflow (one per shop), which collects
// alerts of the same cause over a window, sends one email naming every order, and tells each order
// that its merchant was told. `per_order` mode keeps one email per order and alert.
import { defineSignal } from '@temporalio/workflow';
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
