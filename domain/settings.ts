// Per-order behaviour the starter hands to the workflow (from configuration), so the workflow
// itself stays deterministic and a running order keeps the settings it started with.
import type { AlertMode } from './alerts';

export interface OrderSettings {
  /** Prepended to Shopify's order number: Vinoshipper order numbers are unique across all of Vinoshipper. */
  vinoshipperOrderPrefix: string;
  /** Orders carrying this Shopify tag are not synced (status `skipped`). */
  excludeTag: string;
  /** The global switch, e.g. off during a bulk import of historical orders. */
  syncEnabled: boolean;
  /** Name of the order note attribute that carries the customer's date of birth (from the age gate). */
  dateOfBirthAttribute: string;
  /** How often a submitted order is re-read from Vinoshipper when no webhook hint arrives. */
  vinoshipperPollIntervalMs: number;
  /** How often an open product/inventory/flagged issue is re-checked by itself. */
  issueRecheckIntervalMs: number;
  /** How often the workflow retries when Vinoshipper stayed unreachable after the activity's own retries. */
  unreachableRetryIntervalMs: number;
  /** An open issue gets a reminder email after this long. */
  reminderAfterMs: number;
  /** compliance_failed only: refund automatically this long after the reminder, when enabled. */
  autoRefundEnabled: boolean;
  autoRefundAfterMs: number;
  /**
   * `grouped`: alerts go to the shop's alert digest (one email per cause and window); `per_order`: one
   * email per order and alert. Absent in orders started before it existed: those keep `per_order`.
   */
  alertMode?: AlertMode;
}
