// How each issue type reads to a merchant: the words of the order-issue email, the status query
// and the Web UI's current details. Taken from the seed's "What to do" lists.
import type { IssueType } from './order';

export interface IssueWording {
  scenario: string;
  title: string;
  steps: string[];
}

export const ISSUE_WORDING: Record<IssueType, IssueWording> = {
  product_missing: {
    scenario: 'Scenario 1: order created in Shopify but no Vinoshipper order',
    title: 'A product on this order does not exist in Vinoshipper',
    steps: [
      'Open the order in Shopify and review the product details (SKU).',
      'Confirm the product exists in Vinoshipper with exactly the same SKU.',
      'Correct the SKU in Shopify or add the product in Vinoshipper: cellarhand will sync again automatically.',
    ],
  },
  inventory_unavailable: {
    scenario: 'Scenario 1: order created in Shopify but no Vinoshipper order',
    title: 'Inventory is unavailable in Vinoshipper',
    steps: [
      'Open the order in Shopify and review the quantities.',
      'Confirm the product has enough inventory in Vinoshipper.',
      'Add inventory in Vinoshipper or correct the order in Shopify: cellarhand will sync again automatically.',
    ],
  },
  vinoshipper_unreachable: {
    scenario: 'Scenario 1: order created in Shopify but no Vinoshipper order',
    title: 'Vinoshipper could not be reached',
    steps: [
      'Nothing to do yet: cellarhand keeps retrying on its own.',
      'If this lasts, check Vinoshipper’s status and that the API key and secret are still valid.',
    ],
  },
  customer_verification_failed: {
    scenario: 'Scenario 2: Vinoshipper order exists but has issues',
    title: 'Customer verification failed',
    steps: [
      'Vinoshipper could not verify the customer’s name, date of birth or address.',
      'Update the customer details in Vinoshipper (or have the customer upload an ID through the link, if given).',
      'Send “retry” to resend the order; an approval in Vinoshipper also resolves it.',
    ],
  },
  invalid_address: {
    scenario: 'Scenario 2: Vinoshipper order exists but has issues',
    title: 'Invalid customer address',
    steps: ['Contact the customer to confirm the shipping address.', 'Update the address on the order in Shopify: cellarhand will resend it automatically.'],
  },
  order_item_issue: {
    scenario: 'Scenario 2: Vinoshipper order exists but has issues',
    title: 'Order item issue',
    steps: [
      'Check the products on the order in Vinoshipper (missing inventory or incorrect product details).',
      'Correct the order in Shopify (it resends automatically), or fix it in Vinoshipper and send “retry”.',
    ],
  },
  compliance_failed: {
    scenario: 'Scenario 3: compliance check failed post-purchase',
    title: 'Compliance check failed after purchase',
    steps: [
      'Review the compliance event details on the order.',
      'Contact the customer to inform them of the issue.',
      'Refund the order if it cannot be fulfilled (“refund”), or correct it in Shopify (e.g. a ship-to address in a permitted state) and it will be resent.',
    ],
  },
  cancellation_failed: {
    scenario: 'Cancellation after shipment',
    title: 'The order was cancelled in Shopify but Vinoshipper has already shipped it',
    steps: [
      'Vinoshipper cannot cancel an order once it has shipped or gone to fulfilment.',
      'Contact Vinoshipper customer service and the customer about a return.',
      'When it is handled, send “markResolved” with a note (or “refund” if the customer is owed one).',
    ],
  },
  vinoshipper_order_missing: {
    scenario: 'Scenario 2: Vinoshipper order exists but has issues',
    title: 'The order was deleted in Vinoshipper',
    steps: [
      'Someone deleted this order in Vinoshipper; cellarhand will not create it again by itself.',
      'If it was deleted by mistake, send “retry” to submit it again.',
      'If it should not ship, refund or cancel the order (“refund” or “cancel”).',
    ],
  },
  payment_pending: {
    scenario: 'Before Scenario 1: the order is not paid yet',
    title: 'The order is still waiting for payment',
    steps: [
      'Vinoshipper is told orders are paid, so cellarhand sends this order only once Shopify reports it paid.',
      'Capture or record the payment in Shopify: the order is sent at once.',
      'If the customer will not pay, cancel the order in Shopify.',
    ],
  },
  refund_unconfirmed: {
    scenario: 'Refund (money safety)',
    title: 'Shopify has not confirmed a refund',
    steps: [
      'A refund was asked for, but Shopify did not answer: it may or may not have been made.',
      'Meanwhile nothing is sent to Vinoshipper or fulfilled. cellarhand asks Shopify again with the same refund (never a second one) and closes the order as refunded once Shopify confirms it.',
      'Send “retry” to ask Shopify now. If this lasts, check Shopify’s status and the app’s access to the store.',
    ],
  },
};

/**
 * What several stuck orders have in common: the issue type plus its key detail (the SKU, the
 * destination state, outage or credentials). The console groups its inbox by it and the merchant
 * alerts are grouped by it. SKUs and state codes only: never personal data (it is a search attribute).
 */
export function issueCause(type: IssueType, key?: string | null): string {
  return key ? `${type}:${key}` : type;
}

export function parseIssueCause(cause: string): { type: IssueType; key: string | null } {
  const at = cause.indexOf(':');
  return at < 0 ? { type: cause as IssueType, key: null } : { type: cause.slice(0, at) as IssueType, key: cause.slice(at + 1) };
}

/** One line naming a cause for people, e.g. "SKU NOPE-3 is not in Vinoshipper". */
export function describeCause(cause: string): string {
  const { type, key } = parseIssueCause(cause);
  if (!key) return ISSUE_WORDING[type]?.title ?? type;
  switch (type) {
    case 'product_missing':
      return key.includes(',') ? `SKUs ${key.split(',').join(', ')} are not in Vinoshipper` : `SKU ${key} is not in Vinoshipper`;
    case 'inventory_unavailable':
      return `Not enough inventory in Vinoshipper for ${key.split(',').join(', ')}`;
    case 'compliance_failed':
      return `Compliance check failed for shipments to ${key}`;
    case 'vinoshipper_unreachable':
      return key === 'credentials' ? 'Vinoshipper refuses cellarhand’s credentials' : 'Vinoshipper could not be reached';
    default:
      return `${ISSUE_WORDING[type]?.title ?? type} (${key})`;
  }
}

/** Problems a person may accept as they are (`markResolved`): Vinoshipper's flags on an existing order. */
export const ACKNOWLEDGEABLE_ISSUES: IssueType[] = ['customer_verification_failed', 'invalid_address', 'order_item_issue', 'compliance_failed'];
