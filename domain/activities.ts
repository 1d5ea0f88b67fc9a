// The contract between the order workflow and its activities. The workflow imports only this
// file's types; activities/ implements them with the real clients.
import type { IssueType, OrderSnapshot, VinoshipperOrderView } from './order';

/** The order's lines checked against Vinoshipper's catalogue before submission. */
export type CatalogCheck = { ok: true } | { ok: false; issueType: Extract<IssueType, 'product_missing' | 'inventory_unavailable'>; details: string };

/** What a `PUT /orders/{n}` came to. Transport failures are thrown (and retried), not returned. */
export type SubmissionResult = { kind: 'submitted'; order: VinoshipperOrderView } | { kind: 'rejected'; issueType: IssueType; details: string };

export interface SubmitOrderInput {
  snapshot: OrderSnapshot;
  vinoshipperOrderNumber: string;
  dateOfBirthAttribute: string;
}

export interface WriteBackInput {
  shopifyOrderId: string;
  vinoshipperOrderNumber: string;
}

export interface RefundInput {
  shopifyOrderId: string;
  reason: string;
  /** Stable per order: a retried refund can never become a second refund. */
  idempotencyKey: string;
}

export interface FulfilInput {
  shopifyOrderId: string;
  trackingNumbers: string[];
  carrier: string | null;
}

export type CancelResult = { cancelled: true } | { cancelled: false; reason: 'not_found' | 'already_shipped' | 'already_cancelled' };

export interface OrderIssueEmailInput {
  kind: 'issue' | 'reminder' | 'notice';
  shopifyOrderId: string;
  shopifyOrderName: string;
  issueType: IssueType | null;
  subjectLine: string;
  details: string;
  steps: string[];
  workflowId: string;
  /** Per issue occurrence and kind: a retried send never becomes a second email. */
  idempotencyKey: string;
}

/**
 * `ApplicationFailure.type`s the activities throw, so the workflow can tell an outage (retried by the
 * activity, then slowly by the workflow) from a mistake it must report instead of spinning on.
 */
export const FAILURE_TYPES = {
  vinoshipperUnavailable: 'VinoshipperUnavailable',
  vinoshipperConfiguration: 'VinoshipperConfiguration',
  vinoshipperConflict: 'VinoshipperConflict',
  shopifyUnavailable: 'ShopifyUnavailable',
  shopifyRejected: 'ShopifyRejected',
  shopifyConfiguration: 'ShopifyConfiguration',
  emailUnavailable: 'EmailUnavailable',
  emailRejected: 'EmailRejected',
} as const;

/** Failure types an activity retry must not repeat: the same request would fail the same way. */
export const NON_RETRYABLE_FAILURE_TYPES = [
  FAILURE_TYPES.vinoshipperConfiguration,
  FAILURE_TYPES.vinoshipperConflict,
  FAILURE_TYPES.shopifyRejected,
  FAILURE_TYPES.shopifyConfiguration,
  FAILURE_TYPES.emailRejected,
];

export interface OrderActivities {
  checkVinoshipperCatalog(snapshot: OrderSnapshot): Promise<CatalogCheck>;
  submitOrderToVinoshipper(input: SubmitOrderInput): Promise<SubmissionResult>;
  fetchVinoshipperOrder(vinoshipperOrderNumber: string): Promise<VinoshipperOrderView | null>;
  cancelVinoshipperOrder(vinoshipperOrderNumber: string): Promise<CancelResult>;
  writeBackToShopify(input: WriteBackInput): Promise<void>;
  refundShopifyOrder(input: RefundInput): Promise<{ refundId: string }>;
  fulfilShopifyOrder(input: FulfilInput): Promise<{ fulfillmentId: string }>;
  sendOrderIssueEmail(input: OrderIssueEmailInput): Promise<{ emailId: string }>;
}
