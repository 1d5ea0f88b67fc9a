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

  /** Where a batch stands, from the sandbox (no visibility lag): orders in the store, in Vinoshipper, written back. */
  async progress(): Promise<{ placed: number; inVinoshipper: number; writtenBack: number }> {
    const [shopify, vinoshipper] = await Promise.all([this.shopifyOrders(), this.vinoshipperOrders()]);
    return {
      placed: shopify.length,
      inVinoshipper: vinoshipper.length,
      writtenBack: shopify.filter((o) => /(^|,\s*)vinoshipper:/i.test(String(o.tags ?? ''))).length,
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
}

/**
 * Counts what the run left and checks that each placed order exists exactly once everywhere it
 * should: one workflow with one run, the expected status, one Vinoshipper order under its number
 * and no other, one `vinoshipper:` tag and the metafield on the Shopify order, no email twice.
 */
export async function verifyOrders(ctx: RunContext, world: World, placed: Placed[], expect: Expectation): Promise<void> {
  const n = placed.length;
  const placedIds = new Set(placed.map((p) => p.id));
  const [workflows, vinoshipper, shopify, emails] = await Promise.all([world.workflows(), world.vinoshipperOrders(), world.shopifyOrders(), world.emails()]);

  // Temporal: one workflow per order, one run each, none for anything else.
  const missing = placed.filter((p) => !workflows.has(p.id));
  const multiRun = placed.filter((p) => (workflows.get(p.id)?.runs ?? 0) > 1);
  const strangers = [...workflows.keys()].filter((id) => !placedIds.has(id));
  ctx.count(`orders placed ${n}; order workflows ${workflows.size} (runs per order: ${histogram(placed.map((p) => workflows.get(p.id)?.runs ?? 0))})`);
  ctx.check(missing.length === 0, `no order lost: every order has its workflow${missing.length ? ` — missing: ${names(missing)}` : ''}`);
  ctx.check(
    multiRun.length === 0 && strangers.length === 0,
    `no workflow doubled: one run per order, none for another id${multiRun.length ? ` — several runs: ${names(multiRun)}` : ''}${strangers.length ? ` — unexpected: ${strangers.join(', ')}` : ''}`,
  );

  const label = expect.issueType ? `${expect.status}/${expect.issueType}` : expect.status;
  const inStatus = placed.filter(
    (p) => workflows.get(p.id)?.status === expect.status && (!expect.issueType || workflows.get(p.id)?.issueType === expect.issueType),
  );
  ctx.count(`reached ${label}: ${inStatus.length}/${n}`);
  ctx.check(inStatus.length === n, `every order ${label}${inStatus.length < n ? ` — not: ${names(placed.filter((p) => !inStatus.includes(p)))}` : ''}`);

  // Vinoshipper: the order numbers are ours (CH-<Shopify number>); a second number for one order would show up as a stranger.
  const byNumber = new Map(vinoshipper.map((o) => [o.orderNumber, o]));
  const expectedNumbers = new Set(placed.map((p) => p.vinoshipperOrderNumber));
  if (expect.inVinoshipper) {
    const absent = placed.filter((p) => !byNumber.has(p.vinoshipperOrderNumber));
    const extra = vinoshipper.filter((o) => !expectedNumbers.has(o.orderNumber));
    ctx.count(
      `Vinoshipper orders ${vinoshipper.length} for ${n} orders (PUTs per order: ${histogram(placed.map((p) => byNumber.get(p.vinoshipperOrderNumber)?.submissions ?? 0))})`,
    );
    ctx.check(absent.length === 0, `every order is in Vinoshipper under its number${absent.length ? ` — absent: ${names(absent)}` : ''}`);
    ctx.check(
      extra.length === 0,
      `no Vinoshipper order doubled or stray (one number per order)${extra.length ? ` — extra: ${extra.map((o) => o.orderNumber).join(', ')}` : ''}`,
    );
    const workflowNumbers = placed.filter((p) => workflows.get(p.id)?.vinoshipperOrderNumber !== p.vinoshipperOrderNumber);
    ctx.check(
      workflowNumbers.length === 0,
      `each workflow records its order's one Vinoshipper number${workflowNumbers.length ? ` — differs: ${names(workflowNumbers)}` : ''}`,
    );
  } else {
    ctx.count(`Vinoshipper orders ${vinoshipper.length}`);
    ctx.check(vinoshipper.length === 0, 'nothing reached Vinoshipper');
  }

  // Shopify write-back: exactly one vinoshipper: tag, the metafield with the same number.
  const byId = new Map(shopify.map((o) => [String(o.id), o]));
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
      `Shopify write-backs: ${right.length}/${n} orders with one vinoshipper: tag + metafield (${none.length} without, ${several.length} with several)`,
    );
    ctx.check(
      right.length === n,
      `one Shopify write-back per order${right.length < n ? ` — wrong: ${names(writeBacks.filter((w) => !right.includes(w)).map((w) => w.p))}` : ''}`,
    );
  } else {
    const any = writeBacks.filter((w) => w.tags.length || w.metafields.length);
    ctx.check(any.length === 0, 'no Shopify write-back for orders not in Vinoshipper');
  }

  // Emails: never the same one twice (Resend dedups by idempotency key; each email must carry one).
  const orderEmails = emails.filter((e) => placed.some((p) => e.subject.includes(`Order ${p.name}:`)));
  const keys = orderEmails.map((e) => e.idempotencyKey);
  const doubled = keys.length - new Set(keys).size;
  const keyless = keys.filter((k) => !k).length;
  ctx.count(
    `emails ${orderEmails.length} (per order: ${histogram(placed.map((p) => orderEmails.filter((e) => e.subject.includes(`Order ${p.name}:`)).length))})`,
  );
  ctx.check(
    doubled === 0 && keyless === 0,
    `no email sent twice${doubled ? ` — ${doubled} repeated idempotency keys` : ''}${keyless ? ` — ${keyless} without a key` : ''}`,
  );
  if (expect.emailsPerOrder !== undefined) {
    const wrong = placed.filter((p) => orderEmails.filter((e) => e.subject.includes(`Order ${p.name}:`)).length !== expect.emailsPerOrder);
    ctx.check(wrong.length === 0, `exactly ${expect.emailsPerOrder} email per order${wrong.length ? ` — wrong: ${names(wrong)}` : ''}`);
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
