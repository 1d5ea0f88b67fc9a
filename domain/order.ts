// The order's vocabulary, shared by the API, the activities and the workflow.
// Plain types only: this folder is bundled into the workflow sandbox, so no I/O, no zod, no Node APIs.

/** Search-attribute values people filter on in the Web UI: keep these strings stable. */
export const ORDER_STATUSES = [
  'syncing', // received, not yet in Vinoshipper
  'submitted', // in Vinoshipper, not yet accepted
  'accepted',
  'fulfilled',
  'needs_attention',
  'refunded',
  'cancelled',
  'skipped', // sync turned off for this order
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ISSUE_TYPES = [
  // Scenario 1: the order never reached Vinoshipper
  'product_missing',
  'inventory_unavailable',
  'vinoshipper_unreachable',
  // Scenario 2: the order is in Vinoshipper but flagged
  'customer_verification_failed',
  'invalid_address',
  'order_item_issue',
  // Scenario 3: compliance failed after purchase
  'compliance_failed',
  // Shopify cancelled an order Vinoshipper had already shipped (or not yet accepted): a person must handle it.
  'cancellation_failed',
  // Someone deleted the order in Vinoshipper: never re-created behind their back.
  'vinoshipper_order_missing',
  // Waiting for payment longer than the configured time: no silent forever-wait.
  'payment_pending',
  // A refund Shopify did not confirm (every attempt failed without a refusal): the order holds until it does.
  'refund_unconfirmed',
] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];

export interface OrderAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface OrderLineItem {
  /** Shopify line item id, as a string. */
  id: string;
  sku: string | null;
  title: string;
  quantity: number;
  /** Unit price as Shopify sends it, a decimal string. */
  price: string;
}

/**
 * What cellarhand keeps of a Shopify order: the fields the Vinoshipper sync needs, nothing else.
 * It holds personal data (names, email, addresses, date of birth in a note attribute), so it only
 * travels inside encoded payloads, never in search attributes, summaries or details.
 */
export interface OrderSnapshot {
  shopifyOrderId: string;
  /** "#1001" */
  name: string;
  /** 1001 */
  orderNumber: number;
  createdAt: string;
  /** When the order was placed (an imported order's original date); null when Shopify did not say. */
  processedAt: string | null;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  email: string | null;
  phone: string | null;
  customer: { firstName: string | null; lastName: string | null } | null;
  shippingAddress: OrderAddress | null;
  billingAddress: OrderAddress | null;
  lineItems: OrderLineItem[];
  noteAttributes: { name: string; value: string }[];
  tags: string[];
  currency: string;
  totalPrice: string;
  subtotalPrice: string;
  totalTax: string;
  totalShipping: string;
}

/** A problem Vinoshipper reports on an order, already classified into our vocabulary. */
export interface OrderProblem {
  issueType: IssueType;
  /** Vinoshipper's own code/type, kept verbatim for the compliance event and the merchant. */
  code: string | null;
  message: string;
}

/** Where a Vinoshipper order stands, as the workflow needs to know it. */
export type VinoshipperOrderState = 'pending' | 'accepted' | 'shipped' | 'cancelled';

export interface VinoshipperOrderView {
  orderNumber: string;
  state: VinoshipperOrderState;
  problems: OrderProblem[];
  isCompliant: boolean | null;
  /** ID-upload link Vinoshipper gives when age/identity verification failed. */
  idScanUrl: string | null;
  trackingNumbers: string[];
  carrier: string | null;
  shipToStateCode: string | null;
}
