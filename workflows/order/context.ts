// One order in flight: its settings, what is known (the record), what was asked (the requests), the
// newest Shopify snapshot, its activities, and the two things every step does — raise an issue and
// tell the merchant. The steps (submission, watching, closing, escalation) take this context.
import { workflowInfo } from '@temporalio/workflow';
import {
  ISSUE_WORDING,
  issueCause,
  type AlertKind,
  type IssueType,
  type OrderOutcome,
  type OrderSettings,
  type OrderSnapshot,
  type OrderWorkflowInput,
  vinoshipperOrderNumberFor,
} from '../../domain';
import { orderActivities, type OrderActivityProxies } from './activities';
import { failureMessage } from '../failures';
import { OrderRecord } from './record';
import { Requests } from './requests';
import { fullFingerprint, relevantFingerprint } from './snapshot';

export class OrderContext {
  readonly settings: OrderSettings;
  readonly shopDomain: string;
  readonly workflowId = workflowInfo().workflowId;
  readonly record: OrderRecord;
  readonly requests: Requests;
  readonly activities: OrderActivityProxies;
  snapshot: OrderSnapshot;

  constructor(readonly input: OrderWorkflowInput) {
    this.settings = input.settings;
    this.shopDomain = input.shopDomain;
    this.snapshot = input.snapshot;
    this.record = new OrderRecord(input.shopDomain, input.snapshot.shopifyOrderId, input.snapshot.name, input.carried);
    if (!input.carried) this.record.syncEnabled = input.settings.syncEnabled;
    this.requests = new Requests(this.record, input.carried?.requests);
    this.activities = orderActivities(input.settings);
  }

  /** The Vinoshipper order number: the one Vinoshipper confirmed, else the one we will use. */
  get vinoshipperOrderNumber(): string {
    if (this.record.vinoshipperOrderNumber) return this.record.vinoshipperOrderNumber;
    const prefix = this.settings.vinoshipperOrderPrefix;
    return this.numberNamesOrderId ? vinoshipperOrderNumberFor(prefix, this.snapshot) : `${prefix}${this.snapshot.orderNumber}`;
  }

  /** The number carries the Shopify order id, so webhooks need no alias (OrderWorkflowInput.vinoshipperNumberScheme). */
  get numberNamesOrderId(): boolean {
    return this.input.vinoshipperNumberScheme === 'number-and-id';
  }

  /**
   * A Shopify order update (webhook or reconciliation). Older than what we have: noted and ignored.
   * The same change delivered twice: ignored. Otherwise kept; it is news only if it changes
   * something the order acts on (what Vinoshipper sees, payment, cancellation, fulfilment, tags) —
   * the echo of our own write-back is not.
   */
  receiveSnapshot(update: OrderSnapshot): void {
    const current = this.snapshot;
    if (Date.parse(update.updatedAt) < Date.parse(current.updatedAt)) {
      this.record.note('stale_update_ignored', `Ignored a Shopify update from ${update.updatedAt}: we already have ${current.updatedAt}.`);
      return;
    }
    const [relevantNow, relevantBefore] = [relevantFingerprint(update), relevantFingerprint(current)];
    // A duplicate delivery, or only our own tag/metafield echo.
    if (fullFingerprint(update, relevantNow) === fullFingerprint(current, relevantBefore)) return;
    this.snapshot = update;
    const tagsOnly =
      relevantNow === relevantBefore &&
      update.financialStatus === current.financialStatus &&
      update.cancelledAt === current.cancelledAt &&
      update.fulfillmentStatus === current.fulfillmentStatus &&
      update.tags.includes(this.settings.excludeTag) === current.tags.includes(this.settings.excludeTag);
    if (tagsOnly) return;
    if (relevantNow !== relevantBefore) this.record.note('order_updated', 'The order was updated in Shopify.');
    if (update.financialStatus !== current.financialStatus) {
      this.record.note('payment_changed', `Shopify reports the payment ${update.financialStatus ?? 'unknown'} (was ${current.financialStatus ?? 'unknown'}).`);
    }
    this.requests.pending.shopifyNews = true;
  }

  /** Shows an issue and tells the merchant once per new issue (and never for a problem a person accepted as is). */
  async raiseIssue(type: IssueType, details: string, opts: { causeKey?: string | null; idScanUrl?: string | null } = {}): Promise<void> {
    const cause = issueCause(type, opts.causeKey);
    if (this.record.acknowledgedProblem === `${cause}:${details}`) return;
    const idScanUrl = opts.idScanUrl ?? null;
    if (this.record.openIssue(type, details, cause, idScanUrl)) {
      this.record.quietLooks = 0;
      const steps = idScanUrl ? [...ISSUE_WORDING[type].steps, `ID upload link for the customer: ${idScanUrl}`] : ISSUE_WORDING[type].steps;
      await this.tellMerchant('issue', ISSUE_WORDING[type].title, details, steps, `issue/${this.record.issueOccurrences}`, cause);
    }
  }

  /** A notice that is not an issue (nothing to filter on), sent at most once per order and key. */
  async noticeOnce(key: string, subjectLine: string, details: string, steps: string[]): Promise<void> {
    if (this.record.noticesSent.includes(key)) return;
    this.record.noticesSent.push(key);
    await this.tellMerchant('notice', subjectLine, details, steps, `notice/${key}`, `notice:${key}`);
  }

  /**
   * One email per order and alert (ALERT_MODE=per_order), or the alert handed to the shop's digest,
   * which tells the merchant once per cause (grouped). A lost alert never stops the order: the issue
   * stays visible in the console, the Web UI and the ops API.
   */
  async tellMerchant(kind: AlertKind, subjectLine: string, details: string, steps: string[], key: string, cause: string): Promise<void> {
    const { snapshot, workflowId } = this;
    this.record.flushAttributes();
    try {
      if (this.settings.alertMode === 'grouped') {
        await this.activities.alerts.queueMerchantAlert({
          kind,
          cause,
          issueType: this.record.issue?.type ?? null,
          shopifyOrderId: snapshot.shopifyOrderId,
          shopifyOrderName: snapshot.name,
          orderWorkflowId: workflowId,
          subjectLine,
          details,
          steps,
          key: `${workflowId}/${key}`,
          raisedAt: new Date().toISOString(),
        });
        this.record.note('alert_queued', `Alert for the merchant queued (${subjectLine}); grouped with other orders of the same cause.`);
      } else {
        await this.activities.email.sendOrderIssueEmail({
          kind,
          shopifyOrderId: snapshot.shopifyOrderId,
          shopifyOrderName: snapshot.name,
          issueType: this.record.issue?.type ?? null,
          subjectLine,
          details,
          steps,
          workflowId,
          idempotencyKey: `${workflowId}/${key}`,
        });
        this.record.note('email_sent', `Emailed the merchant: ${subjectLine}.`);
      }
    } catch (err) {
      this.record.note('email_failed', `Could not tell the merchant: ${failureMessage(err)}`);
    }
  }

  /** The order's work is over: show it, and say how it ended. */
  outcome(): OrderOutcome {
    this.record.flushAttributes();
    this.record.showDetails();
    return { status: this.record.status, vinoshipperOrderNumber: this.record.vinoshipperOrderNumber };
  }
}
