// What the order workflow knows about its order, and how it shows it: the `status` query, the
// search attributes the Web UI and the console filter on, and the Markdown "current details".
// Deterministic and free of personal data: only order name, status, issue type, SKUs and
// Vinoshipper's messages.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ISSUE_WORDING,
  IssueCauseKey,
  IssueTypeKey,
  OrderStatusKey,
  VinoshipperOrderNumberKey,
  type CarriedOrderState,
  type Closing,
  type ComplianceEvent,
  type IssueType,
  type OpenIssue,
  type OrderStatus,
  type OrderStatusView,
  type SkipState,
  type TimelineEntry,
  type UnconfirmedRefund,
} from '../../domain';

const TIMELINE_LIMIT = 200;

type RecordState = Omit<CarriedOrderState, 'requests'>;

/** Everything a continued-as-new run needs; the compiler checks it against CarriedOrderState. */
const CARRIED = [
  'status',
  'phase',
  'vinoshipperOrderNumber',
  'submittedFingerprint',
  'writtenBack',
  'putAttempted',
  'aliasStarted',
  'refunded',
  'refundAttempts',
  'refundUnconfirmed',
  'closing',
  'skip',
  'syncEnabled',
  'paymentWaitSince',
  'quietLooks',
  'issue',
  'issueOccurrences',
  'reminderSentAt',
  'acknowledgedProblem',
  'autoRefundedOccurrence',
  'noticesSent',
  'complianceEvents',
  'timeline',
] as const satisfies readonly (keyof RecordState)[];
type MissingFromCarried = Exclude<keyof RecordState, (typeof CARRIED)[number]>;
const allCarried: MissingFromCarried extends never ? true : MissingFromCarried = true;
void allCarried;

export class OrderRecord implements RecordState {
  status: OrderStatus = 'syncing';
  phase: CarriedOrderState['phase'] = 'submit';
  vinoshipperOrderNumber: string | null = null;
  submittedFingerprint: string | null = null;
  writtenBack = false;
  putAttempted = false;
  aliasStarted = false;
  refunded = false;
  refundAttempts = 0;
  refundUnconfirmed: UnconfirmedRefund | null = null;
  closing: Closing | null = null;
  skip: SkipState | null = null;
  syncEnabled = true;
  paymentWaitSince: number | null = null;
  quietLooks = 0;
  issue: OpenIssue | null = null;
  issueOccurrences = 0;
  reminderSentAt: number | null = null;
  /** `cause:details` of a problem a person marked resolved: not raised again while it reads the same. */
  acknowledgedProblem: string | null = null;
  /** Issue occurrence the automatic refund was already tried for. */
  autoRefundedOccurrence: number | null = null;
  noticesSent: string[] = [];
  complianceEvents: ComplianceEvent[] = [];
  timeline: TimelineEntry[] = [];

  /** Search-attribute changes not yet sent: one upsert per step, not one per change. */
  private readonly unsentAttributes = new Map<string, SearchAttributeUpdatePair>();

  constructor(
    readonly shopDomain: string,
    readonly shopifyOrderId: string,
    readonly shopifyOrderName: string,
    carried?: CarriedOrderState,
  ) {
    if (carried) {
      const { requests: _requests, ...record } = carried;
      Object.assign(this, record);
    }
  }

  note(event: string, message: string): void {
    this.timeline.push({ at: new Date().toISOString(), event, message });
    // Long-lived orders keep the start of their story and its latest part.
    if (this.timeline.length > TIMELINE_LIMIT) this.timeline.splice(10, this.timeline.length - TIMELINE_LIMIT);
  }

  setStatus(status: OrderStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.attribute({ key: OrderStatusKey, value: status });
    this.showDetails();
  }

  setVinoshipperOrderNumber(orderNumber: string): void {
    if (orderNumber === this.vinoshipperOrderNumber) return;
    this.vinoshipperOrderNumber = orderNumber;
    this.attribute({ key: VinoshipperOrderNumberKey, value: orderNumber });
  }

  /**
   * Opens an issue, or refreshes the details of the one already open. Returns true when this is a
   * new issue — a new type or a new cause (another SKU) — so the caller tells the merchant once per
   * new issue, never once per re-check.
   */
  openIssue(type: IssueType, details: string, cause: string, idScanUrl: string | null = null): boolean {
    const isNew = this.issue?.type !== type || this.issue.cause !== cause;
    if (isNew) {
      this.issueOccurrences += 1;
      this.issue = { type, details, cause, steps: ISSUE_WORDING[type].steps, since: new Date().toISOString(), occurrence: this.issueOccurrences, idScanUrl };
      this.reminderSentAt = null;
      this.note('issue_raised', `${ISSUE_WORDING[type].title}: ${details}`);
      this.attribute({ key: IssueTypeKey, value: type });
      this.attribute({ key: IssueCauseKey, value: cause });
    } else if (this.issue && (this.issue.details !== details || this.issue.idScanUrl !== idScanUrl)) {
      this.issue = { ...this.issue, details, idScanUrl };
      this.note('issue_updated', details);
    } else {
      return false; // the same problem, seen again: nothing to write
    }
    this.setStatus('needs_attention');
    this.showDetails();
    return isNew;
  }

  /** Clears the open issue (if any) with a reason for the timeline; the caller sets the next status. */
  closeIssue(reason: string): void {
    if (!this.issue) return;
    this.note('issue_resolved', `${ISSUE_WORDING[this.issue.type].title}: ${reason}`);
    this.issue = null;
    this.reminderSentAt = null;
    this.attribute({ key: IssueTypeKey, value: null });
    this.attribute({ key: IssueCauseKey, value: null });
    this.showDetails();
  }

  /** Sends the search-attribute changes gathered since the last call, as one upsert. */
  flushAttributes(): void {
    if (!this.unsentAttributes.size) return;
    upsertSearchAttributes([...this.unsentAttributes.values()]);
    this.unsentAttributes.clear();
  }

  private attribute(pair: SearchAttributeUpdatePair): void {
    this.unsentAttributes.set(pair.key.name, pair);
  }

  view(): OrderStatusView {
    return {
      status: this.status,
      shopDomain: this.shopDomain,
      shopifyOrderId: this.shopifyOrderId,
      shopifyOrderName: this.shopifyOrderName,
      vinoshipperOrderNumber: this.vinoshipperOrderNumber,
      issue: this.issue,
      complianceEvents: this.complianceEvents,
      refunded: this.refunded,
      timeline: this.timeline,
    };
  }

  carry(): RecordState {
    return Object.fromEntries(CARRIED.map((key) => [key, this[key]])) as unknown as RecordState;
  }

  /** The Web UI's "current details": the story at a glance, readable without the codec. */
  showDetails(): void {
    const lines = [`**Status:** \`${this.status}\``];
    if (this.vinoshipperOrderNumber) lines.push(`**Vinoshipper order:** ${this.vinoshipperOrderNumber}`);
    if (this.skip) lines.push(`**Not synced:** ${this.skip.reason}${this.skip.final ? '' : ' (resumes when that changes)'}`);
    if (this.closing) lines.push(`**Closing:** ${this.closing.outcome} — ${this.closing.reason}; Vinoshipper copy ${this.closing.vinoshipper}`);
    if (this.issue) {
      const wording = ISSUE_WORDING[this.issue.type];
      lines.push('', `### ${wording.title}`, `_${wording.scenario}_ · issue \`${this.issue.type}\` since ${this.issue.since}`, '', this.issue.details);
      if (this.issue.idScanUrl) lines.push('', `ID upload link for the customer: ${this.issue.idScanUrl}`);
      lines.push('', '**What to do**', ...this.issue.steps.map((s, i) => `${i + 1}. ${s}`));
      lines.push('', 'Signals: `retry`, `refund {"reason"}`, `cancel {"reason"}`, `markResolved {"note"}`.');
    }
    const compliance = this.complianceEvents[this.complianceEvents.length - 1];
    if (compliance) {
      lines.push('', '### Compliance event', `${compliance.at} · destination ${compliance.destinationState ?? 'unknown'}`);
      lines.push(...compliance.problems.map((p) => `- ${p.code ? `\`${p.code}\` ` : ''}${p.message}`));
    }
    setCurrentDetails(lines.join('\n'));
  }
}
