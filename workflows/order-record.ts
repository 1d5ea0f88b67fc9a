// What the order workflow knows about its order, and how it shows it: the `status` query, the
// search attributes the Web UI filters on, and the Markdown "current details". Deterministic and
// free of personal data: only order name, status, issue type, SKUs and Vinoshipper's messages.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  ISSUE_WORDING,
  IssueTypeKey,
  OrderStatusKey,
  VinoshipperOrderNumberKey,
  type CarriedOrderState,
  type ComplianceEvent,
  type IssueType,
  type OpenIssue,
  type OrderStatus,
  type OrderStatusView,
  type TimelineEntry,
} from '../domain';

const TIMELINE_LIMIT = 200;

/** Everything a continued-as-new run needs; the compiler checks it against CarriedOrderState. */
const CARRIED = [
  'status',
  'phase',
  'vinoshipperOrderNumber',
  'submittedFingerprint',
  'writtenBack',
  'issue',
  'issueOccurrences',
  'reminderSentAt',
  'acknowledgedProblem',
  'autoRefundedOccurrence',
  'noticesSent',
  'complianceEvents',
  'timeline',
] as const satisfies readonly (keyof CarriedOrderState)[];
type MissingFromCarried = Exclude<keyof CarriedOrderState, (typeof CARRIED)[number]>;
const allCarried: MissingFromCarried extends never ? true : MissingFromCarried = true;
void allCarried;

export class OrderRecord {
  status: OrderStatus = 'syncing';
  phase: CarriedOrderState['phase'] = 'submit';
  vinoshipperOrderNumber: string | null = null;
  submittedFingerprint: string | null = null;
  writtenBack = false;
  issue: OpenIssue | null = null;
  issueOccurrences = 0;
  reminderSentAt: number | null = null;
  /** `type:details` of a problem a person marked resolved: not raised again while it reads the same. */
  acknowledgedProblem: string | null = null;
  /** Issue occurrence the automatic refund was already tried for. */
  autoRefundedOccurrence: number | null = null;
  noticesSent: string[] = [];
  complianceEvents: ComplianceEvent[] = [];
  timeline: TimelineEntry[] = [];

  constructor(
    readonly shopDomain: string,
    readonly shopifyOrderId: string,
    readonly shopifyOrderName: string,
    carried?: CarriedOrderState,
  ) {
    if (carried) Object.assign(this, carried);
  }

  note(event: string, message: string): void {
    this.timeline.push({ at: new Date().toISOString(), event, message });
    // Long-lived orders keep the start of their story and its latest part.
    if (this.timeline.length > TIMELINE_LIMIT) this.timeline.splice(10, this.timeline.length - TIMELINE_LIMIT);
  }

  setStatus(status: OrderStatus): void {
    if (status === this.status) return;
    this.status = status;
    upsertSearchAttributes([{ key: OrderStatusKey, value: status }]);
    this.showDetails();
  }

  setVinoshipperOrderNumber(orderNumber: string): void {
    if (orderNumber === this.vinoshipperOrderNumber) return;
    this.vinoshipperOrderNumber = orderNumber;
    upsertSearchAttributes([{ key: VinoshipperOrderNumberKey, value: orderNumber }]);
  }

  /**
   * Opens an issue, or refreshes the details of the one already open. Returns true when this is a
   * new issue (the caller tells the merchant once per new issue, never once per re-check).
   */
  openIssue(type: IssueType, details: string, idScanUrl: string | null = null): boolean {
    const isNew = this.issue?.type !== type;
    if (isNew) {
      this.issueOccurrences += 1;
      this.issue = {
        type,
        details,
        steps: ISSUE_WORDING[type].steps,
        since: new Date().toISOString(),
        cause: type,
        occurrence: this.issueOccurrences,
        idScanUrl,
      };
      this.reminderSentAt = null;
      this.note('issue_raised', `${ISSUE_WORDING[type].title}: ${details}`);
      upsertSearchAttributes([{ key: IssueTypeKey, value: type }]);
    } else if (this.issue && (this.issue.details !== details || this.issue.idScanUrl !== idScanUrl)) {
      this.issue = { ...this.issue, details, idScanUrl };
      this.note('issue_updated', details);
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
    upsertSearchAttributes([{ key: IssueTypeKey, value: null }]);
    this.showDetails();
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
      refunded: this.status === 'refunded',
      timeline: this.timeline,
    };
  }

  carry(): CarriedOrderState {
    return Object.fromEntries(CARRIED.map((key) => [key, this[key]])) as unknown as CarriedOrderState;
  }

  /** The Web UI's "current details": the story at a glance, readable without the codec. */
  showDetails(): void {
    const lines = [`**Status:** \`${this.status}\``];
    if (this.vinoshipperOrderNumber) lines.push(`**Vinoshipper order:** ${this.vinoshipperOrderNumber}`);
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
