// Reading the world a fault run left behind — Temporal (visibility, pending activities), the
// sandbox's Shopify store, Vinoshipper and Resend — and the checks that say nothing was lost or
// doubled.
import { ORDER_WORKFLOW_TYPE, OrderStatusKey, IssueTypeKey, VinoshipperOrderNumberKey, type IssueType, type OrderStatus } from '../../domain';
import { METAFIELD_KEY, METAFIELD_NAMESPACE } from '../../integrations/shopify/admin';
import { StackDriver, type CapturedEmail } from '../../sandbox/driver';
import type { Delivery } from '../../sandbox/shopify-webhooks';
import type { LocalStack } from '../lib/local-stack';
import { histogram, sleep, type RunContext } from './harness';

export interface Placed {
  id: string;
  name: string;
  vinoshipperOrderNumber: string;
}

export interface WorkflowSeen {
  runs: number;
  status: OrderStatus | null;
  issueType: IssueType | null;
  vinoshipperOrderNumber: string | null;
  running: boolean;
  /** When the (first) run started. */
  startedAt: number;
}

export interface VinoshipperSeen {
  orderNumber: string;
  status: string;
  submissions: number;
  cancellations: number;
}

/** Plenty of every demo wine, so a batch is never short of inventory. */
export const BATCH_SKU = 'ROSE-2023-750';
/** Not in the Vinoshipper catalogue: the order raises `product_missing`. */
export const UNKNOWN_SKU = 'NOPE-0000-750';

export class World {
  readonly driver: StackDriver;

  constructor(readonly stack: LocalStack) {
    this.driver = new StackDriver({
      apiUrl: stack.apiUrl,
      sandboxUrl: stack.sandboxUrl,
      opsToken: stack.config.api.opsToken,
      orderPrefix: stack.config.orders.vinoshipperOrderPrefix,
      timeoutMs: 10_000,
    });
  }

  async sandbox<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.stack.sandboxUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async stockUp(): Promise<void> {
    await this.sandbox('PUT', `/sandbox/vinoshipper/products/${BATCH_SKU}`, { inventory: 1_000_000 });
  }

  /**
   * Places `count` orders in the sandbox store (each delivers its signed `orders/create` webhook),
   * `concurrency` at a time. `afterEach` runs after every placement (e.g. to inject a fault mid-batch).
   */
  async placeOrders(
    ctx: RunContext,
    count: number,
    {
      sku = BATCH_SKU,
      concurrency = 4,
      paceMs = 0,
      afterEach,
    }: { sku?: string; concurrency?: number; paceMs?: number; afterEach?: (placed: number) => void | Promise<void> } = {},
  ): Promise<Placed[]> {
    const placed: Placed[] = [];
    let next = 0;
    const lane = async () => {
      while (next < count) {
        next += 1;
        ctx.throwIfAborted();
        placed.push(await this.driver.placeOrder({ line_items: [{ sku, quantity: 1, price: '24.00' }] }));
        await afterEach?.(placed.length);
        if (paceMs) await sleep(paceMs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
    return placed;
  }

  /** Every order workflow execution in visibility, by Shopify order id. */
  async workflows(): Promise<Map<string, WorkflowSeen>> {
    const client = await this.stack.client();
    const seen = new Map<string, WorkflowSeen>();
    for await (const wf of client.workflow.list({ query: `WorkflowType="${ORDER_WORKFLOW_TYPE}"`, pageSize: 1000 })) {
      const id = wf.workflowId.split(':').pop()!;
      const a = wf.typedSearchAttributes;
      const earlier = seen.get(id);
      seen.set(id, {
        runs: (earlier?.runs ?? 0) + 1,
        status: (a.get(OrderStatusKey) as OrderStatus | undefined) ?? earlier?.status ?? null,
        issueType: (a.get(IssueTypeKey) as IssueType | undefined) ?? null,
        vinoshipperOrderNumber: a.get(VinoshipperOrderNumberKey) ?? null,
        running: wf.status.name === 'RUNNING' || !!earlier?.running,
        startedAt: Math.min(wf.startTime.getTime(), earlier?.startedAt ?? Infinity),
      });
    }
    return seen;
  }

  /** Order workflows (all, not only a run's placed ones) showing `status` in visibility. */
  async countStatus(status: OrderStatus): Promise<number> {
    const client = await this.stack.client();
    return (await client.workflow.count(`WorkflowType="${ORDER_WORKFLOW_TYPE}" AND OrderStatus="${status}"`)).count;
  }

  /**
   * Where a batch stands, from the sandbox (no visibility lag): orders of `sku` in the store, in
   * Vinoshipper (orders of other SKUs that are there count too), written back.
   */
  async progress(sku = BATCH_SKU): Promise<{ placed: number; inVinoshipper: number; writtenBack: number }> {
    const [shopify, vinoshipper] = await Promise.all([this.shopifyOrders(), this.vinoshipperOrders()]);
    const ofSku = shopify.filter((o) => (o.line_items ?? []).some((l: { sku?: string }) => l.sku === sku));
    return {
      placed: ofSku.length,
      inVinoshipper: vinoshipper.length,
      writtenBack: ofSku.filter((o) => /(^|,\s*)vinoshipper:/i.test(String(o.tags ?? ''))).length,
    };
  }

  /** How many of `placed` show `status` (and `issueType`) in visibility. */
  async countIn(placed: Placed[], status: OrderStatus, issueType?: IssueType): Promise<number> {
    const seen = await this.workflows();
    return placed.filter((p) => {
      const wf = seen.get(p.id);
      return wf?.status === status && (!issueType || wf.issueType === issueType);
    }).length;
  }

  /** "submitted 34, syncing 60, (no workflow) 6" for the placed orders. */
  async statusLine(placed: Placed[]): Promise<string> {
    const seen = await this.workflows();
    const counts = new Map<string, number>();
    for (const p of placed) {
      const wf = seen.get(p.id);
      const key = !wf ? '(no workflow yet)' : wf.issueType ? `${wf.status}/${wf.issueType}` : String(wf.status);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts]
      .sort(([, a], [, b]) => b - a)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  }

  /** Activities and workflow tasks scheduled or running in the open order workflows ({0, 0}: nothing more happens by itself soon). */
  async pendingWork(): Promise<{ activities: number; workflowTasks: number }> {
    const client = await this.stack.client();
    const pending = { activities: 0, workflowTasks: 0 };
    for await (const wf of client.workflow.list({ query: `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ExecutionStatus="Running"`, pageSize: 1000 })) {
      const { raw } = await client.workflow.getHandle(wf.workflowId).describe();
      pending.activities += raw.pendingActivities?.length ?? 0;
      if (raw.pendingWorkflowTask) pending.workflowTasks += 1;
    }
    return pending;
  }

  async vinoshipperOrders(): Promise<VinoshipperSeen[]> {
    const list = await this.sandbox<Array<{ order: { orderNumber: string; status: string }; submissions: number; cancellations: number }>>(
      'GET',
      '/sandbox/vinoshipper/orders',
    );
    return list.map((o) => ({ orderNumber: o.order.orderNumber, status: o.order.status, submissions: o.submissions, cancellations: o.cancellations }));
  }

  shopifyOrders(): Promise<any[]> {
    return this.sandbox('GET', '/sandbox/shopify/orders');
  }

  emails(): Promise<CapturedEmail[]> {
    return this.driver.emails();
  }

  deliveries(): Promise<Delivery[]> {
    return this.sandbox('GET', '/sandbox/shopify/deliveries');
  }

  /** Waits until every placed order shows `status` in visibility, no activity is pending and no webhook is still being retried. */
  async settle(ctx: RunContext, placed: Placed[], status: OrderStatus, issueType?: IssueType): Promise<void> {
    const label = issueType ? `${status}/${issueType}` : status;
    let lastReport = Date.now();
    await ctx
      .waitFor(
        `all ${placed.length} orders ${label}`,
        async () => {
          const n = await this.countIn(placed, status, issueType);
          if (Date.now() - lastReport > 15_000) {
            lastReport = Date.now();
            ctx.step(`… ${await this.statusLine(placed)}`);
          }
          return n === placed.length;
        },
        { everyMs: 500 },
      )
      .catch(async (err) => {
        ctx.step(`orders at the deadline: ${await this.statusLine(placed).catch(() => '?')}`);
        throw err;
      });
    ctx.step(`all ${placed.length} orders ${label}`);
    await ctx.waitFor(
      'no pending activity or workflow task, no webhook still being retried',
      async () => {
        const deliveries = await this.deliveries();
        if (deliveries.some((d) => d.state === 'pending')) return false;
        const pending = await this.pendingWork();
        return pending.activities === 0 && pending.workflowTasks === 0;
      },
      { everyMs: 500 },
    );
  }
}

export interface Expectation {
  status: OrderStatus;
  issueType?: IssueType;
  /** Each order has its one Vinoshipper order (and nothing else is in Vinoshipper). */
  inVinoshipper: boolean;
  /** Exactly this many emails per order (default: not checked beyond "no email twice"). */
  emailsPerOrder?: number;
  /** Exactly this many Shopify refunds per order (default 0). */
  refundsPerOrder?: number;
  /** Orders in Vinoshipper: each cancelled there exactly once (default: none cancelled). */
  cancelledInVinoshipper?: boolean;
}

export interface Group {
  /** How the checks name the group when there are several, e.g. "refunded orders". */
  label: string;
  placed: Placed[];
  expect: Expectation;
}

/** The one-group form of verifyGroups. */
export function verifyOrders(ctx: RunContext, world: World, placed: Placed[], expect: Expectation): Promise<void> {
  return verifyGroups(ctx, world, [{ label: 'orders', placed, expect }]);
}

/**
 * Counts what the run left and checks that each placed order exists exactly once everywhere it
 * should: one workflow with one run, the expected status, one Vinoshipper order under its number
 * (and no other), one `vinoshipper:` tag and the metafield on the Shopify order, the expected
 * refunds, no email twice. Several groups (orders expected to end differently) are checked against
 * each other too: no Vinoshipper order or workflow outside all of them.
 */
export async function verifyGroups(ctx: RunContext, world: World, groups: Group[]): Promise<void> {
  const all = groups.flatMap((g) => g.placed);
  const allIds = new Set(all.map((p) => p.id));
  const [workflows, vinoshipper, shopify, emails] = await Promise.all([world.workflows(), world.vinoshipperOrders(), world.shopifyOrders(), world.emails()]);
  const several = groups.length > 1;
  const named = (g: Group, text: string) => (several ? `${g.label}: ${text}` : text);

  // Temporal: one workflow per order, one run each, none for anything else.
  const missing = all.filter((p) => !workflows.has(p.id));
  const multiRun = all.filter((p) => (workflows.get(p.id)?.runs ?? 0) > 1);
  const strangers = [...workflows.keys()].filter((id) => !allIds.has(id));
  ctx.count(`orders placed ${all.length}; order workflows ${workflows.size} (runs per order: ${histogram(all.map((p) => workflows.get(p.id)?.runs ?? 0))})`);
  ctx.check(missing.length === 0, `no order lost: every order has its workflow${missing.length ? ` — missing: ${names(missing)}` : ''}`);
  ctx.check(
    multiRun.length === 0 && strangers.length === 0,
    `no workflow doubled: one run per order, none for another id${multiRun.length ? ` — several runs: ${names(multiRun)}` : ''}${strangers.length ? ` — unexpected: ${strangers.join(', ')}` : ''}`,
  );

  // Vinoshipper: the order numbers are ours (CH-<Shopify number>-<Shopify id>); a second number for one order would show up as a stranger.
  const byNumber = new Map(vinoshipper.map((o) => [o.orderNumber, o]));
  const expectedNumbers = new Set(groups.filter((g) => g.expect.inVinoshipper).flatMap((g) => g.placed.map((p) => p.vinoshipperOrderNumber)));
  const extra = vinoshipper.filter((o) => !expectedNumbers.has(o.orderNumber));
  ctx.count(`Vinoshipper orders ${vinoshipper.length} for ${expectedNumbers.size} orders expected there`);
  ctx.check(
    extra.length === 0,
    expectedNumbers.size
      ? `no Vinoshipper order doubled or stray (one number per order)${extra.length ? ` — extra: ${extra.map((o) => o.orderNumber).join(', ')}` : ''}`
      : 'nothing reached Vinoshipper',
  );

  const byId = new Map(shopify.map((o) => [String(o.id), o]));
  for (const g of groups) verifyGroup(ctx, g, { workflows, byNumber, byId, emails, named: (text) => named(g, text) });

  // Emails: never the same one twice (Resend dedups by idempotency key; each email must carry one).
  const orderEmails = emails.filter((e) => all.some((p) => e.subject.includes(`Order ${p.name}:`)));
  const keys = orderEmails.map((e) => e.idempotencyKey);
  const doubled = keys.length - new Set(keys).size;
  const keyless = keys.filter((k) => !k).length;
  ctx.check(
    doubled === 0 && keyless === 0,
    `no email sent twice${doubled ? ` — ${doubled} repeated idempotency keys` : ''}${keyless ? ` — ${keyless} without a key` : ''}`,
  );
}

function verifyGroup(
  ctx: RunContext,
  { placed, expect }: Group,
  seen: {
    workflows: Map<string, WorkflowSeen>;
    byNumber: Map<string, VinoshipperSeen>;
    byId: Map<string, any>;
    emails: CapturedEmail[];
    named: (text: string) => string;
  },
): void {
  const { workflows, byNumber, byId, named } = seen;
  const n = placed.length;
  const label = expect.issueType ? `${expect.status}/${expect.issueType}` : expect.status;
  const inStatus = placed.filter(
    (p) => workflows.get(p.id)?.status === expect.status && (!expect.issueType || workflows.get(p.id)?.issueType === expect.issueType),
  );
  ctx.count(named(`reached ${label}: ${inStatus.length}/${n}`));
  ctx.check(inStatus.length === n, named(`every order ${label}${inStatus.length < n ? ` — not: ${names(placed.filter((p) => !inStatus.includes(p)))}` : ''}`));

  if (expect.inVinoshipper) {
    const absent = placed.filter((p) => !byNumber.has(p.vinoshipperOrderNumber));
    ctx.count(named(`PUTs to Vinoshipper per order: ${histogram(placed.map((p) => byNumber.get(p.vinoshipperOrderNumber)?.submissions ?? 0))}`));
    ctx.check(absent.length === 0, named(`every order is in Vinoshipper under its number${absent.length ? ` — absent: ${names(absent)}` : ''}`));
    const cancellations = placed.map((p) => byNumber.get(p.vinoshipperOrderNumber)?.cancellations ?? 0);
    const cancelled = expect.cancelledInVinoshipper ? 1 : 0;
    if (cancelled || cancellations.some((c) => c > 0)) ctx.count(named(`Vinoshipper cancellations per order: ${histogram(cancellations)}`));
    ctx.check(
      cancellations.every((c) => c === cancelled),
      named(
        `${cancelled ? 'each Vinoshipper order cancelled once' : 'no Vinoshipper order cancelled'}${cancellations.some((c) => c !== cancelled) ? ` — wrong: ${names(placed.filter((_, i) => cancellations[i] !== cancelled))}` : ''}`,
      ),
    );
    const workflowNumbers = placed.filter((p) => workflows.get(p.id)?.vinoshipperOrderNumber !== p.vinoshipperOrderNumber);
    ctx.check(
      workflowNumbers.length === 0,
      named(`each workflow records its order's one Vinoshipper number${workflowNumbers.length ? ` — differs: ${names(workflowNumbers)}` : ''}`),
    );
  }

  // Shopify write-back: exactly one vinoshipper: tag, the metafield with the same number.
  const writeBacks = placed.map((p) => {
    const order = byId.get(p.id);
    const tags = String(order?.tags ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.toLowerCase().startsWith('vinoshipper:'));
    const metafields = (order?.metafields ?? []).filter((m: any) => m.namespace === METAFIELD_NAMESPACE && m.key === METAFIELD_KEY);
    return { p, tags, metafields };
  });
  if (expect.inVinoshipper) {
    const right = writeBacks.filter(
      ({ p, tags, metafields }) =>
        tags.length === 1 &&
        tags[0] === `vinoshipper:${p.vinoshipperOrderNumber}` &&
        metafields.length === 1 &&
        metafields[0].value === p.vinoshipperOrderNumber,
    );
    const none = writeBacks.filter((w) => w.tags.length === 0);
    const several = writeBacks.filter((w) => w.tags.length > 1);
    ctx.count(
      named(`Shopify write-backs: ${right.length}/${n} orders with one vinoshipper: tag + metafield (${none.length} without, ${several.length} with several)`),
    );
    ctx.check(
      right.length === n,
      named(`one Shopify write-back per order${right.length < n ? ` — wrong: ${names(writeBacks.filter((w) => !right.includes(w)).map((w) => w.p))}` : ''}`),
    );
  } else {
    const any = writeBacks.filter((w) => w.tags.length || w.metafields.length);
    ctx.check(any.length === 0, named('no Shopify write-back for orders not in Vinoshipper'));
  }

  // Refunds in Shopify: none unless asked for, and then exactly as many as expected.
  const refundsPerOrder = expect.refundsPerOrder ?? 0;
  const refunds = placed.map((p) => byId.get(p.id)?.refunds?.length ?? 0);
  if (refundsPerOrder || refunds.some((r) => r > 0)) ctx.count(named(`Shopify refunds per order: ${histogram(refunds)}`));
  ctx.check(
    refunds.every((r) => r === refundsPerOrder),
    named(
      `${refundsPerOrder ? `exactly ${refundsPerOrder} refund` : 'no refund'} per order in Shopify${refunds.some((r) => r !== refundsPerOrder) ? ` — wrong: ${names(placed.filter((_, i) => refunds[i] !== refundsPerOrder))}` : ''}`,
    ),
  );

  const perOrder = placed.map((p) => seen.emails.filter((e) => e.subject.includes(`Order ${p.name}:`)).length);
  ctx.count(named(`emails ${perOrder.reduce((a, b) => a + b, 0)} (per order: ${histogram(perOrder)})`));
  if (expect.emailsPerOrder !== undefined) {
    const wrong = placed.filter((_, i) => perOrder[i] !== expect.emailsPerOrder);
    ctx.check(wrong.length === 0, named(`exactly ${expect.emailsPerOrder} email per order${wrong.length ? ` — wrong: ${names(wrong)}` : ''}`));
  }
}

/** Webhook deliveries that needed more than one attempt, and why attempts failed (the sandbox keeps the last error). */
export function describeDeliveries(deliveries: Delivery[]): { retried: number; attempts: number; failed: number; pending: number; redelivered: number } {
  return {
    retried: deliveries.filter((d) => d.attempts > 1).length,
    attempts: deliveries.reduce((sum, d) => sum + d.attempts, 0),
    failed: deliveries.filter((d) => d.state === 'failed').length,
    pending: deliveries.filter((d) => d.state === 'pending').length,
    redelivered: deliveries.filter((d) => d.redelivery).length,
  };
}

function names(placed: Placed[]): string {
  const shown = placed
    .slice(0, 8)
    .map((p) => p.name)
    .join(', ');
  return placed.length > 8 ? `${shown} and ${placed.length - 8} more` : shown;
}
