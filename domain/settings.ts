// Per-order behaviour the starter hands to the workflow (from configuration and the shop's
// settings), so the workflow itself stays deterministic and a running order keeps the settings it
// started with.
import type { AlertMode } from './alerts';

/** What to do with an order whose payment is only authorized (manual capture). */
export type AuthorizedPaymentPolicy = 'wait' | 'send';

export interface OrderSettings {
  /** Prepended to Shopify's order number: Vinoshipper order numbers are unique across all of Vinoshipper. */
  vinoshipperOrderPrefix: string;
  /** Orders carrying this Shopify tag are not synced (status `skipped`) until the tag is removed. */
  excludeTag: string;
  /** The shop's sync switch when the order arrived (off: `skipped` until it is turned back on). */
  syncEnabled: boolean;
  /**
   * Orders created before this time (ISO) are never sent: they were placed before cellarhand was
   * installed (or before the configured cut-off), and an edit of one must not ship it now. null: no cut-off.
   */
  ordersCreatedAfter: string | null;
  /** `authorized` (manual capture): wait for the capture, or send as some wineries capture at shipment. */
  authorizedPayments: AuthorizedPaymentPolicy;
  /** An order still waiting for payment this long raises a `payment_pending` issue (no silent forever-wait). */
  paymentReminderAfterMs: number;
  /** Name of the order note attribute that carries the customer's date of birth (from the age gate). */
  dateOfBirthAttribute: string;
  /**
   * The safety-net re-read of a Vinoshipper order, and the re-check of an open issue, while nothing
   * happens: each quiet look waits for the next step, the last repeats; any event starts again at
   * the first. Webhooks carry the news; these only catch what they missed.
   */
  recheckBackoffMs: number[];
  /** First retry after Vinoshipper stayed unreachable through the activity's own retries (then backs off, at most hourly). */
  unreachableRetryIntervalMs: number;
  /** An open issue gets a reminder after this long. */
  reminderAfterMs: number;
  /** compliance_failed only: refund automatically this long after the reminder, when enabled. */
  autoRefundEnabled: boolean;
  autoRefundAfterMs: number;
  /** A skipped order (sync off, skip tag) waits this long to be resumed, then ends as skipped. */
  skippedResumeWindowMs: number;
  /** `grouped`: one email per cause (the shop's alert digest); `per_order`: one email per order and alert. */
  alertMode: AlertMode;
  /** Activities of each rate-limited system run on their own task queue (one budget for the deployment). */
  taskQueues: { vinoshipper: string; email: string };
  /** Continue as new past this many history events (Temporal also suggests it by itself); tests set it low. */
  maxHistoryEvents?: number;
}

/**
 * The task queues of the rate-limited systems, beside the deployment's own (TEMPORAL_TASK_QUEUE):
 * each has a server-side budget shared by every worker. Config names them for the order workflow;
 * the shop-level workflows (digests, catalogue check, privacy) derive them from the queue they run on.
 */
export function rateLimitedTaskQueues(taskQueue: string): OrderSettings['taskQueues'] {
  return { vinoshipper: `${taskQueue}-vinoshipper`, email: `${taskQueue}-email` };
}
