// Handing orders to Temporal: the one place that knows how an order workflow is started, found,
// signalled and queried. Used by the webhook routes, the ops API and the reconciliation job.
import { ShopSettings } from './shop-settings';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import {
  VINOSHIPPER_ORDER_NUMBER_PATTERN,
  cancelUpdate,
  markResolvedUpdate,
  refundUpdate,
  retryUpdate,
  shopifyOrderIdInVinoshipperNumber,
  vinoshipperOrderAliasId,
  type OrderRequestAnswer,
  IssueCauseKey,
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
  type ShopSettingsState,
  type OrderStatusView,
  type OrderWorkflowInput,
} from '../domain';

/** `accepted`: the order's workflow started with it or received it; `finished`: the workflow had already ended. */
export type Delivery = 'accepted' | 'finished';

/** Without WEBHOOK_HANDOVER_TIMEOUT (callers other than the webhook route, e.g. reconciliation): well inside Shopify's 5 s. */
const HAND_OVER_DEADLINE_MS = 4_000;

export class UnknownOrderError extends Error {
  constructor(readonly shopifyOrderId: string) {
    super(`No order ${shopifyOrderId} is known to cellarhand`);
  }
}
/**
 * The order cannot answer: its workflow task keeps failing in Temporal (an error in the workflow
 * code, a change that cannot replay its history, the server), the case WORKFLOW_TASK_PROBLEMS flags.
 */
export class OrderWorkflowFailingError extends Error {
  constructor(
    readonly shopifyOrderId: string,
    readonly workflowId: string,
    readonly attempts: number,
  ) {
    super(
      `cellarhand cannot run order ${shopifyOrderId} now: its workflow has failed ${attempts} times in a row in Temporal. A developer is needed: the Temporal Web UI shows the failure. Nothing is lost meanwhile: once the workflow runs again, the order carries on.`,
    );
  }
}

/** A person's request that does not apply to the order now; the message is the order's reason. */
export class RequestRefusedError extends Error {
  constructor(
    readonly shopifyOrderId: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The requests people make of an order (console, ops API), each a Temporal Update with a validator. */
export type OrderRequestKind = 'retry' | 'refund' | 'cancel' | 'resolve';
export type OrderRequestArgs = {
  retry: { by?: string };
  refund: { reason: string; by?: string };
  cancel: { reason: string; by?: string };
  resolve: { note: string; by?: string };
};

/**
 * How long a request waits for the order's answer before saying it is under way: an answer normally
 * takes one activity (well under a second); Vinoshipper or Shopify being slow can take a minute.
 */
const REQUEST_ANSWER_WAIT_MS = 10_000;
const ORDER_REQUEST_UPDATES = { retry: retryUpdate, refund: refundUpdate, cancel: cancelUpdate, resolve: markResolvedUpdate } as const;

/** One line of the order list, read from Temporal visibility (search attributes only: no personal data). */
export interface OrderListing {
  shopifyOrderId: string;
  shopifyOrderName: string | null;
  status: OrderStatus | null;
  issueType: IssueType | null;
  /** `issueCause()` of the open issue (type plus SKU or state); null when none is open. */
  issueCause: string | null;
  vinoshipperOrderNumber: string | null;
  workflowId: string;
  running: boolean;
  startedAt: string;
}

/** Which orders to list; `search` is an order name (`#1036`) or Vinoshipper order number, checked by `ORDER_SEARCH`. */
export interface OrderListFilter {
  status?: OrderStatus;
  issueType?: IssueType;
  /** Any of these issue types. */
  issueTypes?: readonly IssueType[];
  search?: string;
  /** Only running orders (finished ones keep their last status). */
  running?: boolean;
  /** Only orders whose workflow cannot run: Temporal reports their workflow task failing or timing out (WORKFLOW_TASK_PROBLEMS). */
  workflowTaskFailing?: boolean;
  limit: number;
}

/**
 * Temporal's own flag (the `TemporalReportedProblems` search attribute, the Web UI's "task failures"
 * view) on a workflow whose task failed or timed out twice in a row and has not succeeded since:
 * a bug that throws in workflow code, a nondeterministic change, a task the server lost. The order
 * cannot act or answer queries, and no issue of its own can say so. Cleared by Temporal once a task
 * succeeds. Servers set it when `system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute`
 * is above 0 (Temporal Cloud; deploy/temporal-server/dynamicconfig.yaml for ours).
 */
export const WORKFLOW_TASK_PROBLEMS = ['category=WorkflowTaskFailed', 'category=WorkflowTaskTimedOut'] as const;

/** What a search may hold: it goes into a visibility query, so no quotes or backslashes. */
export const ORDER_SEARCH = /^#?[A-Za-z0-9._-]{1,40}$/;

export class OrderWorkflows {
  /** The shop's sync switch and install time (temporal/shop-settings.ts), read for every new order. */
  readonly shopSettings: ShopSettings;

  constructor(
    /** Also used to start the privacy workflows (api/shopify-webhooks.ts): one client per API process. */
    readonly client: Client,
    private readonly opts: { shopDomain: string; taskQueue: string; settings: OrderSettings; handOverTimeoutMs?: number },
  ) {
    this.shopSettings = new ShopSettings(client, { shopDomain: opts.shopDomain, taskQueue: opts.taskQueue, syncEnabledByDefault: opts.settings.syncEnabled });
  }

  workflowId(shopifyOrderId: string): string {
    return orderWorkflowId(this.opts.shopDomain, shopifyOrderId);
  }

  /**
   * A new order's settings: configuration, with the shop's current sync switch, and the cut-off
   * SYNC_ORDERS_CREATED_AFTER or else the install time (orders placed before it are never sent).
   */
  async orderSettings(): Promise<OrderSettings> {
    const shop = await this.shopSettings.current();
    return { ...this.opts.settings, syncEnabled: shop.syncEnabled, ordersCreatedAfter: this.cutOff(shop) };
  }

  /** The shop's settings as people see them (ops API, console): with the skip tag and the cut-off. */
  async settingsView(): Promise<ShopSettingsState & { excludeTag: string; ordersCreatedAfter: string }> {
    const shop = await this.shopSettings.current();
    return { ...shop, excludeTag: this.opts.settings.excludeTag, ordersCreatedAfter: this.cutOff(shop) };
  }

  private cutOff(shop: ShopSettingsState): string {
    return this.opts.settings.ordersCreatedAfter ?? shop.installedAt;
  }

  /**
   * Start-or-signal: the order's workflow starts with this snapshot, or (already running) receives
   * it as an update. A finished workflow is never started again for the same order.
   */
  async deliverSnapshot(snapshot: OrderSnapshot, deadline = Date.now() + (this.opts.handOverTimeoutMs ?? HAND_OVER_DEADLINE_MS)): Promise<Delivery> {
    try {
      // Shopify gives a webhook 5 s: give up on Temporal well before (the webhook route passes a
      // deadline from the delivery's arrival) and answer 503, so Shopify retries.
      await this.client.withDeadline(deadline, async () => {
        const input: OrderWorkflowInput = {
          shopDomain: this.opts.shopDomain,
          snapshot,
          settings: await this.orderSettings(),
          vinoshipperNumberScheme: 'number-and-id',
        };
        return this.client.workflow.signalWithStart(ORDER_WORKFLOW_TYPE, {
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
        });
      });
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
      throw (await this.failingWorkflow(shopifyOrderId)) ?? err;
    }
  }

  /** Why a query failed, when it is the workflow task failing again and again (the server refuses queries then). */
  private async failingWorkflow(shopifyOrderId: string): Promise<OrderWorkflowFailingError | null> {
    const description = await this.describe(shopifyOrderId).catch(() => null);
    const attempts = description?.raw.pendingWorkflowTask?.attempt ?? 0;
    return description && attempts >= 2 ? new OrderWorkflowFailingError(shopifyOrderId, description.workflowId, attempts) : null;
  }

  /**
   * A person's request, answered for real: the order's Update validator refuses what does not apply
   * (RequestRefusedError with the reason); an accepted request answers once the order has acted on
   * it, or says it is under way when that takes longer than a few seconds. The same `requestId`
   * twice (a double click, a resent form) is one request: Temporal gives both the one Update's answer.
   */
  async request<K extends OrderRequestKind>(
    shopifyOrderId: string,
    kind: K,
    args: OrderRequestArgs[K],
    opts: { requestId?: string } = {},
  ): Promise<OrderRequestAnswer> {
    const handle = this.client.workflow.getHandle(this.workflowId(shopifyOrderId));
    try {
      const definition = ORDER_REQUEST_UPDATES[kind] as UpdateDefinition<OrderRequestAnswer, [OrderRequestArgs[K]]>;
      const update = await handle.startUpdate(definition, { args: [args], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId: opts.requestId });
      // Waiting for the answer is a long poll: stopped once we say "under way", so no poll outlives the request.
      const stopWaiting = new AbortController();
      const result = this.client.withAbortSignal(stopWaiting.signal, () => update.result());
      result.catch(() => undefined); // answered below, or after we stopped waiting
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REQUEST_ANSWER_WAIT_MS)));
      const answer = await Promise.race([result, late]).finally(() => clearTimeout(timer));
      if (answer) return answer;
      stopWaiting.abort();
      const view = await handle.query(statusQuery);
      return { outcome: 'waiting', status: view.status, message: 'Accepted; the order is still working on it.' };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw new RequestRefusedError(shopifyOrderId, err.cause.message);
      if (err instanceof WorkflowNotFoundError) {
        const description = await this.describe(shopifyOrderId); // UnknownOrderError when there is no such order
        const status = await handle.query(statusQuery).then(
          (v) => v.status,
          () => description.status.name.toLowerCase(),
        );
        throw new RequestRefusedError(shopifyOrderId, `the order is already ${status}`);
      }
      throw err;
    }
  }

  /**
   * Vinoshipper's webhook only names its order number, and our numbers carry the Shopify order id
   * (domain/workflow-ids.ts): the order's workflow is signalled by id at once — no lookup, no
   * visibility query (nothing from the webhook goes into a query string), and the first webhook after
   * submission is never missed. A number without the id belongs to an order started before numbers
   * carried it: its alias workflow (`vinoshipper-order:<shop>:<number>`, memo: the order's workflow)
   * is described instead. Returns false when no running order of ours has that number.
   */
  async notifyVinoshipperEvent(vinoshipperOrderNumber: string, event: string): Promise<boolean> {
    if (!VINOSHIPPER_ORDER_NUMBER_PATTERN.test(vinoshipperOrderNumber)) return false;
    try {
      const shopifyOrderId = shopifyOrderIdInVinoshipperNumber(this.opts.settings.vinoshipperOrderPrefix, vinoshipperOrderNumber);
      const orderWorkflowId = shopifyOrderId ? this.workflowId(shopifyOrderId) : await this.aliasedOrder(vinoshipperOrderNumber);
      if (!orderWorkflowId) return false;
      await this.client.workflow.getHandle(orderWorkflowId).signal(vinoshipperEventSignal, { event, vinoshipperOrderNumber });
      return true;
    } catch (err) {
      // No such order (or alias), or its order has finished.
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The order workflow an alias names (orders numbered without the Shopify order id). */
  private async aliasedOrder(vinoshipperOrderNumber: string): Promise<string | null> {
    const description = await this.client.workflow.getHandle(vinoshipperOrderAliasId(this.opts.shopDomain, vinoshipperOrderNumber)).describe();
    const orderWorkflowId = description.memo?.orderWorkflowId;
    return typeof orderWorkflowId === 'string' ? orderWorkflowId : null;
  }

  /** Orders of this shop from visibility, newest first, optionally by status, issue type or name. */
  async list(filter: OrderListFilter): Promise<OrderListing[]> {
    const listings: OrderListing[] = [];
    for await (const wf of this.client.workflow.list({ query: orderListQuery(this.opts.shopDomain, filter), pageSize: filter.limit })) {
      listings.push(orderListing(wf));
      if (listings.length >= filter.limit) break;
    }
    return listings;
  }

  /** How many orders of this shop match (visibility's count). */
  async count(filter: Omit<OrderListFilter, 'limit'>): Promise<number> {
    return (await this.client.workflow.count(orderListQuery(this.opts.shopDomain, filter))).count;
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

/** The visibility query for a shop's orders (also used by the worker's activities that list them). */
export function orderListQuery(shopDomain: string, filter: Omit<OrderListFilter, 'limit'>): string {
  // Values come from the closed vocabularies or ORDER_SEARCH (validated here too), so quoting is safe.
  const clauses = [`WorkflowType="${ORDER_WORKFLOW_TYPE}"`, `ShopDomain="${shopDomain}"`];
  if (filter.status) clauses.push(`OrderStatus="${filter.status}"`);
  if (filter.issueType) clauses.push(`IssueType="${filter.issueType}"`);
  if (filter.issueTypes) clauses.push(`IssueType IN (${filter.issueTypes.map((t) => `"${t}"`).join(', ')})`);
  if (filter.running) clauses.push('ExecutionStatus="Running"');
  if (filter.workflowTaskFailing) clauses.push(`TemporalReportedProblems IN (${WORKFLOW_TASK_PROBLEMS.map((p) => `"${p}"`).join(', ')})`);
  if (filter.search !== undefined) {
    if (!ORDER_SEARCH.test(filter.search)) throw new Error(`Not an order name or number: ${JSON.stringify(filter.search)}`);
    const name = filter.search.replace(/^#/, '');
    clauses.push(`(ShopifyOrderName IN ("#${name}", "${name}") OR VinoshipperOrderNumber = "${name}")`);
  }
  return clauses.join(' AND ');
}

/** One order workflow as visibility lists it: its search attributes, no history read. */
export function orderListing(wf: WorkflowExecutionInfo): OrderListing {
  const attributes = wf.typedSearchAttributes;
  return {
    shopifyOrderId: wf.workflowId.split(':').pop()!,
    shopifyOrderName: attributes.get(ShopifyOrderNameKey) ?? null,
    status: (attributes.get(OrderStatusKey) as OrderStatus | undefined) ?? null,
    issueType: (attributes.get(IssueTypeKey) as IssueType | undefined) ?? null,
    issueCause: attributes.get(IssueCauseKey) ?? null,
    vinoshipperOrderNumber: attributes.get(VinoshipperOrderNumberKey) ?? null,
    workflowId: wf.workflowId,
    running: wf.status.name === 'RUNNING',
    startedAt: wf.startTime.toISOString(),
  };
}
