// The worker as a real process (`node --import tsx worker/main.ts`) against a real Temporal server
// of its own (the dev server; under `npm run test:postgres` the server on PostgreSQL), with vendors that quote the customer's data back in their error bodies. What the process
// writes to stdout and stderr (its own logs, the SDK's "Activity failed" warnings, Core's forwarded
// logs) must hold none of it. Its operations port serves the SDK's and cellarhand's metrics in one
// /metrics, /health, and /ready, which turns 503 when Temporal goes away.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { loadConfig, sandboxServiceUrls } from '../../config';
import { createSandbox } from '../../sandbox';
import { createDataConverter } from '../../temporal/data-converter';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { orderSnapshot } from '../unit/vinoshipper-fixtures';
import { close, listen } from '../helpers/servers';
import { startOwnTemporalServer, type OwnTemporalServer } from '../helpers/stack';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
// Everything personal in the order below, and the merchant's address the issue email goes to.
const PERSONAL = [
  '"Ada"',
  'Lovelace',
  'ada@example.com',
  '1 Vine St',
  '9 Bill Rd',
  'Napa',
  'Sonoma',
  '1985-12-10',
  '+17075550100',
  'winery@cellarhand.example',
];

let temporal: OwnTemporalServer;
let temporalStopped = false;
let vendors: Server;
let worker: ChildProcess;
let exited: Promise<unknown>;
let metricsUrl: string;
const stdout: string[] = [];
const stderr: string[] = [];
const vendorAnswers: string[] = [];

beforeAll(async () => {
  const testConfig = loadConfig({ NODE_ENV: 'test' });
  temporal = await startOwnTemporalServer({ dataConverter: createDataConverter(testConfig.codec) });
  const { env } = temporal;

  // Vinoshipper and Resend that echo what they were sent in their errors; the sandbox for the rest.
  vendors = createServer();
  const vendorsUrl = await listen(vendors);
  const app = express();
  let puts = 0;
  app.put('/vinoshipper/api/v3/p/orders/:number', express.json(), (req, res) => {
    puts += 1;
    // First a 503 (retried), then a 403 (not retried): both quote the order back.
    const status = puts === 1 ? 503 : 403;
    const message = `Order refused for ${JSON.stringify(req.body)}`;
    vendorAnswers.push(message);
    res.status(status).json({ code: status === 503 ? 'UNAVAILABLE' : 'FORBIDDEN', message });
  });
  app.post('/resend/emails', express.json(), (req, res) => {
    const message = `Invalid email ${JSON.stringify(req.body)}`;
    vendorAnswers.push(message);
    res.status(422).json({ statusCode: 422, name: 'validation_error', message });
  });
  app.use(createSandbox(loadConfig({ NODE_ENV: 'test', SANDBOX_PORT: String((vendors.address() as AddressInfo).port) }), vendorsUrl).app);
  vendors.on('request', app);

  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const taskQueue = `observability-${randomUUID()}`;
  worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...sandboxServiceUrls(vendorsUrl),
      // Per-order emails, so the order's issue email is the failing call; no other schedule runs.
      ALERT_MODE: 'per_order',
      RECONCILE_ENABLED: 'false',
      CATALOG_CHECK_ENABLED: 'false',
      DAILY_DIGEST_ENABLED: 'false',
      WORKER_METRICS_PORT: String(metricsPort),
      ORDER_METRICS_INTERVAL: '1s',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = once(worker, 'exit');
  worker.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  await waitFor('the worker to be ready', async () => (await fetch(`${metricsUrl}/ready`)).ok);

  // The fixture order was placed in 2025, before this install: a cut-off before it lets it be sent.
  const config = loadConfig({ NODE_ENV: 'test', TEMPORAL_TASK_QUEUE: taskQueue, ALERT_MODE: 'per_order', SYNC_ORDERS_CREATED_AFTER: '2025-01-01' });
  const orders = new OrderWorkflows(env.client, { shopDomain: config.shopify.shopDomain, taskQueue, settings: config.orders });
  await orders.deliverSnapshot(orderSnapshot({ shopifyOrderId: '5000000777', name: '#1777', orderNumber: 1777 }));
});

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    worker.kill('SIGINT');
    const killer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }
  if (vendors) await close(vendors);
  if (!temporalStopped) await temporal?.stop();
});

test('activity failures quoting customer data reach neither stdout nor stderr; the logs are JSON lines', async () => {
  // Both failures happened and were logged: the submission refused (after a retried 503), then the issue email.
  await waitFor('both activity failures in the log', () => logLines().some((l) => l.msg === 'Activity failed' && l.activityType === 'sendOrderIssueEmail'));
  await new Promise((r) => setTimeout(r, 500)); // Core's forwarded logs are buffered for 100 ms

  // The vendors did quote the customer: the data was there to leak.
  expect(vendorAnswers.join('\n')).toContain('"Ada"');
  expect(vendorAnswers.join('\n')).toContain('Lovelace');
  expect(vendorAnswers.join('\n')).toContain('ada@example.com');

  const output = stdout.join('') + stderr.join('');
  for (const value of PERSONAL) expect({ value, found: output.includes(value) }).toEqual({ value, found: false });

  const failures = logLines().filter((l) => l.msg === 'Activity failed');
  const summary = failures.map((l) => ({ activityType: l.activityType, ...pick(l.error as Record<string, unknown>, ['failureType', 'message']) }));
  expect(summary).toEqual(
    expect.arrayContaining([
      { activityType: 'submitOrderToVinoshipper', failureType: 'VinoshipperUnavailable', message: 'Vinoshipper transient, HTTP 503, code UNAVAILABLE' },
      { activityType: 'submitOrderToVinoshipper', failureType: 'VinoshipperConfiguration', message: 'Vinoshipper configuration, HTTP 403, code FORBIDDEN' },
      { activityType: 'sendOrderIssueEmail', failureType: 'EmailRejected', message: 'Resend permanent, HTTP 422, code validation_error' },
    ]),
  );
  // Structured: every stdout line is one JSON object with a level and a message.
  const lines = stdout.join('').split('\n').filter(Boolean);
  for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String) }));
});

test("one /metrics serves the Temporal SDK's metrics and cellarhand's own", async () => {
  let text = '';
  await waitFor("the order gauges, the oldest issue's age and the call counters", async () => {
    text = await (await fetch(`${metricsUrl}/metrics`)).text();
    // Both gauges: they are separate visibility counts, and PostgreSQL visibility may catch the order between its two states.
    // The oldest issue's age comes from a third visibility call (a list, then the order's query) made
    // alongside the counts, so one refresh can count the order before its list shows it: wait for both.
    return (
      /^cellarhand_open_issues\{issue_type="vinoshipper_unreachable"\} 1$/m.test(text) &&
      /^cellarhand_open_orders\{status="needs_attention"\} 1$/m.test(text) &&
      Number(/^cellarhand_oldest_open_issue_age_seconds (\S+)$/m.exec(text)?.[1]) > 0 &&
      text.includes('outcome="rejected"')
    );
  });
  // The SDK's, from its exporter.
  expect(text).toMatch(/^temporal_activity_execution_failed\{.*activity_type="submitOrderToVinoshipper".*\} 2$/m);
  expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
  // cellarhand's: calls by outcome, emails, orders by status and issue, the oldest issue's age.
  expect(text).toMatch(/^cellarhand_external_calls_total\{system="vinoshipper",operation="PUT \/orders\/\{number\}",outcome="unavailable"\} 1$/m);
  expect(text).toMatch(/^cellarhand_external_calls_total\{system="vinoshipper",operation="PUT \/orders\/\{number\}",outcome="configuration"\} 1$/m);
  expect(text).toMatch(/^cellarhand_external_calls_total\{system="resend",operation="send",outcome="rejected"\} 1$/m);
  expect(text).toMatch(/^cellarhand_emails_total\{outcome="failed"\} 1$/m);
  expect(text).toMatch(/^cellarhand_open_orders\{status="needs_attention"\} 1$/m);
  expect(Number(/^cellarhand_oldest_open_issue_age_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
  expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  // One family per name: the two sources do not collide.
  const families = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  expect(families.length).toBe(new Set(families).size);
  // No personal data in metric labels either.
  for (const value of PERSONAL) expect(text.includes(value)).toBe(false);
});

test('/health says the process is up; /ready turns 503 when Temporal is unreachable', async () => {
  expect(await json(`${metricsUrl}/ready`)).toEqual({ status: 200, body: { ready: true, checks: { temporal: 'ok', polling: 'ok' } } });
  temporalStopped = true;
  await temporal.stop();
  await waitFor('readiness to see Temporal gone', async () => (await fetch(`${metricsUrl}/ready`)).status === 503);
  const ready = await json(`${metricsUrl}/ready`);
  expect(ready.body.ready).toBe(false);
  expect(ready.body.checks.temporal).toMatch(/^Temporal unreachable/);
  expect(await json(`${metricsUrl}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
});

function logLines(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function pick(o: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o?.[k]]));
}

async function json(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (worker?.exitCode !== null && worker?.exitCode !== undefined)
      throw new Error(`the worker exited (${worker.exitCode}):\n${stdout.join('')}${stderr.join('')}`);
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${stdout.join('').slice(-4000)}${stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const url = await listen(probe);
  await close(probe);
  return Number(new URL(url).port);
}
