// `npm run histories:record [-- <scenario>…] [--keep <folder>] [--list]`: records the event history
// of every scenario's end-to-end run into test/histories/, for the replay test
// (test/workflow/replay.test.ts) to replay against the current workflow code on every `npm test`.
//
// It boots the same in-process stack as the end-to-end tests (real dev server, worker, API and
// sandbox, test/helpers/stack.ts), plays each scenario to its end through the sandbox driver (the
// rehearsal catalogue, plus the paths the catalogue has no rehearsal for), waits until the
// workflow has nothing in flight, and fetches the history of every run (continued-as-new runs
// included). Payloads stay encrypted with the sandbox codec key (`sandbox-1`); the replay decodes
// them with the same data converter.
//
// All files are replaced only when every chosen scenario was recorded. Naming scenarios records
// just those and leaves the other files untouched. `--keep <folder>` first moves the current
// top-level set into test/histories/<folder>/, so the histories of the old workflow shape keep
// being replayed next to the new ones (README, "Changing the workflow safely").
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '../test/helpers/history-json';
import { temporal } from '@temporalio/proto';
import {
  DAILY_DIGEST_SCHEDULE_ID,
  DAILY_DIGEST_WORKFLOW_TYPE,
  ISSUE_WORDING,
  RECONCILIATION_SCHEDULE_ID,
  orderWorkflowId,
  privacyWorkflowId,
  recheckSignal,
  redactionStatusQuery,
  refundSignal,
  type OrderStatus,
} from '../domain';
import { StackDriver, type PlacedOrder } from '../sandbox/driver';
import globalSetup from '../test/helpers/global-setup';
import { deliverShopifyWebhook, waitFor } from '../test/helpers/http';
import { startStack, type Stack, type StackOptions } from '../test/helpers/stack';
import { ensureReconciliationSchedule } from '../worker/schedules';
import { SCENARIOS } from './scenarios/catalogue';
import { CABERNET, Rehearsal } from './scenarios/rehearsal';

export const HISTORIES_DIR = join(__dirname, '..', 'test', 'histories');
export const MANIFEST = 'manifest.json';

/** One line of test/histories/<folder>/manifest.json: the replay needs the workflow id, histories do not hold it. */
export interface ManifestEntry {
  file: string;
  scenario: string;
  workflowType: string;
  workflowId: string;
  /** 1-based run of the workflow id (continued-as-new runs follow the first). */
  run: number;
  /** How the run stood when recorded: COMPLETED, CONTINUED_AS_NEW, RUNNING (a running history replays too). */
  status: string;
  events: number;
  recordedAt: string;
}

export interface Manifest {
  about: string;
  codecKeyId: string;
  sdkVersion: string;
  histories: ManifestEntry[];
}

const { EventType } = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;

// ---- the stacks ----

/** Most scenarios: default timings, as in production; polling left at 15 min, so Vinoshipper's webhook hints move the orders. */
const MAIN: StackOptions = {
  env: { RECONCILE_INTERVAL: '1h' },
  // Deleted workflows (customers/redact) disappear within a second or two instead of up to a minute.
  dynamicConfig: { 'history.transferProcessorUpdateAckInterval': '1s', 'history.visibilityProcessorUpdateAckInterval': '1s' },
};
/** The grouped-alert rehearsals: merchant alerts through the shop's digest (a window longer than any step: it is sent on request). */
const GROUPED: StackOptions = { env: { RECONCILE_INTERVAL: '1h', ALERT_MODE: 'grouped', ALERT_GROUP_WINDOW: '10m' } };
/** Paths that take weeks in production, in seconds: polling every second (continue-as-new suggested at 60 events), reminder and automatic refund after 2 s. */
const FAST: StackOptions = {
  env: { RECONCILE_INTERVAL: '1h', RECHECK_BACKOFF: '1s', REMINDER_AFTER: '2s', AUTO_REFUND_ENABLED: 'true', AUTO_REFUND_AFTER: '2s' },
  dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 },
};

interface Ctx {
  stack: Stack;
  shop: StackDriver;
  client: Client;
  shopDomain: string;
  orderWorkflow(order: PlacedOrder): string;
  submitted(extra?: Record<string, unknown>): Promise<PlacedOrder>;
  waitStatus(order: PlacedOrder, status: OrderStatus): Promise<void>;
  blockCalifornia<T>(body: () => Promise<T>): Promise<T>;
  deliver(topic: string, payload: unknown): ReturnType<typeof deliverShopifyWebhook>;
}

/** A workflow to record; `stem` names its file(s) when a scenario records more than one. */
interface Target {
  workflowId: string;
  stem?: string;
}

interface Recording {
  name: string;
  summary: string;
  stack: 'main' | 'fast' | 'grouped';
  play(ctx: Ctx): Promise<Target[]>;
}

// ---- the scenarios ----

const quiet = () => undefined;
const plain = { ok: (t: string) => t, bad: (t: string) => t, dim: (t: string) => t };

/** The rehearsal catalogue (`npm run scenario`), played as rehearsed. */
const FROM_CATALOGUE: Recording[] = SCENARIOS.map((scenario) => ({
  name: scenario.name,
  summary: scenario.summary,
  stack: scenario.alertMode === 'grouped' ? 'grouped' : 'main',
  async play(ctx) {
    const { config } = ctx.stack;
    const rehearsal = new Rehearsal(
      ctx.shop,
      {
        apiUrl: ctx.stack.apiUrl,
        sandboxUrl: ctx.stack.sandboxUrl,
        stepTimeoutMs: 30_000,
        unreachableRetryIntervalMs: config.orders.unreachableRetryIntervalMs,
        issueRecheckIntervalMs: config.orders.recheckBackoffMs[0],
      },
      quiet,
      plain,
    );
    try {
      await scenario.run(rehearsal);
    } finally {
      await rehearsal.restore();
    }
    if (!rehearsal.current) throw new Error(`scenario ${scenario.name} placed no order`);
    const shopLevel = (scenario.workflows?.(ctx.shopDomain) ?? []).map((workflowId) => ({
      stem: `${scenario.name}-${workflowTypeStem(workflowId)}`,
      workflowId,
    }));
    return [{ workflowId: ctx.orderWorkflow(rehearsal.current), ...(shopLevel.length ? { stem: `${scenario.name}-order` } : {}) }, ...shopLevel];
  },
}));

/** `alerts:<shop>` → `digest`, `cellarhand-catalog-check-now` → `check`: the file name's second half. */
function workflowTypeStem(workflowId: string): string {
  return workflowId.startsWith('alerts:') ? 'digest' : 'check';
}

const MORE: Recording[] = [
  {
    name: 'daily-digest',
    summary: 'The daily digest: a stuck order listed in one email, grouped by cause.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.shop.placeOrder({ line_items: [{ sku: 'DIGEST-404', quantity: 1, price: '20.00' }] });
      await ctx.shop.waitForListing(order.id, 'needs_attention', 'product_missing');
      const workflowId = `${DAILY_DIGEST_SCHEDULE_ID}-recorded`;
      await ctx.client.workflow.execute(DAILY_DIGEST_WORKFLOW_TYPE, { taskQueue: ctx.stack.config.temporal.taskQueue, workflowId, args: [] });
      await ctx.shop.cancel(order.id, 'recorded');
      return [{ workflowId }];
    },
  },
  {
    name: 'customer-verification-approved',
    summary: 'Customer verification failed, then Vinoshipper approves the order: accepted, no resend.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.submitted();
      await ctx.shop.flagOrder(order.vinoshipperOrderNumber, 'customer_verification');
      await ctx.shop.waitForListing(order.id, 'needs_attention', 'customer_verification_failed');
      await ctx.shop.approveOrder(order.vinoshipperOrderNumber);
      await ctx.waitStatus(order, 'accepted');
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'compliance-cancel',
    summary: 'Compliance failed after checkout; the merchant cancels instead of refunding.',
    stack: 'main',
    play: (ctx) =>
      ctx.blockCalifornia(async () => {
        const order = await ctx.shop.placeOrder({ line_items: [CABERNET] });
        await ctx.shop.waitForListing(order.id, 'needs_attention', 'compliance_failed');
        await ctx.shop.cancel(order.id, 'Customer asked to cancel');
        await ctx.waitStatus(order, 'cancelled');
        return [{ workflowId: ctx.orderWorkflow(order) }];
      }),
  },
  {
    name: 'cancelled-after-shipment',
    summary: 'Cancelled in Shopify after Vinoshipper shipped (hint lost): needs attention, cancellation_failed.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.submitted();
      await ctx.shop.approveOrder(order.vinoshipperOrderNumber);
      await ctx.waitStatus(order, 'accepted');
      await ctx.shop.shipOrder(order.vinoshipperOrderNumber, '1Z0000000000000001', { webhook: false });
      await ctx.shop.cancelOrderInShopify(order.id);
      await ctx.shop.waitForListing(order.id, 'needs_attention', 'cancellation_failed');
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'skipped',
    summary: 'An order tagged vinoshipper-skip is skipped; nothing is sent.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.shop.placeOrder({ line_items: [CABERNET], tags: ['vinoshipper-skip'] });
      await ctx.waitStatus(order, 'skipped');
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'mark-resolved',
    summary: 'An order item issue fixed elsewhere: markResolved clears it, the order carries on.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.submitted();
      await ctx.shop.flagOrder(order.vinoshipperOrderNumber, 'order_item', 'Label mismatch');
      await ctx.shop.waitForListing(order.id, 'needs_attention', 'order_item_issue');
      await ctx.shop.resolve(order.id, 'Fixed the label in Vinoshipper by hand');
      await ctx.shop.waitForOrder(order.id, 'resolved', (v) => v.status === 'submitted' && !v.issue);
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'awaiting-payment',
    summary: 'An unpaid order (bank transfer) waits for orders/paid, then goes to Vinoshipper.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.shop.placeOrder({ line_items: [CABERNET] }, { webhook: false });
      const payload = await ctx.shop.shopifyOrder(order.id);
      await ctx.deliver('orders/create', { ...payload, financial_status: 'pending' });
      await ctx.shop.waitForOrder(order.id, 'waiting for payment', (v) => v.timeline.some((e) => e.event === 'awaiting_payment'));
      await ctx.deliver('orders/paid', { ...payload, financial_status: 'paid', updated_at: new Date(Date.parse(payload.updated_at) + 1_000).toISOString() });
      await ctx.waitStatus(order, 'submitted');
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'reconciliation',
    summary: 'An order whose webhook was lost: a reconciliation run finds it and starts its workflow.',
    stack: 'main',
    async play(ctx) {
      await ensureReconciliationSchedule(ctx.client, ctx.stack.config);
      const order = await ctx.shop.placeOrder({ line_items: [{ sku: 'CHARD-2023-750', quantity: 1, price: '28.00' }] }, { webhook: false });
      const schedule = ctx.client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
      const before = (await schedule.describe()).info.numActionsTaken;
      await schedule.trigger();
      const action = await waitFor('the schedule to start a run', async () => {
        const info = (await schedule.describe()).info;
        return info.numActionsTaken > before && info.recentActions[info.recentActions.length - 1];
      });
      const runId = action.action.workflow.workflowId;
      await ctx.client.workflow.getHandle(runId).result();
      await ctx.waitStatus(order, 'submitted');
      return [
        { stem: 'reconciliation', workflowId: runId },
        { stem: 'reconciliation-order', workflowId: ctx.orderWorkflow(order) },
      ];
    },
  },
  {
    name: 'privacy-data-request',
    summary: 'customers/data_request: the orders held are looked up and the merchant is emailed.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.submitted();
      const payload = {
        shop_id: 1,
        shop_domain: ctx.shopDomain,
        customer: { id: 7100000003 },
        orders_requested: [order.id, 5888888888],
        data_request: { id: 4242 },
      };
      const res = await ctx.deliver('customers/data_request', payload);
      if (res.status !== 200) throw new Error(`customers/data_request answered ${res.status}: ${JSON.stringify(res.body)}`);
      const workflowId = privacyWorkflowId('customers_data_request', ctx.shopDomain, '4242');
      await ctx.client.workflow.getHandle(workflowId).result();
      return [{ workflowId }];
    },
  },
  {
    name: 'privacy-customer-redact',
    summary: 'customers/redact: a finished order erased at once, a running one recorded, then erased on recheck once it has finished.',
    stack: 'main',
    async play(ctx) {
      const finished = await ctx.submitted();
      await ctx.shop.cancelOrderInShopify(finished.id);
      await ctx.waitStatus(finished, 'cancelled');
      await waitFor(
        'the cancelled order to complete',
        async () => (await ctx.client.workflow.getHandle(ctx.orderWorkflow(finished)).describe()).status.name === 'COMPLETED',
      );
      const running = await ctx.submitted();
      const payload = { shop_id: 1, shop_domain: ctx.shopDomain, customer: { id: 7100000001 }, orders_to_redact: [finished.id, running.id, 5999999999] };
      await ctx.deliver('customers/redact', payload);
      const workflowId = privacyWorkflowId('customers_redact', ctx.shopDomain, '7100000001');
      const redaction = ctx.client.workflow.getHandle(workflowId);
      await waitFor('the redaction to record the running order', async () => {
        const view = await redaction.query(redactionStatusQuery);
        return view.checks > 0 && view.running.length > 0;
      });
      await ctx.deliver('customers/redact', payload); // Shopify's retry joins the running redaction
      await ctx.shop.cancelOrderInShopify(running.id);
      await waitFor(
        'the running order to complete',
        async () => (await ctx.client.workflow.getHandle(ctx.orderWorkflow(running)).describe()).status.name === 'COMPLETED',
      );
      await redaction.signal(recheckSignal);
      await redaction.result();
      return [{ workflowId }];
    },
  },
  {
    name: 'continued-as-new',
    summary: 'A long-polling order continues as new, then is approved, shipped and fulfilled in its new run.',
    stack: 'fast',
    async play(ctx) {
      const order = await ctx.submitted({ line_items: [{ sku: 'ROSE-2023-750', quantity: 2, price: '24.00' }] });
      const handle = ctx.client.workflow.getHandle(ctx.orderWorkflow(order));
      const firstRun = (await handle.describe()).runId;
      await waitFor('a new run', async () => (await handle.describe()).runId !== firstRun, 30_000, 250);
      await ctx.shop.approveOrder(order.vinoshipperOrderNumber);
      await ctx.shop.shipOrder(order.vinoshipperOrderNumber, '1ZCONTINUE000001');
      await ctx.waitStatus(order, 'fulfilled');
      return [{ workflowId: handle.workflowId }];
    },
  },
  {
    name: 'refund-unconfirmed',
    summary: 'A refund whose every reply Shopify drops: held as refund_unconfirmed, then confirmed on retry (one refund) and closed.',
    stack: 'main',
    async play(ctx) {
      const order = await ctx.submitted();
      // Each of the refund activity's 6 tries reads the order first: its reply is dropped every time.
      await ctx.shop.injectShopifyFaults({ mode: 'drop_response', operation: 'any', count: 6 });
      await ctx.client.workflow.getHandle(ctx.orderWorkflow(order)).signal(refundSignal, { reason: 'recorded', by: 'recording' });
      // The activity's retries back off for about 31 s before the order gives up on an answer.
      await ctx.shop.waitForOrder(order.id, 'the refund held as unconfirmed', (v) => v.issue?.type === 'refund_unconfirmed', 90_000);
      // Shopify answers again: `retry` asks it at once (the next look would, after UNREACHABLE_RETRY_INTERVAL).
      await ctx.shop.injectShopifyFaults({ mode: 'none' });
      await ctx.shop.retry(order.id);
      await ctx.waitStatus(order, 'refunded');
      return [{ workflowId: ctx.orderWorkflow(order) }];
    },
  },
  {
    name: 'escalation-auto-refund',
    summary: 'A compliance issue nobody acts on: one reminder, then one automatic refund (AUTO_REFUND_ENABLED).',
    stack: 'fast',
    play: (ctx) =>
      ctx.blockCalifornia(async () => {
        const order = await ctx.shop.placeOrder({ line_items: [CABERNET] });
        await ctx.shop.waitForEmail(order.name, ISSUE_WORDING.compliance_failed.title);
        await ctx.shop.waitForEmail(order.name, '[Reminder]');
        await ctx.waitStatus(order, 'refunded');
        return [{ workflowId: ctx.orderWorkflow(order) }];
      }),
  },
];

export const RECORDINGS: Recording[] = [...FROM_CATALOGUE, ...MORE];

// ---- recording ----

interface Recorded {
  entry: ManifestEntry;
  json: string;
}

async function playAll(chosen: Recording[]): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  for (const kind of ['main', 'grouped', 'fast'] as const) {
    const mine = chosen.filter((r) => r.stack === kind);
    if (!mine.length) continue;
    console.log(`\nStarting the ${kind} stack…`);
    const stack = await startStack({ main: MAIN, grouped: GROUPED, fast: FAST }[kind]);
    try {
      const ctx = context(stack);
      for (const recording of mine) {
        const started = Date.now();
        const targets = await recording.play(ctx);
        const files: Recorded[] = [];
        for (const target of targets) files.push(...(await fetchRuns(ctx.client, recording.name, target.stem ?? recording.name, target.workflowId)));
        recorded.push(...files);
        const sizes = files.map((f) => `${f.entry.file} (${f.entry.events} events, ${kb(f.json)}, ${f.entry.status.toLowerCase()})`);
        console.log(`  ${recording.name.padEnd(32)} ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${sizes.join(', ')}`);
      }
    } finally {
      await stack.stop();
    }
  }
  return recorded;
}

function context(stack: Stack): Ctx {
  const shopDomain = stack.config.shopify.shopDomain;
  const shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  const ctx: Ctx = {
    stack,
    shop,
    client: stack.env.client,
    shopDomain,
    orderWorkflow: (order) => orderWorkflowId(shopDomain, order.id),
    async submitted(extra = {}) {
      const order = await shop.placeOrder({ line_items: [CABERNET], ...extra });
      await shop.waitForOrder(order.id, 'submitted and written back', (v) => v.status === 'submitted' && v.timeline.some((e) => e.event === 'written_back'));
      return order;
    },
    async waitStatus(order, status) {
      await shop.waitForOrder(order.id, status, (v) => v.status === status);
    },
    async blockCalifornia(body) {
      const { blockedStates } = await shop.blockedStates();
      await shop.setBlockedStates([...new Set([...blockedStates, 'CA'])]);
      try {
        return await body();
      } finally {
        await shop.setBlockedStates(blockedStates);
      }
    },
    deliver: (topic, payload) => deliverShopifyWebhook(stack.apiUrl, { topic, payload, secret: stack.config.shopify.webhookSecrets[0], shopDomain }),
  };
  return ctx;
}

/** Waits until the workflow has nothing in flight, then fetches every run, first to latest. */
async function fetchRuns(client: Client, scenario: string, stem: string, workflowId: string): Promise<Recorded[]> {
  await settle(client, workflowId);
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const firstRunId = startedAttributes(latest).firstExecutionRunId;
  const histories: History[] = [];
  let runId: string | null | undefined = firstRunId;
  for (;;) {
    const history = firstRunId ? await client.workflow.getHandle(workflowId, runId ?? undefined).fetchHistory() : latest;
    histories.push(history);
    const last = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!runId || !firstRunId) break;
    if (histories.length > 50) throw new Error(`${workflowId}: more than 50 runs`);
  }
  const recordedAt = new Date().toISOString();
  return histories.map((history, i) => {
    const file = histories.length === 1 ? `${stem}.json` : `${stem}.run-${i + 1}.json`;
    const events = history.events ?? [];
    return {
      json: `${historyToJSON(history)}\n`,
      entry: {
        file,
        scenario,
        workflowType: startedAttributes(history).workflowType?.name ?? 'unknown',
        workflowId,
        run: i + 1,
        status: closeStatus(events[events.length - 1]?.eventType),
        events: events.length,
        recordedAt,
      },
    };
  });
}

function startedAttributes(history: History) {
  const attrs = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!attrs) throw new Error('a history that does not begin with WorkflowExecutionStarted');
  return attrs;
}

function closeStatus(type: temporal.api.enums.v1.EventType | null | undefined): string {
  switch (type) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return 'COMPLETED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return 'CONTINUED_AS_NEW';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return 'FAILED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return 'TERMINATED';
    default:
      return 'RUNNING';
  }
}

/** Closed, or running with no workflow task or activity pending and a history that stopped growing. */
async function settle(client: Client, workflowId: string): Promise<void> {
  let previous = -1;
  await waitFor(
    `${workflowId} to settle`,
    async () => {
      const description = await client.workflow.getHandle(workflowId).describe();
      if (description.status.name !== 'RUNNING') return true;
      const busy = !!description.raw.pendingWorkflowTask || (description.raw.pendingActivities?.length ?? 0) > 0;
      const length = description.historyLength;
      const settled = !busy && length === previous;
      previous = busy ? -1 : length;
      return settled;
    },
    30_000,
    300,
  );
}

// ---- files ----

function readManifest(dir: string): Manifest | null {
  const path = join(dir, MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : null;
}

function sdkVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
}

/** Moves the current top-level set (manifest and its files) into test/histories/<folder>/. */
function keepCurrentSet(folder: string): void {
  const target = join(HISTORIES_DIR, folder);
  if (existsSync(target)) throw new Error(`test/histories/${folder} exists already: choose another --keep name`);
  const manifest = readManifest(HISTORIES_DIR);
  if (!manifest) throw new Error('test/histories has no manifest.json: nothing to keep');
  mkdirSync(target, { recursive: true });
  for (const entry of manifest.histories) renameSync(join(HISTORIES_DIR, entry.file), join(target, entry.file));
  renameSync(join(HISTORIES_DIR, MANIFEST), join(target, MANIFEST));
  console.log(`Moved ${manifest.histories.length} histories to test/histories/${folder}/; they keep being replayed.`);
}

function write(recorded: Recorded[], chosen: Recording[], all: boolean): Manifest {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const previous = readManifest(HISTORIES_DIR);
  const names = new Set(chosen.map((r) => r.name));
  // A full recording replaces every top-level history; a partial one only those of its scenarios.
  const stale = all
    ? readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && f !== MANIFEST)
    : (previous?.histories ?? []).filter((e) => names.has(e.scenario)).map((e) => e.file);
  for (const file of stale) rmSync(join(HISTORIES_DIR, file), { force: true });
  for (const { entry, json } of recorded) writeFileSync(join(HISTORIES_DIR, entry.file), json);
  const kept = all ? [] : (previous?.histories ?? []).filter((e) => !names.has(e.scenario));
  const order = new Map(RECORDINGS.map((r, i) => [r.name, i]));
  const histories = [...kept, ...recorded.map((r) => r.entry)].sort(
    (a, b) => (order.get(a.scenario) ?? 1e9) - (order.get(b.scenario) ?? 1e9) || a.file.localeCompare(b.file),
  );
  const manifest: Manifest = {
    about: 'Event histories replayed by test/workflow/replay.test.ts. Recorded by `npm run histories:record`; payloads encrypted with the sandbox codec key.',
    codecKeyId: 'sandbox-1',
    sdkVersion: sdkVersion(),
    histories,
  };
  writeFileSync(join(HISTORIES_DIR, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function kb(text: string): string {
  return `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`;
}

// ---- main ----

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { keep: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const duplicate = RECORDINGS.map((r) => r.name).find((name, i, all) => all.indexOf(name) !== i);
  if (duplicate) throw new Error(`two recordings are named ${duplicate}`);
  if (values.help || values.list) {
    console.log('Usage: npm run histories:record [-- <scenario>…] [--keep <folder>]\n\nScenarios:');
    for (const r of RECORDINGS) console.log(`  ${r.name.padEnd(32)} ${r.summary}`);
    return 0;
  }
  const unknown = positionals.filter((p) => !RECORDINGS.some((r) => r.name === p));
  if (unknown.length) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')} (see --list)`);
    return 2;
  }
  const all = positionals.length === 0;
  const chosen = all ? RECORDINGS : RECORDINGS.filter((r) => positionals.includes(r.name));
  if (values.keep !== undefined) {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(values.keep)) throw new Error('--keep takes a folder name (letters, digits, . _ -)');
    if (!all) throw new Error('--keep moves the whole current set: record every scenario with it');
  }

  console.log('Provisioning Temporal and bundling the workflow code (test/helpers/global-setup.ts)…');
  await globalSetup();
  const recorded = await playAll(chosen);
  if (values.keep !== undefined) keepCurrentSet(values.keep);
  const manifest = write(recorded, chosen, all);
  const bytes = recorded.reduce((sum, r) => sum + Buffer.byteLength(r.json), 0);
  console.log(`\nWrote ${recorded.length} histories (${(bytes / 1024).toFixed(0)} KB) to test/histories/; the manifest lists ${manifest.histories.length}.`);
  console.log('Check them with `npx jest test/workflow/replay`, then commit test/histories/.');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`\nRecording failed; test/histories/ is unchanged.\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
