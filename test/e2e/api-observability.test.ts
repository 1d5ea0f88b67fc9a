// The API's health, readiness and request metrics, on the real express app against a real Temporal
// server of its own (the dev server; under `npm run test:postgres` the server on PostgreSQL): /ready follows Temporal (up, then stopped), /health does not; request metrics are
// labelled by route pattern, never by the path with its ids and tokens; the operations port serves them.
import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { createLogger } from '../../observability/logger';
import { createRegistry } from '../../observability/metrics';
import { serverPort, startMetricsServer } from '../../observability/metrics-server';
import { temporalReachable } from '../../observability/readiness';
import { probeConnection } from '../../temporal/connection';
import { createDataConverter } from '../../temporal/data-converter';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { close, listen } from '../helpers/servers';
import { startOwnTemporalServer, type OwnTemporalServer } from '../helpers/stack';

jest.setTimeout(60_000);

const OPS = { Authorization: 'Bearer sandbox-ops-token' };
let temporal: OwnTemporalServer;
let temporalStopped = false;
let connection: Connection;
let probe: Connection;
let api: Server;
let metrics: Server;
let apiUrl: string;
let metricsUrl: string;

beforeAll(async () => {
  temporal = await startOwnTemporalServer();
  const { address, namespace } = temporal.env;
  const config = loadConfig({ NODE_ENV: 'test', TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace ?? 'default' });
  connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.codec) });
  const orders = new OrderWorkflows(client, { shopDomain: config.shopify.shopDomain, taskQueue: 'api-observability', settings: config.orders });
  const registry = createRegistry();
  probe = probeConnection(config.temporal);
  const readiness = { temporal: temporalReachable(probe) };
  const logger = createLogger({ level: 'silent', format: 'json', process: 'api' });
  api = createServer(createApp({ config, orders, logger, registry, readiness }));
  apiUrl = await listen(api);
  metrics = await startMetricsServer({ port: 0, registry, readiness, logger });
  metricsUrl = `http://127.0.0.1:${serverPort(metrics)}`;
});

afterAll(async () => {
  await close(api);
  await close(metrics);
  await connection.close();
  await probe.close();
  if (!temporalStopped) await temporal.stop();
});

test('requests are counted by route pattern and status, never by their ids or tokens', async () => {
  expect((await fetch(`${apiUrl}/api/orders/5000000123`, { headers: OPS })).status).toBe(404);
  expect((await fetch(`${apiUrl}/api/orders/5000000124`, { headers: OPS })).status).toBe(404);
  expect((await fetch(`${apiUrl}/webhooks/vinoshipper/not-the-token-5000000125`, { method: 'POST' })).status).toBe(401);
  expect((await fetch(`${apiUrl}/no/such/route/5000000126`)).status).toBe(404);

  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  expect(text).toMatch(/^cellarhand_http_requests_total\{method="GET",route="\/api\/orders\/:id",status="404"\} 2$/m);
  expect(text).toMatch(/^cellarhand_http_requests_total\{method="POST",route="\/webhooks\/vinoshipper\/:token",status="401"\} 1$/m);
  expect(text).toMatch(/^cellarhand_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
  expect(text).toMatch(/^cellarhand_http_request_duration_seconds_count\{method="GET",route="\/api\/orders\/:id",status="404"\} 2$/m);
  expect(text).not.toMatch(/500000012[3-6]|not-the-token/);
});

test('/ready is 200 while Temporal answers and 503 once it is gone; /health stays 200', async () => {
  for (const url of [apiUrl, metricsUrl]) {
    expect(await json(`${url}/ready`)).toEqual({ status: 200, body: { ready: true, checks: { temporal: 'ok' } } });
  }
  temporalStopped = true;
  await temporal.stop();
  await new Promise((r) => setTimeout(r, 2_100)); // past the cached answer
  for (const url of [apiUrl, metricsUrl]) {
    const ready = await json(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.temporal).toMatch(/^Temporal unreachable/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  }
});

async function json(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
