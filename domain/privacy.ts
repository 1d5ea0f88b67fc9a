// Shopify's mandatory privacy topics (customers/redact, shop/redact, customers/data_request): what
// the API hands to the privacy workflows, what those workflows ask of their activities, and what
// they show. Ids only: a customer's email or phone never enters a workflow, an id, a search
// attribute, a log line or an email subject (the API drops them from the payload).
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const DAY_MS = 86_400_000;

/** Shopify: act on a privacy request within 30 days of receiving it. */
export const PRIVACY_DEADLINE_MS = 30 * DAY_MS;

/** How the redaction workflow paces itself; the API uses the defaults, tests shorten them. */
export interface PrivacyTiming {
  /** A still-running order workflow is checked again this often (and at once on `recheck`). */
  recheckIntervalMs: number;
  /** If anything is still running this long after the request, the merchant is alerted (once). */
  alertAfterMs: number;
  /** Shopify's deadline, counted from the request; named in the alert. */
  deadlineMs: number;
}

export const DEFAULT_PRIVACY_TIMING: PrivacyTiming = {
  recheckIntervalMs: DAY_MS,
  // Five days before Shopify's deadline: time enough to finish or cancel the orders by hand.
  alertAfterMs: 25 * DAY_MS,
  deadlineMs: PRIVACY_DEADLINE_MS,
};

export type RedactionKind = 'customers_redact' | 'shop_redact';
export type PrivacyRequestKind = RedactionKind | 'customers_data_request';

/** A verified, validated privacy webhook, stripped to ids (what the API hands to Temporal). */
export type PrivacyRequest =
  | { kind: 'customers_redact'; shopDomain: string; customerId: string; orderIds: string[]; receivedAt: string }
  | { kind: 'shop_redact'; shopDomain: string; receivedAt: string }
  | { kind: 'customers_data_request'; shopDomain: string; customerId: string; dataRequestId: string; orderIds: string[]; receivedAt: string };

export interface RedactionInput {
  kind: RedactionKind;
  shopDomain: string;
  /** Shopify customer id (customers/redact only). */
  customerId: string | null;
  /** Shopify order ids to erase (customers/redact: `orders_to_redact`); shop/redact erases everything. */
  orderIds: string[];
  /** When the API received the request (ISO): Shopify's 30 days count from here. */
  receivedAt: string;
  timing?: Partial<PrivacyTiming>;
  /** Present when the workflow continued as new. */
  carried?: RedactionState;
}

export interface DataRequestInput {
  shopDomain: string;
  customerId: string;
  /** Shopify's `data_request.id`. */
  dataRequestId: string;
  /** `orders_requested`: the customer's orders as Shopify knows them. */
  orderIds: string[];
  receivedAt: string;
}

/** What a redaction has done so far: order or workflow ids and counts, nothing personal. */
export interface RedactionState {
  /** customers/redact: order ids still to look at (running ones wait here for the next check). */
  pendingOrderIds: string[];
  /** Order ids whose workflows were deleted (customers/redact). */
  erasedOrderIds: string[];
  /** Order ids cellarhand never held, or whose history Temporal had already removed. */
  notHeldOrderIds: string[];
  /** Workflow ids that still run and so cannot be erased yet. */
  running: string[];
  /** Closed workflow executions (runs) deleted, all checks together. */
  runsDeleted: number;
  checks: number;
  lastCheckAt: string | null;
  alertedAt: string | null;
}

export interface RedactionStatusView extends RedactionState {
  kind: RedactionKind;
  shopDomain: string;
  customerId: string | null;
  receivedAt: string;
  /** Shopify's deadline for this request. */
  deadline: string;
  done: boolean;
}

export interface DataRequestOutcome {
  held: HeldOrder[];
  notHeldOrderIds: string[];
  emailId: string | null;
}

/** An order cellarhand holds, as its visibility record shows it (no personal data). */
export interface HeldOrder {
  shopifyOrderId: string;
  shopifyOrderName: string | null;
  status: string | null;
  running: boolean;
  workflowId: string;
}

/** customers/redact again while one runs for the same customer: more orders to erase. */
export const redactOrdersSignal = defineSignal<[{ orderIds: string[] }]>('redactOrders');
/** Check the still-running order workflows again now (e.g. after cancelling them by hand). */
export const recheckSignal = defineSignal<[]>('recheck');
export const redactionStatusQuery = defineQuery<RedactionStatusView>('status');

/**
 * Idempotent ids: Shopify's retries of one request address the same workflow. A customer or a shop
 * is named by id, never by email.
 */
export function privacyWorkflowId(kind: PrivacyRequestKind, shopDomain: string, subjectId: string | null): string {
  return subjectId === null ? `privacy:${kind}:${shopDomain}` : `privacy:${kind}:${shopDomain}:${subjectId}`;
}

export const REDACTION_WORKFLOW_TYPE = 'redactionWorkflow';
export const DATA_REQUEST_WORKFLOW_TYPE = 'customerDataRequestWorkflow';

// ---- the activity contract ----

export interface EraseOrdersResult {
  erased: string[];
  notHeld: string[];
  /** Order ids whose workflow still runs. */
  running: string[];
  runsDeleted: number;
}

export interface EraseShopResult {
  /** Workflows (all their closed runs) deleted in this pass. */
  erasedWorkflows: number;
  runsDeleted: number;
  /** Workflow ids of this shop that still run (this redaction itself excluded). */
  running: string[];
}

export type PrivacyEmailInput =
  | {
      kind: 'data_request';
      dataRequestId: string;
      customerId: string;
      held: HeldOrder[];
      notHeldOrderIds: string[];
      receivedAt: string;
      workflowId: string;
      idempotencyKey: string;
    }
  | {
      kind: 'redaction_pending';
      requestKind: RedactionKind;
      customerId: string | null;
      /** Workflow ids still running. */
      running: string[];
      receivedAt: string;
      deadline: string;
      workflowId: string;
      idempotencyKey: string;
    };

export interface PrivacyActivities {
  eraseOrderWorkflows(input: { shopDomain: string; orderIds: string[] }): Promise<EraseOrdersResult>;
  eraseShopWorkflows(input: { shopDomain: string; exceptWorkflowId: string }): Promise<EraseShopResult>;
  findHeldOrders(input: { shopDomain: string; orderIds: string[] }): Promise<{ held: HeldOrder[]; notHeld: string[] }>;
  sendPrivacyEmail(input: PrivacyEmailInput): Promise<{ emailId: string }>;
}
