// Stub activities for the order workflow's fast tests: an in-memory Vinoshipper and Shopify that
// answer the way the real activities do (activities/*.ts: results, classified ApplicationFailures),
// record every call, and fail on command (an outage, a lost reply, refused credentials). The
// workflow runs for real on the time-skipping test server; only the outside world is stubbed.
import { ApplicationFailure } from '@temporalio/common';
import {
  FAILURE_TYPES,
  type AlertActivities,
  type CancelResult,
  type EmailActivities,
  type IssueType,
  type MerchantAlert,
  type OrderAliasActivities,
  type OrderIssueEmailInput,
  type OrderProblem,
  type OrderSnapshot,
  type ShopifyOrderActivities,
  type SubmissionResult,
  type SubmitOrderInput,
  type VinoshipperActivities,
  type VinoshipperOrderState,
  type VinoshipperOrderView,
} from '../../domain';

export type Fault = 'unavailable' | 'lost_reply' | 'credentials';

export interface StubVinoshipperOrder {
  orderNumber: string;
  state: VinoshipperOrderState;
  problems: OrderProblem[];
  snapshot: OrderSnapshot;
  puts: number;
}

export interface Call {
  name: string;
  input: unknown;
  ok: boolean;
}

type StubActivities = VinoshipperActivities &
  ShopifyOrderActivities &
  EmailActivities &
  AlertActivities &
  OrderAliasActivities & { checkVinoshipperCatalog(): Promise<{ ok: true }> };

export class StubWorld {
  readonly calls: Call[] = [];
  /** Activity calls still running (the stubs answer at once, but a test can wait for none). */
  inFlight = 0;
  readonly vinoshipper = new Map<string, StubVinoshipperOrder>();
  /** SKUs Vinoshipper does not know, and stock per SKU (absent: plenty). */
  readonly missingSkus = new Set<string>();
  readonly stock = new Map<string, number>();
  readonly blockedStates = new Set<string>();
  /** Vinoshipper flags new or resent orders with this problem (Scenario 2) until cleared. */
  flagOnSubmit: OrderProblem | null = null;
  /** Shopify does not answer the write-back inside the PUT's activity (`writeBackTo`); the activity still succeeds. */
  writeBackInSubmissionFails = false;
  /** Shopify order ids whose write-back succeeded, by whichever activity (in order). */
  readonly writtenBack: string[] = [];
  /** Vinoshipper cancels only accepted orders (its docs); off by default like the sandbox. */
  refuseCancelWhilePending = false;
  /** Refund idempotency keys that made a refund, per Shopify order; and the refund id per key. */
  readonly refunds = new Map<string, string[]>();
  readonly shopifyCancelled = new Set<string>();
  readonly fulfilments: string[] = [];
  readonly emails = new Map<string, OrderIssueEmailInput>();
  readonly alerts: MerchantAlert[] = [];
  private readonly faults = new Map<string, Fault[]>();

  /** The next `count` calls of `activity` fail this way (each retry attempt is a call). */
  fail(activity: keyof StubActivities, fault: Fault, count = 1): void {
    const list = this.faults.get(activity) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.faults.set(activity, list);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Back to a healthy Vinoshipper between tests: no faults, rules or flags (orders and calls stay, per order id). */
  reset(): void {
    this.faults.clear();
    this.missingSkus.clear();
    this.stock.clear();
    this.blockedStates.clear();
    this.flagOnSubmit = null;
    this.refuseCancelWhilePending = false;
    this.writeBackInSubmissionFails = false;
  }

  callsOf(name: string): Call[] {
    return this.calls.filter((c) => c.name === name);
  }

  activities(): StubActivities {
    // Each method records the call, applies any fault, then answers like the real activity.
    const wrap = <I, O>(name: string, vendor: Vendor, body: (input: I) => O | Promise<O>) => {
      return async (input: I): Promise<O> => {
        const fault = this.faults.get(name)?.shift();
        const call: Call = { name, input, ok: false };
        this.calls.push(call);
        this.inFlight += 1;
        try {
          if (fault === 'unavailable') throw ApplicationFailure.retryable(`${vendor} is unavailable (stub)`, UNAVAILABLE[vendor]);
          if (fault === 'credentials') throw ApplicationFailure.nonRetryable(`${vendor} refused the credentials (stub)`, CONFIGURATION[vendor]);
          const result = await body(input);
          if (fault === 'lost_reply') throw ApplicationFailure.retryable(`${vendor} answered, but the reply was lost (stub)`, UNAVAILABLE[vendor]);
          call.ok = true;
          return result;
        } finally {
          this.inFlight -= 1;
        }
      };
    };
    return {
      // Like the real activity: the alias registered first (when asked for; the call's input records it), then the PUT.
      submitOrderToVinoshipper: wrap('submitOrderToVinoshipper', 'vinoshipper', (i: SubmitOrderInput) => {
        const result = { ...this.put(i), ...(i.aliasFor ? { aliasRegistered: true } : {}) };
        // Like the real activity: after an accepted PUT, the write-back when asked for; its failure is an answer, not an error.
        if (result.kind !== 'submitted' || !i.writeBackTo) return result;
        if (!this.writeBackInSubmissionFails) this.writtenBack.push(i.writeBackTo);
        return { ...result, writtenBack: !this.writeBackInSubmissionFails };
      }),
      fetchVinoshipperOrder: wrap('fetchVinoshipperOrder', 'vinoshipper', (n: string) => this.view(n)),
      cancelVinoshipperOrder: wrap('cancelVinoshipperOrder', 'vinoshipper', (n: string) => this.cancel(n)),
      writeBackToShopify: wrap('writeBackToShopify', 'shopify', (i: { shopifyOrderId: string }) => void this.writtenBack.push(i.shopifyOrderId)),
      refundShopifyOrder: wrap('refundShopifyOrder', 'shopify', (i: { shopifyOrderId: string; idempotencyKey: string }) => this.refund(i)),
      fulfilShopifyOrder: wrap('fulfilShopifyOrder', 'shopify', (i: { shopifyOrderId: string }) => this.fulfil(i.shopifyOrderId)),
      sendOrderIssueEmail: wrap('sendOrderIssueEmail', 'email', (i: OrderIssueEmailInput) => {
        // Resend's idempotency: the same key within 24 h is the same email.
        this.emails.set(i.idempotencyKey, i);
        return { emailId: `email-${this.emails.size}` };
      }),
      queueMerchantAlert: wrap('queueMerchantAlert', 'email', (a: MerchantAlert) => {
        if (!this.alerts.some((x) => x.key === a.key)) this.alerts.push(a);
      }),
      // The aliases of orders numbered without the Shopify id: nothing to keep, the calls are recorded.
      registerVinoshipperOrderAlias: wrap('registerVinoshipperOrderAlias', 'temporal', () => undefined),
      releaseVinoshipperOrderAlias: wrap('releaseVinoshipperOrderAlias', 'temporal', () => undefined),
      // Only for running these tests against the workflow before the catalogue check became advisory.
      checkVinoshipperCatalog: async () => ({ ok: true as const }),
    };
  }

  // ---- Vinoshipper, as the activities present it ----

  private put(input: SubmitOrderInput): SubmissionResult {
    const { snapshot, vinoshipperOrderNumber: n } = input;
    const existing = this.vinoshipper.get(n);
    if (existing && (existing.state === 'shipped' || existing.state === 'cancelled')) {
      throw ApplicationFailure.nonRetryable(`Vinoshipper order ${n} is ${existing.state} and can no longer be updated`, FAILURE_TYPES.vinoshipperConflict);
    }
    const missing = [...new Set(snapshot.lineItems.map((l) => l.sku ?? '').filter((s) => this.missingSkus.has(s) || !s))].sort();
    if (missing.length) {
      return {
        kind: 'rejected',
        issueType: 'product_missing',
        details: missing.map((s) => `SKU ${s} is not in Vinoshipper`).join('\n'),
        causeKey: missing.join(','),
      };
    }
    const short = snapshot.lineItems.filter((l) => {
      const stock = this.stock.get(l.sku!);
      // Like Vinoshipper's upsert: this order's own reservation counts as available.
      const own = existing?.snapshot.lineItems.filter((x) => x.sku === l.sku).reduce((sum, x) => sum + x.quantity, 0) ?? 0;
      return stock !== undefined && stock + own < l.quantity;
    });
    if (short.length) {
      const skus = [...new Set(short.map((l) => l.sku!))].sort();
      return { kind: 'rejected', issueType: 'inventory_unavailable', details: skus.map((s) => `SKU ${s}: short`).join('\n'), causeKey: skus.join(',') };
    }
    const state = snapshot.shippingAddress?.provinceCode ?? null;
    const problems: OrderProblem[] = [];
    if (state && this.blockedStates.has(state))
      problems.push({ issueType: 'compliance_failed', code: 'STATE_PROHIBITED', message: `No shipments to ${state}` });
    if (this.flagOnSubmit) problems.push(this.flagOnSubmit);
    const order: StubVinoshipperOrder = existing ?? { orderNumber: n, state: 'pending', problems: [], snapshot, puts: 0 };
    order.snapshot = snapshot;
    order.problems = problems;
    order.puts += 1;
    if (problems.length) order.state = 'pending';
    this.vinoshipper.set(n, order);
    return { kind: 'submitted', order: this.viewOf(order) };
  }

  private view(n: string): VinoshipperOrderView | null {
    const order = this.vinoshipper.get(n);
    return order ? this.viewOf(order) : null;
  }

  private viewOf(o: StubVinoshipperOrder): VinoshipperOrderView {
    return {
      orderNumber: o.orderNumber,
      state: o.state,
      problems: o.problems,
      isCompliant: !o.problems.some((p) => p.issueType === 'compliance_failed'),
      idScanUrl: null,
      trackingNumbers: o.state === 'shipped' ? ['1Z999'] : [],
      carrier: o.state === 'shipped' ? 'UPS' : null,
      shipToStateCode: o.snapshot.shippingAddress?.provinceCode ?? null,
    };
  }

  private cancel(n: string): CancelResult {
    const order = this.vinoshipper.get(n);
    if (!order) return { cancelled: false, reason: 'not_found' };
    if (order.state === 'cancelled') return { cancelled: false, reason: 'already_cancelled' };
    if (order.state === 'shipped') return { cancelled: false, reason: 'already_shipped' };
    if (order.state === 'pending' && this.refuseCancelWhilePending) return { cancelled: false, reason: 'not_accepted' };
    order.state = 'cancelled';
    return { cancelled: true };
  }

  // ---- Vinoshipper's own side (what a person or Vinoshipper does there) ----

  accept(n: string): void {
    const order = this.mustHave(n);
    if (order.state !== 'pending') return;
    if (order.state === 'pending') {
      order.state = 'accepted';
      order.problems = [];
    }
  }

  ship(n: string): void {
    const order = this.mustHave(n);
    if (order.state !== 'cancelled') order.state = 'shipped';
  }

  cancelInVinoshipper(n: string): void {
    const order = this.mustHave(n);
    if (order.state !== 'shipped') order.state = 'cancelled';
  }

  deleteInVinoshipper(n: string): void {
    this.vinoshipper.delete(n);
  }

  flag(n: string, issueType: IssueType, message = 'flagged (stub)'): void {
    const order = this.mustHave(n);
    if (order.state === 'shipped' || order.state === 'cancelled') return; // too late to flag
    order.state = 'pending';
    order.problems = [{ issueType, code: null, message }];
  }

  private mustHave(n: string): StubVinoshipperOrder {
    const order = this.vinoshipper.get(n);
    if (!order) throw new Error(`stub: no Vinoshipper order ${n}`);
    return order;
  }

  // ---- Shopify ----

  private refund(input: { shopifyOrderId: string; idempotencyKey: string }): { refundId: string } {
    const keys = this.refunds.get(input.shopifyOrderId) ?? [];
    // Like the activity's refund plan: an order already refunded in full gets no second refund.
    if (keys.length) return { refundId: `refund-${keys[0]}` };
    keys.push(input.idempotencyKey);
    this.refunds.set(input.shopifyOrderId, keys);
    return { refundId: `refund-${input.idempotencyKey}` };
  }

  private fulfil(shopifyOrderId: string): { fulfillmentId: string } {
    if (this.shopifyCancelled.has(shopifyOrderId)) {
      throw ApplicationFailure.nonRetryable(`Shopify fulfil: order ${shopifyOrderId} is cancelled`, FAILURE_TYPES.shopifyRejected);
    }
    this.fulfilments.push(shopifyOrderId);
    return { fulfillmentId: `fulfilment-${this.fulfilments.length}` };
  }
}

type Vendor = 'vinoshipper' | 'shopify' | 'email' | 'temporal';
const UNAVAILABLE: Record<Vendor, string> = {
  vinoshipper: FAILURE_TYPES.vinoshipperUnavailable,
  shopify: FAILURE_TYPES.shopifyUnavailable,
  email: FAILURE_TYPES.emailUnavailable,
  temporal: 'TemporalUnavailable',
};
const CONFIGURATION: Record<Vendor, string> = {
  vinoshipper: FAILURE_TYPES.vinoshipperConfiguration,
  shopify: FAILURE_TYPES.shopifyConfiguration,
  email: FAILURE_TYPES.emailRejected,
  temporal: 'TemporalConfiguration',
};

let nextOrder = 5_000_000_000;

/** A paid Shopify order as the API would hand it over. */
export function orderSnapshot(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const id = String(nextOrder++);
  const number = 1000 + (nextOrder % 100_000);
  return {
    shopifyOrderId: id,
    name: `#${number}`,
    orderNumber: number,
    createdAt: '2026-12-01T10:00:00.000Z',
    processedAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    cancelledAt: null,
    financialStatus: 'paid',
    fulfillmentStatus: null,
    email: 'ada@example.com',
    phone: null,
    customer: { firstName: 'Ada', lastName: 'Lovelace' },
    shippingAddress: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: null,
      address1: '1 Vine St',
      address2: null,
      city: 'Napa',
      provinceCode: 'CA',
      zip: '94558',
      countryCode: 'US',
      phone: null,
    },
    billingAddress: null,
    lineItems: [{ id: `${id}1`, sku: 'CAB-2021-750', title: 'Cabernet 2021', quantity: 2, price: '42.00' }],
    noteAttributes: [{ name: 'date_of_birth', value: '1980-01-01' }],
    tags: [],
    currency: 'USD',
    totalPrice: '84.00',
    subtotalPrice: '84.00',
    totalTax: '0.00',
    totalShipping: '0.00',
    ...overrides,
  };
}

/** The next Shopify update of a snapshot: a later `updated_at` and the changes. */
export function updated(snapshot: OrderSnapshot, changes: Partial<OrderSnapshot>, secondsLater = 60): OrderSnapshot {
  const at = new Date(Date.parse(snapshot.updatedAt) + secondsLater * 1000).toISOString();
  return { ...snapshot, ...changes, updatedAt: at };
}
