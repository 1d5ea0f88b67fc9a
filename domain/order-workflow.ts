// The order workflow's input and result, shared by its starters (API, reconciliation) and itself.
import { defineSignal } from '@temporalio/workflow';
import type { ComplianceEvent, OpenIssue, TimelineEntry } from './messages';
import type { OrderSnapshot, OrderStatus } from './order';
import type { OrderSettings } from './settings';

export interface OrderWorkflowInput {
  shopDomain: string;
  snapshot: OrderSnapshot;
  settings: OrderSettings;
  /**
   * How the order's Vinoshipper number is made. `number-and-id`: `CH-1001-5000000001`, the Shopify
   * order id in it leads Vinoshipper's webhooks to this workflow (domain/workflow-ids.ts). Absent in
   * orders started before that (December 2026): `CH-1001`, which webhooks find through an alias
   * workflow that the first PUT registers; they keep that number and alias, and their histories
   * replay unchanged. Continue-as-new carries the input, so an order keeps its scheme for life.
   */
  vinoshipperNumberScheme?: 'number-and-id';
  carried?: CarriedOrderState;
}

/** A person's (or cellarhand's own) request; `ticket` when an Update waits for the answer. */
export interface PersonRequest {
  reason: string;
  by?: string;
  ticket?: number;
}

/** What people and systems asked for that the order has not acted on yet. All of it survives continue-as-new. */
export interface PendingRequests {
  refund: PersonRequest | null;
  cancel: PersonRequest | null;
  retry: PersonRequest | null;
  resolve: PersonRequest | null;
  /** A Shopify update changed something that matters (the order, its payment, its cancellation, its tags). */
  shopifyNews: boolean;
  /** Vinoshipper said something changed: re-read. */
  vinoshipperHint: boolean;
  /** The shop's sync switch was turned back on. */
  syncResumed: boolean;
  /** The safety-net look is due (a timer fired with nothing else to do). */
  lookDue: boolean;
}

/** Why an order is not synced. `final`: never (point 3 of the money-safety rules); else until the tag goes or sync is back on. */
export interface SkipState {
  final: boolean;
  reason: string;
  /** ms since the epoch. */
  since: number;
}

/**
 * The order is being closed (refunded or cancelled, by a person, by Shopify or automatically): it is
 * never sent, resent or fulfilled again, and any Vinoshipper copy must be cancelled first.
 * `vinoshipper`: `pending` (to cancel), `done` (cancelled, never there, or handled by a person),
 * `shipped` (too late: a person handles the return).
 */
export interface Closing {
  outcome: 'refunded' | 'cancelled';
  reason: string;
  by?: string;
  vinoshipper: 'pending' | 'done' | 'shipped';
}

/**
 * A refund whose every attempt failed without Shopify refusing it (a lost reply, an outage): it may
 * have been made. Asked again with the same idempotency key (`attempt`), so never made twice.
 */
export interface UnconfirmedRefund {
  reason: string;
  by?: string;
  attempt: number;
}

export interface CarriedOrderState {
  status: OrderStatus;
  phase: 'submit' | 'watch';
  vinoshipperOrderNumber: string | null;
  submittedFingerprint: string | null;
  writtenBack: boolean;
  /** A PUT was ever attempted: Vinoshipper may hold the order, even if no answer said so. */
  putAttempted: boolean;
  /** An order numbered without the Shopify order id (see OrderWorkflowInput): its Vinoshipper-number alias was started. */
  aliasStarted: boolean;
  /** The order was refunded in Shopify (by cellarhand or in Shopify itself). */
  refunded: boolean;
  refundAttempts: number;
  /** A refund Shopify may or may not have made: everything else holds until Shopify says. */
  refundUnconfirmed: UnconfirmedRefund | null;
  closing: Closing | null;
  skip: SkipState | null;
  /** The shop's sync switch as this order knows it (from its start, turned on by `syncResumed`). */
  syncEnabled: boolean;
  /** Since when (ms) the order waits for payment; null when it does not. */
  paymentWaitSince: number | null;
  /** Safety-net looks in a row that found nothing new: picks the next wait from the back-off list. */
  quietLooks: number;
  issue: OpenIssue | null;
  issueOccurrences: number;
  reminderSentAt: number | null;
  acknowledgedProblem: string | null;
  autoRefundedOccurrence: number | null;
  noticesSent: string[];
  complianceEvents: ComplianceEvent[];
  timeline: TimelineEntry[];
  requests: PendingRequests;
}

export interface OrderOutcome {
  status: OrderStatus;
  vinoshipperOrderNumber: string | null;
}

/** The shop's sync switch was turned back on: skipped orders (sync off, not skip-tagged) resume. */
export const syncResumedSignal = defineSignal<[{ by?: string }?]>('syncResumed');
