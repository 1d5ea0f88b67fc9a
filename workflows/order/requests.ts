// What people and systems asked of the order, waiting for the main loop to act. Message handlers
// only record here; the loop acts. A person's request comes as a signal (Web UI, CLI: fire and
// forget, a request that does not apply is noted and ignored) or as an Update (console, ops API: the
// validator refuses what does not apply, with the reason, and the caller gets the order's answer).
// Everything pending survives continue-as-new.
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { OrderRequestAnswer, PendingRequests, PersonRequest } from '../../domain';
import type { OrderRecord } from './record';

export type PersonRequestKind = 'retry' | 'refund' | 'cancel' | 'resolve';
export type RoundNews = Pick<PendingRequests, 'shopifyNews' | 'vinoshipperHint' | 'syncResumed' | 'lookDue'>;

const EMPTY: PendingRequests = {
  refund: null,
  cancel: null,
  retry: null,
  resolve: null,
  shopifyNews: false,
  vinoshipperHint: false,
  syncResumed: false,
  lookDue: false,
};

/** `ApplicationFailure.type` of a refused Update: the API answers 409 with its message. */
export const REQUEST_REFUSED = 'RequestRefused';

export class Requests {
  readonly pending: PendingRequests;
  private readonly answers = new Map<number, OrderRequestAnswer>();
  private nextTicket = 1;

  constructor(
    private readonly record: OrderRecord,
    carried?: PendingRequests,
  ) {
    // Tickets belong to Updates of the run that ended; they never cross continue-as-new.
    const strip = (r: PersonRequest | null) => (r ? { reason: r.reason, by: r.by } : null);
    this.pending = carried
      ? { ...EMPTY, ...carried, refund: strip(carried.refund), cancel: strip(carried.cancel), retry: strip(carried.retry), resolve: strip(carried.resolve) }
      : { ...EMPTY };
  }

  /** Why a request does not apply now, or null when it does. The same rules for signals and Updates. */
  refusal(kind: PersonRequestKind): string | null {
    const { record, pending } = this;
    const finished = ['fulfilled', 'refunded', 'cancelled'].includes(record.status) && !record.issue;
    switch (kind) {
      case 'retry':
        if (finished) return `the order is already ${record.status}`;
        if (record.skip) return `the order is not synced (${record.skip.reason})`;
        if (!record.issue) return 'there is no open issue to retry';
        if (pending.retry) return 'a retry is already under way';
        return null;
      case 'refund':
        if (record.refunded) return 'the order was already refunded';
        if (pending.refund) return 'a refund is already under way';
        if (record.refundUnconfirmed) return 'a refund is already under way (waiting for Shopify to confirm it)';
        if (finished) return `the order is already ${record.status}`;
        return null;
      case 'cancel':
        if (finished) return `the order is already ${record.status}`;
        if (record.closing) return `the order is already being ${record.closing.outcome === 'refunded' ? 'refunded' : 'cancelled'}`;
        if (pending.cancel) return 'a cancellation is already under way';
        return null;
      case 'resolve':
        if (!record.issue) return 'there is no open issue';
        if (record.issue.type === 'refund_unconfirmed')
          return 'only Shopify can settle an unconfirmed refund: it resolves itself once Shopify answers (send “retry” to ask now)';
        if (pending.resolve) return 'the issue is already being marked resolved';
        return null;
    }
  }

  /** A signal: recorded, or noted on the timeline as ignored with the reason. */
  fromSignal(kind: PersonRequestKind, request: PersonRequest): void {
    const why = this.refusal(kind);
    if (why) {
      this.record.note('signal_ignored', `Ignored “${SIGNAL_NAMES[kind]}”${by(request.by)}: ${why}.`);
      return;
    }
    this.take(kind, { reason: request.reason, by: request.by });
  }

  /** An Update's validator: throws the refusal, which the caller receives as the reason. */
  validate(kind: PersonRequestKind): void {
    const why = this.refusal(kind);
    if (why) throw ApplicationFailure.create({ type: REQUEST_REFUSED, message: why, nonRetryable: true });
  }

  /** An Update's handler: records the request and waits for the order's answer. */
  async fromUpdate(kind: PersonRequestKind, request: PersonRequest): Promise<OrderRequestAnswer> {
    const ticket = this.nextTicket++;
    this.take(kind, { reason: request.reason, by: request.by, ticket });
    await condition(() => this.answers.has(ticket));
    const answer = this.answers.get(ticket)!;
    this.answers.delete(ticket);
    return answer;
  }

  /** The loop acted on a request: an Update waiting for it gets this answer. */
  answer(request: PersonRequest | null, answer: OrderRequestAnswer): void {
    if (request?.ticket !== undefined) this.answers.set(request.ticket, answer);
  }

  /**
   * What woke this round of the loop: taken (and cleared) at its start, so every round consumes
   * the news it woke for, whichever step runs — the loop never spins on news no step reads.
   */
  takeRound(): RoundNews {
    const p = this.pending;
    const round = { shopifyNews: p.shopifyNews, vinoshipperHint: p.vinoshipperHint, syncResumed: p.syncResumed, lookDue: p.lookDue };
    p.shopifyNews = p.vinoshipperHint = p.syncResumed = p.lookDue = false;
    return round;
  }

  /** Answers every request still waiting (the order is finishing). */
  answerAll(answer: OrderRequestAnswer): void {
    for (const kind of ['retry', 'refund', 'cancel', 'resolve'] as const) {
      this.answer(this.pending[kind], answer);
      this.pending[kind] = null;
    }
  }

  /** Something for the loop to act on now. */
  hasNews(): boolean {
    return this.hasEvents() || this.pending.lookDue;
  }

  /** Something someone sent (not just the safety-net look falling due, which a new run can take over). */
  hasEvents(): boolean {
    const p = this.pending;
    return !!(p.refund || p.cancel || p.retry || p.resolve || p.shopifyNews || p.vinoshipperHint || p.syncResumed);
  }

  carry(): PendingRequests {
    return { ...this.pending };
  }

  private take(kind: PersonRequestKind, request: PersonRequest): void {
    this.pending[kind] = request;
    const what = { retry: 'Retry requested', refund: 'Refund requested', cancel: 'Cancellation requested', resolve: 'Marked resolved' }[kind];
    this.record.note(`${kind}_requested`, `${what}${by(request.by)}${request.reason ? `: ${request.reason}` : ''}.`);
  }
}

const SIGNAL_NAMES: Record<PersonRequestKind, string> = { retry: 'retry', refund: 'refund', cancel: 'cancel', resolve: 'markResolved' };

export function by(who: string | undefined): string {
  return who ? ` by ${who}` : '';
}
