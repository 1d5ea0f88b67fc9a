// The Admin API access scopes cellarhand needs, and why: the same list as shopify.app.toml's
// [access_scopes] (a test keeps the two equal). A write scope includes its read scope.

export const REQUIRED_SCOPES = {
  /** Order webhooks and reconciliation read orders; the write-back adds a tag and a metafield; refunds. */
  write_orders: 'orders/* webhooks, reconciliation, the vinoshipper: tag and metafield, refunds',
  /** Marking the order fulfilled with Vinoshipper's tracking (orders shipped from the winery's own location). */
  write_merchant_managed_fulfillment_orders: 'fulfilments with tracking once Vinoshipper ships',
  /** The catalogue check reads the active products and their variants' SKUs. */
  read_products: 'the catalogue check: active products and their variants’ SKUs',
} as const;

export type RequiredScope = keyof typeof REQUIRED_SCOPES;

/** The required scopes `granted` does not cover (write_x covers read_x). */
export function missingScopes(granted: readonly string[], required: readonly string[] = Object.keys(REQUIRED_SCOPES)): string[] {
  const held = new Set(granted);
  return required.filter((scope) => !held.has(scope) && !(scope.startsWith('read_') && held.has(`write_${scope.slice('read_'.length)}`)));
}
