// Signals and queries of the order workflow, shared by the workflow, the API and anyone using the
// Web UI's signal dialog or the Temporal CLI (the argument shapes below are what they send).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IssueType, OrderSnapshot, OrderStatus, OrderProblem } from './order';

/** A Shopify order as a webhook or the reconciliation job saw it. Older than what we have → ignored. */
export const orderUpdatedSignal = defineSignal<[OrderSnapshot]>('orderUpdated');

/**
 * Vinoshipper said something changed (an unsigned hint): re-read the order now. With the number the
 * webhook named, the order ignores a hint for any number but its own; a person's hint has none.
 */
export const vinoshipperEventSignal = defineSignal<[{ event: string; vinoshipperOrderNumber?: string }]>('vinoshipperEvent');

/** The merchant fixed something outside Shopify (e.g. in Vinoshipper): check again now. */
export const retrySignal = defineSignal<[{ by?: string }?]>('retry');

/** Refund the order in full in Shopify and cancel it in Vinoshipper. */
export const refundSignal = defineSignal<[{ reason: string; by?: string }]>('refund');

/** Stop syncing this order and cancel it in Vinoshipper if it is there. */
export const cancelSignal = defineSignal<[{ reason: string; by?: string }]>('cancel');

/** The issue was fixed elsewhere: clear it and carry on watching. */
export const markResolvedSignal = defineSignal<[{ note: string; by?: string }]>('markResolved');

/**
 * A person's request answered for real (console and ops API): the same four requests as the signals
 * above, as Temporal Updates. A request that does not apply is refused by the update's validator with
 * the reason ("already refunded", "no open issue"); an accepted one answers once the order has acted
 * on it.
 */
export interface OrderRequestAnswer {
  /** `done`: acted on; `failed`: tried and it did not work (message says why); `waiting`: accepted, to be retried by itself. */
  outcome: 'done' | 'failed' | 'waiting';
  /** The order's status after acting. */
  status: OrderStatus;
  /** One sentence for people; no personal data. */
  message: string;
}
export const retryUpdate = defineUpdate<OrderRequestAnswer, [{ by?: string }]>('requestRetry');
export const refundUpdate = defineUpdate<OrderRequestAnswer, [{ reason: string; by?: string }]>('requestRefund');
export const cancelUpdate = defineUpdate<OrderRequestAnswer, [{ reason: string; by?: string }]>('requestCancel');
export const markResolvedUpdate = defineUpdate<OrderRequestAnswer, [{ note: string; by?: string }]>('requestMarkResolved');

export interface TimelineEntry {
  at: string;
  /** Short machine-readable kind, e.g. `submitted`, `issue_raised`, `signal_ignored`. */
  event: string;
  /** One sentence for people; no personal data. */
  message: string;
}

export interface OpenIssue {
  type: IssueType;
  /** Markdown-free plain text details (SKUs, quantities, Vinoshipper's messages). */
  details: string;
  steps: string[];
  since: string;
  /** `issueCause()`: type plus key detail (SKU, state); what groups stuck orders and alerts. */
  cause: string;
  /** Counts how often this order had an issue raised; part of the email idempotency key. */
  occurrence: number;
  idScanUrl: string | null;
}

/** Scenario 3: what Vinoshipper said when it rejected the order for compliance. */
export interface ComplianceEvent {
  at: string;
  destinationState: string | null;
  problems: OrderProblem[];
}

export interface OrderStatusView {
  status: OrderStatus;
  shopDomain: string;
  shopifyOrderId: string;
  shopifyOrderName: string;
  vinoshipperOrderNumber: string | null;
  issue: OpenIssue | null;
  complianceEvents: ComplianceEvent[];
  refunded: boolean;
  timeline: TimelineEntry[];
}

export const statusQuery = defineQuery<OrderStatusView>('status');
