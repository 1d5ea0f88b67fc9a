// Kept for orders numbered before Vinoshipper numbers carried the Shopify order id (`CH-1001`; new
// numbers lead webhooks to their order by themselves, domain/workflow-ids.ts).
// The Vinoshipper-number alias of an order workflow: it holds nothing but its own id
// (`vinoshipper-order:<shop>:<number>`) and a memo naming the order's workflow, so the API can route
// a Vinoshipper webhook to its order with one `describe` — strongly consistent, unlike a visibility
// query, and so never missing the first webhook after submission. It is started with a start delay
// longer than any order lives and terminated when its order finishes (activities/order-alias.ts),
// so this code normally never runs: no workflow task, no timer, no activity. An alias whose order
// outlived the delay completes here; its memo still routes webhooks.
export async function vinoshipperOrderAliasWorkflow(): Promise<void> {}
