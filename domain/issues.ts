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
};
