// The alert digest's grouping rules on the time-skipping server with stub activities: windows of
// minutes pass at once, and the stubs record exactly what the workflow asked to send and tell.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../../config';
import {
  ALERT_DIGEST_WORKFLOW_TYPE,
  FAILURE_TYPES,
  alertDigestQuery,
  merchantAlertSignal,
  rateLimitedTaskQueues,
  sendAlertsNowSignal,
  type AlertDigestActivities,
  type AlertDigestEmailInput,
  type AlertDigestInput,
  type MerchantAlert,
  type MerchantToldInput,
} from '../../domain';
import { createDataConverter } from '../../temporal/data-converter';

const SHOP = 'napa-cellars.myshopify.com';
const WINDOW_MS = 10 * 60_000;
const config = loadConfig({ NODE_ENV: 'test' });

let env: TestWorkflowEnvironment;
let workers: Worker[];
let running: Promise<unknown>;
let taskQueue: string;

/** What the stub activities were asked to do. */
let emails: AlertDigestEmailInput[];
let told: MerchantToldInput[];
let openOrders: string[];
let failEmails: boolean;

const stubs: AlertDigestActivities = {
  async sendMerchantAlertDigest(input) {
    if (failEmails) throw ApplicationFailure.nonRetryable('Resend HTTP 403 invalid_from_address', FAILURE_TYPES.emailRejected);
    emails.push(input);
    return { emailId: `email-${emails.length}` };
  },
  async tellOrdersMerchantWasTold(input) {
    told.push(input);
    return { told: input.orders.length, gone: 0 };
  },
  async ordersStillNeedingAttention(ids) {
    return ids.filter((id) => openOrders.includes(id));
  },
};

beforeAll(() => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
});

beforeEach(async () => {
  // A test server each: one test's digest can hold the server's clock after it was terminated and its
  // workers stopped (after a continue-as-new, under load), and the next test's skipped time never came.
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: JSON.parse(process.env.CELLARHAND_TEST_TEST_SERVER!) },
    client: { dataConverter: createDataConverter(config.codec) },
  });
  emails = [];
  told = [];
  openOrders = [];
  failEmails = false;
  taskQueue = `digest-${randomUUID()}`;
  // Two workers with only the stubs: the digest's own task queue, and the email queue beside it,
  // where the digest sends its emails (one Resend budget for the deployment); only there can they run.
  const { sendMerchantAlertDigest, ...onDigestQueue } = stubs;
  const common = { connection: env.nativeConnection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.codec) };
  workers = [
    await Worker.create({ ...common, taskQueue, activities: onDigestQueue, workflowBundle: { codePath: process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE! } }),
    await Worker.create({ ...common, taskQueue: rateLimitedTaskQueues(taskQueue).email, activities: { sendMerchantAlertDigest } }),
  ];
  running = Promise.all(workers.map((w) => w.run()));
});
afterEach(async () => {
  for (const w of workers ?? []) w.shutdown();
  await running;
  await env?.teardown();
});
jest.setTimeout(30_000);

let orderCounter = 1000;
function alert(overrides: Partial<MerchantAlert> = {}): MerchantAlert {
  const n = ++orderCounter;
  const orderWorkflowId = `order:${SHOP}:${5_000_000_000 + n}`;
  return {
    kind: 'issue',
    cause: 'product_missing:NOPE-3',
    issueType: 'product_missing',
    shopifyOrderId: String(5_000_000_000 + n),
    shopifyOrderName: `#${n}`,
    orderWorkflowId,
    subjectLine: 'A product on this order does not exist in Vinoshipper',
    details: 'SKU NOPE-3 is not in Vinoshipper',
    steps: ['Fix the SKU.'],
    key: `${orderWorkflowId}/issue/1`,
    raisedAt: new Date().toISOString(),
    ...overrides,
  };
}

function digest(settings: Partial<AlertDigestInput['settings']> = {}) {
  const workflowId = `alerts:${SHOP}:${randomUUID()}`;
  const input: AlertDigestInput = { shopDomain: SHOP, settings: { windowMs: WINDOW_MS, forgetAfterMs: 24 * 3_600_000, maxHistoryEvents: 2_000, ...settings } };
  return {
    workflowId,
    handle: env.client.workflow.getHandle(workflowId),
    /** What queueMerchantAlert does: signal-with-start. */
    send: (a: MerchantAlert) =>
      env.client.workflow.signalWithStart(ALERT_DIGEST_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [input],
        signal: merchantAlertSignal,
        signalArgs: [a],
      }),
  };
}

async function until<T>(what: string, probe: () => T | null | undefined | false): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = probe();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('20 orders of one cause in the window: one email naming all 20; a 21st after it: one follow-up', async () => {
  const d = digest();
  const twenty = Array.from({ length: 20 }, () => alert());
  for (const a of twenty) await d.send(a);
  const view = await d.handle.query(alertDigestQuery);
  expect(view.groups).toHaveLength(1);
  expect(view.groups[0].pendingOrders).toHaveLength(20);
  expect(emails).toHaveLength(0);

  await env.sleep(WINDOW_MS + 1_000);
  await until('the email', () => told.length === 1);
  expect(emails).toHaveLength(1);
  expect(emails[0]).toMatchObject({ kind: 'issue', cause: 'product_missing:NOPE-3', followUp: false, earlierOrders: 0 });
  expect(emails[0].alerts.map((a) => a.shopifyOrderName)).toEqual(twenty.map((a) => a.shopifyOrderName));
  expect(told[0]).toMatchObject({ sent: true, emailId: 'email-1', ordersInEmail: 20 });
  expect(told[0].orders.map((o) => o.key)).toEqual(twenty.map((a) => a.key));

  // The same hand-over again (an activity retry): never listed twice.
  await d.send(twenty[3]);
  const late = alert();
  await d.send(late);
  await env.sleep(WINDOW_MS + 1_000);
  await until('the follow-up', () => told.length === 2);
  expect(emails).toHaveLength(2);
  expect(emails[1]).toMatchObject({ followUp: true, earlierOrders: 20 });
  expect(emails[1].alerts.map((a) => a.shopifyOrderName)).toEqual([late.shopifyOrderName]);
  expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(2);
});

test('causes and kinds are grouped apart; one order is listed once; send-now does not wait for the window', async () => {
  const d = digest();
  const missing = alert();
  const california = alert({ cause: 'compliance_failed:CA', issueType: 'compliance_failed', key: 'x/issue/1' });
  const reminder = alert({ kind: 'reminder', subjectLine: 'Still needs attention', key: 'y/reminder/1' });
  await d.send(missing);
  await d.send(california);
  await d.send(reminder);
  // A second occurrence of the same order's issue in the same window replaces the first line.
  await d.send({ ...missing, key: `${missing.orderWorkflowId}/issue/2`, details: 'SKU NOPE-3 still missing' });

  await d.handle.signal(sendAlertsNowSignal);
  await until('three emails', () => told.length === 3);
  const byCause = Object.fromEntries(emails.map((e) => [`${e.kind}|${e.cause}`, e.alerts]));
  expect(Object.keys(byCause).sort()).toEqual(['issue|compliance_failed:CA', 'issue|product_missing:NOPE-3', 'reminder|product_missing:NOPE-3']);
  expect(byCause['issue|product_missing:NOPE-3'].map((a) => a.details)).toEqual(['SKU NOPE-3 still missing']);
  const view = await d.handle.query(alertDigestQuery);
  expect(view.groups.every((g) => g.pendingOrders.length === 0 && g.sendsAt === null)).toBe(true);
  expect(view.recent).toHaveLength(3);
});

test('an email that finally fails is noted on the orders, and the digest carries on', async () => {
  failEmails = true;
  const d = digest();
  const a = alert();
  await d.send(a);
  await env.sleep(WINDOW_MS + 1_000);
  await until('the orders to be told', () => told.length === 1);
  expect(told[0]).toMatchObject({ sent: false, emailId: null, ordersInEmail: 1 });
  const view = await d.handle.query(alertDigestQuery);
  expect(view.recent[0].error).toMatch(/invalid_from_address/);

  failEmails = false;
  await d.send(alert({ cause: 'compliance_failed:UT', issueType: 'compliance_failed' }));
  await env.sleep(WINDOW_MS + 1_000);
  await until('the next email', () => emails.length === 1);
});

test('continues as new with its groups: a window open across the new run still sends one email with every order', async () => {
  const d = digest({ maxHistoryEvents: 30 });
  const batch = Array.from({ length: 12 }, () => alert({ cause: 'vinoshipper_unreachable:outage', issueType: 'vinoshipper_unreachable' }));
  await d.send(batch[0]);
  const firstRun = (await d.handle.describe()).runId;
  for (const a of batch.slice(1)) {
    await d.send(a);
    await env.sleep(1_000);
  }
  // Continued as new while the window was still open.
  expect((await d.handle.describe()).runId).not.toBe(firstRun);
  expect((await d.handle.query(alertDigestQuery)).groups[0].pendingOrders).toHaveLength(12);
  expect(emails).toHaveLength(0);
  await env.sleep(WINDOW_MS);
  await until('the email', () => emails.length === 1);
  expect(emails[0].alerts).toHaveLength(12);
  // A repeated key after continue-as-new is still recognised: the next email names only a new alert.
  await d.send(batch[0]);
  const fresh = alert({ cause: 'vinoshipper_unreachable:outage', issueType: 'vinoshipper_unreachable' });
  await d.send(fresh);
  await d.handle.signal(sendAlertsNowSignal);
  await until('the next email', () => emails.length === 2);
  expect(emails[1].alerts.map((a) => a.key)).toEqual([fresh.key]);
});

test('a cause whose orders are all resolved is forgotten after a quiet day; one still open keeps it', async () => {
  const d = digest();
  const resolved = alert({ cause: 'product_missing:OLD-1' });
  const stuck = alert({ cause: 'product_missing:STUCK-2' });
  openOrders = [stuck.orderWorkflowId];
  await d.send(resolved);
  await d.send(stuck);
  await env.sleep(WINDOW_MS + 1_000);
  await until('two emails', () => told.length === 2);

  await env.sleep(25 * 3_600_000);
  const view = await d.handle.query(alertDigestQuery);
  expect(view.groups.map((g) => g.cause)).toEqual(['product_missing:STUCK-2']);

  // An order joining the forgotten cause gets a full first email again, not a follow-up.
  await d.send(alert({ cause: 'product_missing:OLD-1' }));
  await env.sleep(WINDOW_MS + 1_000);
  await until('the new email', () => emails.length === 3);
  expect(emails[2]).toMatchObject({ cause: 'product_missing:OLD-1', followUp: false });
});

test('a window the hand-over carries (a changed ALERT_GROUP_WINDOW) applies from the next window on', async () => {
  const d = digest();
  await d.send(alert({ windowMs: 60_000 }));
  await env.sleep(30_000);
  await new Promise((r) => setTimeout(r, 300));
  expect(emails).toHaveLength(0);
  await env.sleep(31_000);
  await until('the email after one minute', () => emails.length === 1);
});
