/**
 * One workflow per Shopify order, named after the shop and the order id: a duplicate or retried
 * webhook addresses the same workflow and can never start a second one.
 */
export function orderWorkflowId(shopDomain: string, shopifyOrderId: string): string {
  return `order:${shopDomain}:${shopifyOrderId}`;
}

export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';

/**
 * Vinoshipper's webhooks name only its order number. At its first submission the order workflow
 * starts a tiny alias workflow under this id (memo: the order's workflow id), so a webhook finds its
 * order by id — strongly consistent, no visibility query, even right after submission.
 */
export function vinoshipperOrderAliasId(shopDomain: string, vinoshipperOrderNumber: string): string {
  return `vinoshipper-order:${shopDomain}:${vinoshipperOrderNumber}`;
}

export const VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE = 'vinoshipperOrderAliasWorkflow';

/** Vinoshipper order numbers we make: prefix, letters, digits and dashes (the webhook identifier is checked against it). */
export const VINOSHIPPER_ORDER_NUMBER_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
