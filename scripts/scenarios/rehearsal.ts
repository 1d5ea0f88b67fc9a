// What every rehearsal shares: numbered steps with their elapsed seconds, waiting on the order's
// status query (and saying what it showed when the wait runs out), reporting an issue the way a
// merchant meets it (status, issue type, email, suggested steps, compliance events), and putting
// back every sandbox setting a scenario changed, whatever happens. HTTP only, through StackDriver.
import { ISSUE_WORDING, type IssueType, type OrderStatus, type OrderStatusView } from '../../domain';
import { HttpFailure, type CapturedEmail, type PlacedOrder, type StackDriver } from '../../sandbox/driver';

export interface RehearsalOptions {
  apiUrl: string;
  sandboxUrl: string;
  /** How long one step waits for cellarhand before the rehearsal fails. */
  stepTimeoutMs: number;
  /** The workflow's own retry cadence for an unreachable Vinoshipper (UNREACHABLE_RETRY_INTERVAL). */
  unreachableRetryIntervalMs: number;
  /** The first step of the workflow's re-check cadence for an open issue (RECHECK_BACKOFF). */
  issueRecheckIntervalMs: number;
}

export type Print = (line: string) => void;

/** A step waited for cellarhand and gave up: names what was expected and what the order showed. */
export class StepTimeout extends Error {
  constructor(
    readonly expected: string,
    readonly lastSeen: string,
    readonly waitedMs: number,
  ) {
    super(`Timed out after ${seconds(waitedMs)} s waiting for ${expected}.\nThe order's status query showed: ${lastSeen}`);
    this.name = 'StepTimeout';
  }
}

/** The rehearsal cannot go on for a reason that is not cellarhand being slow (e.g. a stale order id). */
export class RehearsalProblem extends Error {}

const OLD_WORKFLOW_TOLERANCE_MS = 10_000;

export class Rehearsal {
  private stepNumber = 0;
  private readonly restores: Array<{ what: string; run: () => Promise<unknown> }> = [];
  /** The order this scenario placed; its status goes into the summary. */
  current: PlacedOrder | null = null;

  constructor(
    readonly shop: StackDriver,
    readonly opts: RehearsalOptions,
    readonly print: Print,
    private readonly paint: { ok(text: string): string; bad(text: string): string; dim(text: string): string },
  ) {}

  /** One numbered step: prints what it does, runs it, then its elapsed seconds (or why it failed). */
  async step<T>(title: string, body: (say: Print) => Promise<T>): Promise<T> {
    this.stepNumber += 1;
    const started = Date.now();
    this.print(`${String(this.stepNumber).padStart(2)}. ${title}`);
    const say: Print = (line) => this.print(`    ${line}`);
    try {
      const result = await body(say);
      say(this.paint.dim(`(${seconds(Date.now() - started)} s)`));
      return result;
    } catch (err) {
      say(this.paint.bad(`✗ failed after ${seconds(Date.now() - started)} s`));
      throw err;
    }
  }

  /** Something the merchant (or Vinoshipper, or the world) does, with no waiting. */
  note(line: string): void {
    this.print(`    ${line}`);
  }

  /** Registers how to put a sandbox setting back; run in reverse order by `restore()`. */
  onRestore(what: string, run: () => Promise<unknown>): void {
    this.restores.push({ what, run });
  }

  /** Puts back every changed sandbox setting, even after a failure; reports what it could not. */
  async restore(): Promise<string[]> {
    const failures: string[] = [];
    while (this.restores.length) {
      const { what, run } = this.restores.pop()!;
      try {
        await run();
        this.print(this.paint.dim(`    Restored ${what}.`));
      } catch (err) {
        failures.push(`could not restore ${what}: ${errorText(err)}`);
        this.print(this.paint.bad(`    Could not restore ${what}: ${errorText(err)}`));
      }
    }
    return failures;
  }

  // ---- placing orders ----

  /** Places an order in the sandbox store (Shopify sends orders/create) and checks cellarhand took it up as a new order. */
  async placeOrder(order: Record<string, unknown>, say: Print): Promise<PlacedOrder> {
    const placedAt = Date.now();
    const placed = await this.shop.placeOrder(order);
    this.current = placed;
    say(`Shopify order ${placed.name} (id ${placed.id}) placed; Shopify sends cellarhand the orders/create webhook.`);
    const view = await this.waitForOrder(placed, 'cellarhand to start following the order', () => true);
    const first = view.timeline[0];
    if (first && Date.parse(first.at) < placedAt - OLD_WORKFLOW_TOLERANCE_MS) {
      throw new RehearsalProblem(
        `cellarhand already had an order with Shopify id ${placed.id} (${view.shopifyOrderName}, since ${first.at}, status ${view.status}): ` +
          'the sandbox store started again from its first order id while Temporal kept the orders of an earlier run. ' +
          'Stop `npm start`, delete .cellarhand/data, and start it again.',
      );
    }
    return placed;
  }

  /** Places an order of one bottle of the demo Cabernet and waits until it is in Vinoshipper with its number written back. */
  async placeSubmittedOrder(say: Print, extra: Record<string, unknown> = {}): Promise<{ order: PlacedOrder; vinoshipperOrderNumber: string }> {
    const order = await this.placeOrder({ line_items: [CABERNET], ...extra }, say);
    const view = await this.waitForOrder(
      order,
      'status submitted with the Vinoshipper order number written back to Shopify',
      (v) => v.status === 'submitted' && v.timeline.some((e) => e.event === 'written_back'),
    );
    say(
      `cellarhand sent it to Vinoshipper: status ${view.status}, Vinoshipper order ${view.vinoshipperOrderNumber}, number written back to the Shopify order.`,
    );
    return { order, vinoshipperOrderNumber: view.vinoshipperOrderNumber ?? order.vinoshipperOrderNumber };
  }

  // ---- waiting on cellarhand ----

  /** Polls the order's status query (ops API) until `done`; on timeout says what it last showed. */
  async waitForOrder(
    order: PlacedOrder,
    expected: string,
    done: (view: OrderStatusView) => boolean,
    timeoutMs = this.opts.stepTimeoutMs,
  ): Promise<OrderStatusView> {
    let last: OrderStatusView | null = null;
    let lastError: unknown = null;
    const started = Date.now();
    for (;;) {
      try {
        last = await this.shop.status(order.id);
        lastError = null;
        if (done(last)) return last;
      } catch (err) {
        // 404 until the webhook has started the workflow; anything else is worth showing if we give up.
        if (!(err instanceof HttpFailure && err.status === 404)) lastError = err;
      }
      if (Date.now() - started > timeoutMs) {
        const seen = last
          ? describeView(last)
          : lastError
            ? `no answer (${errorText(lastError)})`
            : `nothing: cellarhand does not know order ${order.name} (id ${order.id})`;
        throw new StepTimeout(`order ${order.name} to show ${expected}`, seen, Date.now() - started);
      }
      await sleep(200);
    }
  }

  waitForStatus(order: PlacedOrder, status: OrderStatus, timeoutMs?: number): Promise<OrderStatusView> {
    return this.waitForOrder(order, `status ${status}`, (v) => v.status === status, timeoutMs);
  }

  /** Waits for the issue, then shows it as the merchant meets it: status, issue, email, steps, compliance events, the ops API listing. */
  async expectIssue(order: PlacedOrder, type: IssueType, say: Print, timeoutMs?: number): Promise<OrderStatusView> {
    const view = await this.waitForOrder(
      order,
      `status needs_attention with issue ${type}`,
      (v) => v.status === 'needs_attention' && v.issue?.type === type,
      timeoutMs,
    );
    const issue = view.issue!;
    say(`Status: ${view.status}`);
    say(`Issue type: ${issue.type} — ${ISSUE_WORDING[issue.type].title}`);
    for (const [i, line] of issue.details.split('\n').entries()) say(`${i === 0 ? 'Details: ' : '         '}${line}`);
    const mail = await this.waitForEmail(order, ISSUE_WORDING[type].title);
    say(`Email to the merchant (${recipients(mail)}): “${mail.subject}”`);
    say('Suggested steps (in the email and the status query):');
    for (const [i, stepText] of issue.steps.entries()) say(`  ${i + 1}. ${stepText}`);
    for (const event of view.complianceEvents) {
      say(`Compliance event recorded ${event.at}: destination ${event.destinationState ?? 'unknown'}`);
      for (const p of event.problems) say(`  ${p.code ?? p.issueType}: ${p.message}`);
    }
    const listed = await this.pollFor(order, `the ops API to list ${order.name} under needs_attention/${type}`, async () =>
      (await this.shop.list({ status: 'needs_attention', issueType: type })).find((o) => o.shopifyOrderId === order.id),
    );
    say(`The ops API (and the Temporal Web UI) list it under status ${listed.status}, issue ${listed.issueType}.`);
    return view;
  }

  /**
   * The email that names the order. With ALERT_MODE=grouped the alert waits in the shop's digest
   * until its window ends (ALERT_GROUP_WINDOW, 10 min by default): the rehearsal asks the digest to
   * send now, as an operator can (POST /api/alerts/send-now), instead of waiting that long.
   */
  waitForEmail(order: PlacedOrder, subjectPart: string): Promise<CapturedEmail> {
    let askedNow = false;
    return this.pollFor(order, `an order issue email about ${order.name} with “${subjectPart}”`, async () => {
      const mail = (await this.shop.emailsNaming(order.name)).find((e) => e.subject.includes(subjectPart) || e.text.includes(subjectPart));
      if (mail || askedNow) return mail;
      const view = await this.shop.status(order.id).catch(() => null);
      if (view?.timeline.some((e) => e.event === 'alert_queued')) {
        askedNow = true;
        this.note('(ALERT_MODE=grouped: the alert waits in the shop’s alert digest for its window; the rehearsal asks the digest to send now.)');
        await this.shop.sendAlertsNow();
      }
      return null;
    });
  }

  /** Polls anything about the order; on timeout reports the order's status query alongside. */
  async pollFor<T>(order: PlacedOrder, expected: string, probe: () => Promise<T | undefined | null>, timeoutMs = this.opts.stepTimeoutMs): Promise<T> {
    const started = Date.now();
    for (;;) {
      const found = await probe();
      if (found) return found;
      if (Date.now() - started > timeoutMs) {
        const view = await this.shop.status(order.id).catch((err: unknown) => errorText(err));
        throw new StepTimeout(expected, typeof view === 'string' ? `no answer (${view})` : describeView(view), Date.now() - started);
      }
      await sleep(200);
    }
  }

  /** Says where the order ended: status and Vinoshipper order. */
  async reportFinal(order: PlacedOrder, view: OrderStatusView, say: Print): Promise<string> {
    const resolved = view.timeline.filter((e) => e.event === 'issue_resolved').pop();
    if (resolved) say(`Issue closed: ${resolved.message}.`);
    const vs = view.vinoshipperOrderNumber ? `, Vinoshipper order ${view.vinoshipperOrderNumber}` : '';
    say(`Final status: ${view.status}${view.issue ? ` (open issue ${view.issue.type})` : ', no open issue'}${vs}.`);
    return `${view.status}${vs ? ` (${view.vinoshipperOrderNumber})` : ''}`;
  }

  // ---- sandbox state the driver does not read ----

  async vinoshipperProduct(sku: string): Promise<{ sku: string; name: string; inventory: number } | undefined> {
    const products = await getJson<Array<{ sku: string; name: string; inventory: number }>>(`${this.opts.sandboxUrl}/sandbox/vinoshipper/products`);
    return products.find((p) => p.sku === sku);
  }

  async vinoshipperFaults(): Promise<{ mode: 'none' | 'unavailable' | 'timeout' | 'drop_response' | 'mixed'; remaining: number | null; rate: number | null }> {
    return getJson(`${this.opts.sandboxUrl}/sandbox/vinoshipper/faults`);
  }
}

export const CABERNET = { sku: 'CAB-2021-750', quantity: 1, price: '42.00' };

/** One line about what the status query shows, for timeouts. */
export function describeView(view: OrderStatusView): string {
  const parts = [`status ${view.status}`];
  parts.push(view.issue ? `issue ${view.issue.type} (${view.issue.details.split('\n')[0]})` : 'no open issue');
  if (view.vinoshipperOrderNumber) parts.push(`Vinoshipper order ${view.vinoshipperOrderNumber}`);
  const recent = view.timeline.slice(-3).map((e) => `${e.event}: ${e.message}`);
  return `${parts.join(', ')}${recent.length ? `; latest events: ${recent.join(' | ')}` : ''}`;
}

/** Elapsed time for people: "2.4", or "<0.1" rather than a misleading "0.0". */
export function seconds(ms: number): string {
  return ms < 50 ? '<0.1' : (ms / 1000).toFixed(1);
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}

export function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(1)} h` : ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${seconds(ms)} s`;
}

function recipients(mail: CapturedEmail): string {
  return `to ${Array.isArray(mail.to) ? mail.to.join(', ') : mail.to}`;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) throw new HttpFailure(res.status, body, `GET ${url}`);
  return body as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
