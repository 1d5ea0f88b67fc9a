// Handing orders to Temporal: the one place that knows how an order workflow is started, found,
// signalled and queried. Used by the webhook routes, the ops API and the reconciliation job.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import {
  IssueTypeKey,
  ORDER_WORKFLOW_TYPE,
  OrderStatusKey,
  VinoshipperOrderNumberKey,
  ShopDomainKey,
  ShopifyOrderNameKey,
  orderUpdatedSignal,
  orderWorkflowId,
  statusQuery,
  vinoshipperEventSignal,
  type IssueType,
  type OrderSettings,
  type OrderStatus,
  type OrderSnapshot,
  type OrderStatusView,
  type OrderWorkflowInput,
} from '../domain';

/** `accepted`: the order's workflow started with it or received it; `finished`: the workflow had already ended. */
export type Delivery = 'accepted' | 'finished';

const HAND_OVER_DEADLINE_MS = 4_000;

export class UnknownOrderError extends Error {
  constructor(readonly shopifyOrderId: string) {
    super(`No order ${shopifyOrderId} is known to cellarhand`);
  }
}
export class OrderFinishedError extends Error {
  constructor(readonly shopifyOrderId: string) {
    super(`Order ${shopifyOrderId} is finished; it no longer takes signals`);
  }
}

/** One line of the order list, read from Temporal visibility (search attributes only: no personal data). */
export interface OrderListing {
  shopifyOrderId: string;
  shopifyOrderName: string | null;
  status: OrderStatus | null;
  issueType: IssueType | null;
  vinoshipperOrderNumber: string | null;
  workflowId: string;
  running: boolean;
  startedAt: string;
}

export class OrderWorkflows {
  constructor(
    /** Also used to start the privacy workflows (api/shopify-webhooks.ts): one client per API process. */
    readonly client: Client,
    private readonly opts: { shopDomain: string; taskQueue: string; settings: OrderSettings },
  ) {}

  workflowId(shopifyOrderId: string): string {
    return orderWorkflowId(this.opts.shopDomain, shopifyOrderId);
  }

  /**
   * Start-or-signal: the order's workflow starts with this snapshot, or (already running) receives
   * it as an update. A finished workflow is never started again for the same order.
   */
  async deliverSnapshot(snapshot: OrderSnapshot): Promise<Delivery> {
    const input: OrderWorkflowInput = { shopDomain: this.opts.shopDomain, snapshot, settings: this.opts.settings };
    try {
      // Shopify gives a webhook 5 s: give up on Temporal after 4 s and answer 503, so Shopify retries.
      await this.client.withDeadline(Date.now() + HAND_OVER_DEADLINE_MS, () =>
        this.client.workflow.signalWithStart(ORDER_WORKFLOW_TYPE, {
          workflowId: this.workflowId(snapshot.shopifyOrderId),
          taskQueue: this.opts.taskQueue,
          args: [input],
          signal: orderUpdatedSignal,
          signalArgs: [snapshot],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: OrderStatusKey, value: 'syncing' },
            { key: ShopDomainKey, value: this.opts.shopDomain },
            { key: ShopifyOrderNameKey, value: snapshot.name },
          ],
          staticSummary: `Order ${snapshot.name} · ${this.opts.shopDomain}`,
        }),
      );
      return 'accepted';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'finished';
      throw err;
    }
  }

  async status(shopifyOrderId: string): Promise<OrderStatusView> {
    try {
      return await this.client.workflow.getHandle(this.workflowId(shopifyOrderId)).query(statusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new UnknownOrderError(shopifyOrderId);
      throw err;
    }
  }

  /** Sends a signal to a running order; unknown → UnknownOrderError, finished → OrderFinishedError. */
  async signal<Args extends unknown[]>(shopifyOrderId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
    const description = await this.describe(shopifyOrderId);
    if (description.status.name !== 'RUNNING') throw new OrderFinishedError(shopifyOrderId);
    try {
      await this.client.workflow.getHandle(this.workflowId(shopifyOrderId)).signal(signal, ...args);
    } catch (err) {
      // It finished between the look and the signal.
      if (err instanceof WorkflowNotFoundError) throw new OrderFinishedError(shopifyOrderId);
      throw err;
    }
  }

  /**
   * Vinoshipper's webhook only names its order number: find the running order workflow that holds
   * it and tell it to re-read. Returns false when no running order has that number.
   */
  async notifyVinoshipperEvent(vinoshipperOrderNumber: string, event: string): Promise<boolean> {
    const query = `WorkflowType="${ORDER_WORKFLOW_TYPE}" AND ShopDomain="${this.opts.shopDomain}" AND VinoshipperOrderNumber="${vinoshipperOrderNumber}" AND ExecutionStatus="Running"`;
    for await (const wf of this.client.workflow.list({ query, pageSize: 1 })) {
      await this.client.workflow.getHandle(wf.workflowId).signal(vinoshipperEventSignal, { event });
      return true;
    }
    return false;
  }

  /** Orders of this shop from visibility, newest first, optionally by status and issue type. */
  async list(filter: { status?: OrderStatus; issueType?: IssueType; limit: number }): Promise<OrderListing[]> {
    // Values come from the closed vocabularies (validated by the caller), so quoting is safe.
    const clauses = [`WorkflowType="${ORDER_WORKFLOW_TYPE}"`, `ShopDomain="${this.opts.shopDomain}"`];
    if (filter.status) clauses.push(`OrderStatus="${filter.status}"`);
    if (filter.issueType) clauses.push(`IssueType="${filter.issueType}"`);
    const listings: OrderListing[] = [];
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: filter.limit })) {
      const attributes = wf.typedSearchAttributes;
      listings.push({
        shopifyOrderId: wf.workflowId.split(':').pop()!,
        shopifyOrderName: attributes.get(ShopifyOrderNameKey) ?? null,
        status: (attributes.get(OrderStatusKey) as OrderStatus | undefined) ?? null,
        issueType: (attributes.get(IssueTypeKey) as IssueType | undefined) ?? null,
        vinoshipperOrderNumber: attributes.get(VinoshipperOrderNumberKey) ?? null,
        workflowId: wf.workflowId,
        running: wf.status.name === 'RUNNING',
        startedAt: wf.startTime.toISOString(),
      });
      if (listings.length >= filter.limit) break;
    }
    return listings;
  }

  async describe(shopifyOrderId: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.client.workflow.getHandle(this.workflowId(shopifyOrderId)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new UnknownOrderError(shopifyOrderId);
      throw err;
    }
  }
}
