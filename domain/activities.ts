// The contract between the order workflow and its activities. The workflow imports only this
// file's types; activities/ implements them with the real clients.
import type { IssueType, OrderSnapshot, VinoshipperOrderView } from './order';

/** The order's lines checked against Vinoshipper's catalogue (advisory: only to name what a refusal did not). */
export type CatalogCheck =
  { ok: true } | { ok: false; issueType: Extract<IssueType, 'product_missing' | 'inventory_unavailable'>; details: string; skus: string[] };

/** What a `PUT /orders/{n}` came to. Transport failures are thrown (and retried), not returned. */
export type SubmissionResult = (
  | { kind: 'submitted'; order: VinoshipperOrderView }
  | {
      kind: 'rejected';
      issueType: IssueType;
      details: string;
      /** The key detail of the cause (`issueCause()`): the SKUs of a product or inventory refusal, else null. */
      causeKey: string | null;
    }
) & {
  /** Asked for with `aliasFor`: whether the Vinoshipper-number alias now exists (false: registering it failed; the PUT went ahead). */
  aliasRegistered?: boolean;
  /** Asked for with `writeBackTo`, after an accepted PUT: whether the number is now on the Shopify order (false: the workflow's own write-back takes over). */
  writtenBack?: boolean;
};

export interface SubmitOrderInput {
  snapshot: OrderSnapshot;
  vinoshipperOrderNumber: string;
  dateOfBirthAttribute: string;
  /**
   * The order is already in Vinoshipper (a resend): its own quantities are reserved there, so the
   * catalogue's stock figures are not consulted to explain a refusal.
   */
  inVinoshipper: boolean;
  /**
   * Orders numbered without the Shopify order id only (OrderWorkflowInput.vinoshipperNumberScheme):
   * the order's workflow id, when its Vinoshipper-number alias (domain/workflow-ids.ts) is not known
   * to exist yet: the activity registers it before the PUT, so it exists before Vinoshipper can send
   * the order's first webhook — in the same activity, not one of its own.
   */
  aliasFor?: string;
  /**
   * The Shopify order id, until the Vinoshipper order number is written back to it: after an
   * accepted PUT the activity writes it back at once (one activity, not two, on the happy path).
   * Best effort: a failed or slow write-back leaves it to the workflow's own write-back activity.
   */
  writeBackTo?: string;
}

export interface WriteBackInput {
  shopifyOrderId: string;
  vinoshipperOrderNumber: string;
}

export interface RefundInput {
  shopifyOrderId: string;
  reason: string;
  /**
   * Per refund attempt: the activity's own retries of one attempt reuse it (a lost reply never
   * becomes a second refund); a later, deliberate attempt gets a new one, and the refund plan (what
   * Shopify says is still refundable) keeps it from refunding twice.
   */
  idempotencyKey: string;
}

export interface FulfilInput {
  shopifyOrderId: string;
  trackingNumbers: string[];
  carrier: string | null;
}

/**
 * `not_found`: nothing to cancel. `not_accepted`: Vinoshipper cancels only accepted orders (its docs:
 * "update it instead"); the order must be cancelled by a person or once accepted. `already_shipped`:
 * shipped or sent to fulfilment.
 */
export type CancelResult = { cancelled: true } | { cancelled: false; reason: 'not_found' | 'already_shipped' | 'already_cancelled' | 'not_accepted' };

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

/** Vinoshipper's activities: they run on their own, rate-limited task queue. */
export interface VinoshipperActivities {
  submitOrderToVinoshipper(input: SubmitOrderInput): Promise<SubmissionResult>;
  fetchVinoshipperOrder(vinoshipperOrderNumber: string): Promise<VinoshipperOrderView | null>;
  cancelVinoshipperOrder(vinoshipperOrderNumber: string): Promise<CancelResult>;
}

/** What the order workflow writes to the Shopify order. */
export interface ShopifyOrderActivities {
  writeBackToShopify(input: WriteBackInput): Promise<void>;
  refundShopifyOrder(input: RefundInput): Promise<{ refundId: string }>;
  fulfilShopifyOrder(input: FulfilInput): Promise<{ fulfillmentId: string }>;
}

/** The per-order email (ALERT_MODE=per_order, and privacy notices); runs on the rate-limited email queue. */
export interface EmailActivities {
  sendOrderIssueEmail(input: OrderIssueEmailInput): Promise<{ emailId: string }>;
}

/** The Vinoshipper-number alias of an order (domain/workflow-ids.ts), kept with the worker's own Temporal client. */
export interface OrderAliasActivities {
  /** Starts the alias workflow (memo: the order's workflow id); an alias already running is fine. */
  registerVinoshipperOrderAlias(input: { vinoshipperOrderNumber: string; orderWorkflowId: string }): Promise<void>;
  /** Ends the alias when the order finishes; one already gone is fine. */
  releaseVinoshipperOrderAlias(input: { vinoshipperOrderNumber: string }): Promise<void>;
}
