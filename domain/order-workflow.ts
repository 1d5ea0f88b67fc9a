// The order workflow's input and result, shared by its starters (API, reconciliation) and itself.
import type { ComplianceEvent, OpenIssue, TimelineEntry } from './messages';
import type { OrderSnapshot, OrderStatus } from './order';
import type { OrderSettings } from './settings';

export interface OrderWorkflowInput {
  shopDomain: string;
  snapshot: OrderSnapshot;
  settings: OrderSettings;
  /** Present when the workflow continued as new: everything it had learned so far. */
  carried?: CarriedOrderState;
}

export interface CarriedOrderState {
  status: OrderStatus;
  phase: 'submit' | 'watch';
  vinoshipperOrderNumber: string | null;
  submittedFingerprint: string | null;
  writtenBack: boolean;
  issue: OpenIssue | null;
  issueOccurrences: number;
  reminderSentAt: number | null;
  acknowledgedProblem: string | null;
  autoRefundedOccurrence: number | null;
  noticesSent: string[];
  complianceEvents: ComplianceEvent[];
  timeline: TimelineEntry[];
}

export interface OrderOutcome {
  status: OrderStatus;
  vinoshipperOrderNumber: string | null;
}
