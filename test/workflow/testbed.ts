// The order workflow on the time-skipping test server with stub activities (test/workflow/stub-world.ts):
// the real workflow bundle, real timers, signals, Updates, search attributes and continue-as-new,
// and an outside world the test controls. Days of workflow time pass in milliseconds.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import {
  IssueCauseKey,
  IssueTypeKey,
  ORDER_SEARCH_ATTRIBUTES,
  ORDER_WORKFLOW_TYPE,
  OrderStatusKey,
  ShopDomainKey,
  ShopifyOrderNameKey,
  orderUpdatedSignal,
  orderWorkflowId,
  statusQuery,
  vinoshipperOrderNumberFor,
  type OrderSettings,
  type OrderSnapshot,
  type OrderStatusView,
  type OrderWorkflowInput,
} from '../../domain';
import { FAILURE_CONVERTER_PATH } from '../../temporal/data-converter';
import { executable, registerSearchAttributes } from '../helpers/stack';
import { StubWorld } from './stub-world';

export const SHOP = 'cellarhand-test.myshopify.com';
const { PENDING_ACTIVITY_STATE_SCHEDULED: SCHEDULED, PENDING_ACTIVITY_STATE_STARTED: STARTED } = temporal.api.enums.v1.PendingActivityState;
const HOUR = 3_600_000;

let runtimeInstalled = false;

export class OrderTestbed {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly world: StubWorld,
    private readonly taskQueue: string,
    private readonly workers: Worker[],
    private readonly running: Promise<unknown>,
  ) {}

  private readonly started: string[] = [];

  /**
   * `time-skipping` (default): timers fire at once when nothing else happens. `local`: the CLI dev
   * server in real time, for what only it does (e.g. suggesting continue-as-new early, `devServerArgs`).
   */
  static async create(opts: { server?: 'time-skipping' | 'local'; devServerArgs?: string[] } = {}): Promise<OrderTestbed> {
    if (!runtimeInstalled) {
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
      runtimeInstalled = true;
    }
    // The payload codec is end-to-end tested elsewhere; here only the workflow's logic matters, so
    // payloads go unencrypted (the failure converter stays: the bundle is built with it).
    const dataConverter = { failureConverterPath: FAILURE_CONVERTER_PATH };
    const env =
      opts.server === 'local'
        ? await TestWorkflowEnvironment.createLocal({
            server: {
              executable: executable('CELLARHAND_TEST_CLI'),
              searchAttributes: ORDER_SEARCH_ATTRIBUTES,
              extraArgs: opts.devServerArgs,
              log: { format: 'pretty', level: 'error' },
            },
            client: { dataConverter },
          })
        : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: executable('CELLARHAND_TEST_TEST_SERVER') }, client: { dataConverter } });
    if (opts.server !== 'local') await registerSearchAttributes(env);
    const taskQueue = `orders-${randomUUID()}`;
    const world = new StubWorld();
    const activities = world.activities();
    const common = { connection: env.nativeConnection, dataConverter, activities };
    const workers = [
      await Worker.create({ ...common, taskQueue, workflowBundle: { codePath: process.env.TESTBED_BUNDLE ?? process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE! } }),
      await Worker.create({ ...common, taskQueue: `${taskQueue}-vinoshipper` }),
      await Worker.create({ ...common, taskQueue: `${taskQueue}-email` }),
    ];
    const running = Promise.all(workers.map((w) => w.run()));
    return new OrderTestbed(env, world, taskQueue, workers, running);
  }

  /** Settings as configuration would give them, with short waits that tests override. */
  settings(overrides: Partial<OrderSettings> = {}): OrderSettings {
    const legacy = { vinoshipperPollIntervalMs: 15 * 60_000, issueRecheckIntervalMs: 30 * 60_000 }; // read by the workflow before this rewrite
    return {
      vinoshipperOrderPrefix: 'CH-',
      excludeTag: 'vinoshipper-skip',
      syncEnabled: true,
      ordersCreatedAfter: null,
      authorizedPayments: 'wait',
      paymentReminderAfterMs: 72 * HOUR,
      dateOfBirthAttribute: 'date_of_birth',
      recheckBackoffMs: [15 * 60_000, HOUR, 4 * HOUR, 12 * HOUR, 48 * HOUR, 72 * HOUR],
      unreachableRetryIntervalMs: 10 * 60_000,
      reminderAfterMs: 24 * HOUR,
      autoRefundEnabled: false,
      autoRefundAfterMs: 72 * HOUR,
      skippedResumeWindowMs: 30 * 24 * HOUR,
      alertMode: 'per_order',
      taskQueues: { vinoshipper: `${this.taskQueue}-vinoshipper`, email: `${this.taskQueue}-email` },
      ...legacy,
      ...overrides,
    };
  }

  /**
   * Starts an order's workflow as the API does (signal-with-start with its snapshot). `numberedBefore`:
   * as an order started before Vinoshipper numbers carried the Shopify order id (no number scheme).
   */
  async start(snapshot: OrderSnapshot, settings: Partial<OrderSettings> = {}, { numberedBefore = false } = {}): Promise<WorkflowHandle> {
    const input: OrderWorkflowInput = {
      shopDomain: SHOP,
      snapshot,
      settings: this.settings(settings),
      ...(numberedBefore ? {} : { vinoshipperNumberScheme: 'number-and-id' as const }),
    };
    this.started.push(orderWorkflowId(SHOP, snapshot.shopifyOrderId));
    return this.env.client.workflow.signalWithStart(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(SHOP, snapshot.shopifyOrderId),
      taskQueue: this.taskQueue,
      args: [input],
      signal: orderUpdatedSignal,
      signalArgs: [snapshot],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The time-skipping server's clock jumps on `sleep`; a workflow task caught mid-flight by a
      // jump longer than its timeout expires (a test artifact). Give tasks the longest timeout.
      workflowTaskTimeout: '120s',
      typedSearchAttributes: [
        { key: OrderStatusKey, value: 'syncing' },
        { key: ShopDomainKey, value: SHOP },
        { key: ShopifyOrderNameKey, value: snapshot.name },
      ],
    });
  }

  /**
   * Waits (in real time) until the order has no workflow task and no activity in flight. The
   * time-skipping server moves its clock on `sleep` even while a task runs, and a task outrun by a
   * long jump expires; settling first keeps every step's outcome the same from run to run.
   */
  async settle(handle: WorkflowHandle, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { raw } = await handle.describe();
      // An activity is busy while it runs, or is scheduled for its first try; one waiting out a retry back-off is not.
      const busy =
        !!raw.pendingWorkflowTask ||
        this.world.inFlight > 0 ||
        !!raw.pendingActivities?.some((a) => a.state === STARTED || (a.state === SCHEDULED && !a.lastFailure));
      if (!busy) return;
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 4));
    }
  }

  /**
   * Lets `ms` of workflow time pass. A jump longer than a minute settles first; shorter ones stay
   * well inside the 120 s workflow-task timeout the testbed starts orders with.
   */
  async pass(handle: WorkflowHandle, ms: number): Promise<void> {
    if (ms > 60_000) await this.settle(handle);
    await this.env.sleep(ms);
  }

  async isRunning(handle: WorkflowHandle): Promise<boolean> {
    return (await handle.describe()).status.name === 'RUNNING';
  }

  status(handle: WorkflowHandle): Promise<OrderStatusView> {
    return handle.query(statusQuery);
  }

  /**
   * Lets workflow time pass (in `step`s) until the order's status view satisfies `predicate`;
   * fails with the last view after `max`.
   */
  async waitFor(
    handle: WorkflowHandle,
    what: string,
    predicate: (v: OrderStatusView) => boolean,
    opts: { step?: number; max?: number } = {},
  ): Promise<OrderStatusView> {
    const step = opts.step ?? 60_000;
    const max = Math.min(opts.max ?? 7 * 24 * HOUR, 400 * step);
    let view = await this.status(handle);
    for (let waited = 0; !predicate(view); waited += step) {
      if (waited > max)
        throw new Error(`Timed out waiting for ${what}; last status ${view.status}, issue ${view.issue?.type ?? 'none'}\n${timelineText(view)}`);
      await this.env.sleep(step);
      view = await this.status(handle);
    }
    return view;
  }

  /**
   * Lets workflow time pass until the workflow finishes, and returns its final view. (Not
   * `handle.result()`: it lets the test server skip time on its own, which races with `sleep`.)
   */
  async finished(handle: WorkflowHandle, opts: { step?: number; max?: number } = {}): Promise<OrderStatusView> {
    const step = opts.step ?? 60_000;
    const max = Math.min(opts.max ?? 7 * 24 * HOUR, 400 * step);
    for (let waited = 0; await this.isRunning(handle); waited += step) {
      if (waited > max) {
        const view = await this.status(handle);
        throw new Error(`Timed out waiting for the order to finish; last status ${view.status}, issue ${view.issue?.type ?? 'none'}\n${timelineText(view)}`);
      }
      await this.env.sleep(step);
    }
    return this.status(handle);
  }

  /** The order's search attributes as Temporal holds them (what the Web UI and the console filter on). */
  async searchAttributes(handle: WorkflowHandle): Promise<{ status: unknown; issueType: unknown; issueCause: unknown }> {
    const attributes = (await handle.describe()).typedSearchAttributes;
    return {
      status: attributes.get(OrderStatusKey) ?? null,
      issueType: attributes.get(IssueTypeKey) ?? null,
      issueCause: attributes.get(IssueCauseKey) ?? null,
    };
  }

  /**
   * Terminates the orders a test left running. On the time-skipping server every running timer
   * moves with the clock: an order left waiting would keep waking up in later tests.
   */
  async endOrders(): Promise<void> {
    const ids = this.started.splice(0);
    await Promise.all(
      ids.map(async (id) => {
        const handle = this.env.client.workflow.getHandle(id);
        const { status } = await handle.describe();
        if (status.name === 'RUNNING') await handle.terminate('test over');
      }),
    );
  }

  async teardown(): Promise<void> {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await this.running.catch(() => undefined);
    await this.env.teardown();
  }
}

export function timelineText(view: OrderStatusView): string {
  return view.timeline.map((e) => `  ${e.at} ${e.event}: ${e.message}`).join('\n');
}

export function vinoshipperNumber(snapshot: OrderSnapshot): string {
  return vinoshipperOrderNumberFor('CH-', snapshot);
}

/**
 * One testbed for a test file: created before its tests, torn down after; after each test the orders
 * it left running are ended and the stub world's faults and rules are reset. Returns a getter.
 */
export function useOrderTestbed(opts: Parameters<typeof OrderTestbed.create>[0] = {}): () => OrderTestbed {
  let bed: OrderTestbed | undefined;
  beforeAll(async () => {
    bed = await OrderTestbed.create(opts);
  }, 60_000);
  afterAll(async () => {
    await bed?.teardown();
  });
  afterEach(async () => {
    bed?.world.reset();
    await bed?.endOrders();
  });
  return () => bed!;
}
