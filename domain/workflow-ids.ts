/**
 * One workflow per Shopify order, named after the shop and the order id: a duplicate or retried
 * webhook addresses the same workflow and can never start a second one.
 */
export function orderWorkflowId(shopDomain: string, shopifyOrderId: string): string {
  return `order:${shopDomain}:${shopifyOrderId}`;
}

export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';
