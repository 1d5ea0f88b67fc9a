/**
 * One workflow per Shopify order, named after the shop and the order id: a duplicate or retried
 * webhook addresses the same workflow and can never start a second one.
 */
export function orderWorkflowId(shopDomain: string, shopifyOrderId: string): string {
  return `order:${shopDomain}:${shopifyOrderId}`;
}

export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';

/**
 * The Vinoshipper order number cellarhand gives an order: the shop's prefix, the Shopify order
 * number people know (1001), and the Shopify order id — `CH-1001-5000000001`. Vinoshipper's webhooks
 * name only this number, so the id in it leads straight to the order's workflow: no lookup, nothing
 * to register, and the first webhook after submission finds its order.
 */
export function vinoshipperOrderNumberFor(prefix: string, order: { orderNumber: number; shopifyOrderId: string }): string {
  return `${prefix}${order.orderNumber}-${order.shopifyOrderId}`;
}

/** The Shopify order id in a number made by vinoshipperOrderNumberFor with this prefix; null for any other number. */
export function shopifyOrderIdInVinoshipperNumber(prefix: string, vinoshipperOrderNumber: string): string | null {
  if (!vinoshipperOrderNumber.startsWith(prefix)) return null;
  return /^\d{1,19}-(\d{1,20})$/.exec(vinoshipperOrderNumber.slice(prefix.length))?.[1] ?? null;
}

/**
 * Orders started before their numbers carried the Shopify order id (`CH-1001`;
 * OrderWorkflowInput.vinoshipperNumberScheme absent) registered an alias at their first PUT: a tiny workflow under
 * this id whose memo names the order's workflow, found by id — strongly consistent, no visibility query.
 */
export function vinoshipperOrderAliasId(shopDomain: string, vinoshipperOrderNumber: string): string {
  return `vinoshipper-order:${shopDomain}:${vinoshipperOrderNumber}`;
}

export const VINOSHIPPER_ORDER_ALIAS_WORKFLOW_TYPE = 'vinoshipperOrderAliasWorkflow';

/** Vinoshipper order numbers we make: prefix, letters, digits and dashes (the webhook identifier is checked against it). */
export const VINOSHIPPER_ORDER_NUMBER_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
