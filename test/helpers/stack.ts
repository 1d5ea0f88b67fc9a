// The whole cellarhand stack inside one test process, on real parts: a real Temporal server (the
// CLI dev server, the time-skipping test server, or — under `npm run test:postgres` — the
// production server on PostgreSQL), the real worker with the real activities and HTTP clients, the
// real express API and the sandbox, all on ephemeral ports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, createClients } from '../../activities';
import { createApp } from '../../api/app';
import { loadConfig, sandboxServiceUrls, type Config } from '../../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain';
import { createLogger } from '../../observability/logger';
import { installTemporalRuntime } from '../../observability/temporal-runtime';
import { createSandbox, type Sandbox } from '../../sandbox';
import { StackDriver } from '../../sandbox/driver';
import { createDataConverter } from '../../temporal/data-converter';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { createOrderWorkers, type CellarhandWorkers } from '../../worker/create-worker';
import { LocalStack } from '../../scripts/lib/local-stack';
import { addSearchAttributes, devServerDynamicConfigArgs, prepareNamespace } from '../../scripts/temporal-server/server';
import { POSTGRES_BACKEND, POSTGRES_SERVER_ADDRESS } from './postgres-setup';
import { InFlightCalls } from './in-flight-calls';
import { close, listen } from './servers';

export interface Stack {
  config: Config;
  env: TestWorkflowEnvironment;
  orders: OrderWorkflows;
  sandbox: Sandbox;
  apiUrl: string;
  sandboxUrl: string;
  worker: CellarhandWorkers;
  /** Shuts the workers down (their cache and in-flight work gone) and starts fresh ones on the same task queues. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /**
   * `local` (default): a server with visibility and search attributes — the CLI dev server, or under
   * `npm run test:postgres` a fresh namespace on the run's PostgreSQL-backed server.
   * `time-skipping`: timers fire at once when idle.
   */
  server?: 'local' | 'time-skipping';
  /** Extra environment variables for the config (e.g. short escalation delays). */
  env?: Record<string, string>;
  /**
   * Temporal dynamic config (local server only), e.g. `{ 'limit.historyCount.suggestContinueAsNew': 60 }`.
   * On PostgreSQL such a suite gets a server of its own (the values are global, fixed at start).
   */
  dynamicConfig?: Record<string, unknown>;
}

let runtimeInstalled = false;
/** How long stop() waits for the API's Temporal calls (the suites' afterAll has jest's 5 s). */
const APP_CALLS_SETTLE_MS = 2_500;

/** A driver for the stack's sandbox and API (place orders, fix things, wait for outcomes). */
export function driverFor(stack: Stack, options: { timeoutMs?: number } = {}): StackDriver {
  return new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, ...options });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    // The worker process's logger and redaction; test output keeps only what is wrong.
    installTemporalRuntime({ logger: createLogger({ level: 'warn', format: 'json', process: 'test-worker' }) });
    runtimeInstalled = true;
  }
  // The test client encrypts like the API's (the workers get the same converter from createOrderWorkers).
  const client = { dataConverter: createDataConverter(loadConfig({ NODE_ENV: 'test', ...options.env }).codec) };
  let ownServer: LocalStack | undefined;
  let env: TestWorkflowEnvironment;
  if (options.server === 'time-skipping') {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: executable('CELLARHAND_TEST_TEST_SERVER') }, client });
    // The time-skipping server has no start-up flag for them; its operator service takes them.
    await addSearchAttributes(env.connection, env.namespace ?? 'default');
  } else if (process.env[POSTGRES_BACKEND]) {
    ({ env, ownServer } = await postgresEnvironment(client, options.dynamicConfig));
  } else {
    const extraArgs = devServerDynamicConfigArgs(options.dynamicConfig);
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: executable('CELLARHAND_TEST_CLI'),
        searchAttributes: ORDER_SEARCH_ATTRIBUTES,
        extraArgs,
        log: { format: 'pretty', level: 'error' },
      },
      client,
    });
  }

  // Listen first, attach the apps after: the sandbox must know the API's URL and the API the sandbox's.
  const apiServer = await listening();
  const sandboxServer = await listening();
  const apiUrl = `http://127.0.0.1:${port(apiServer)}`;
  const sandboxUrl = `http://127.0.0.1:${port(sandboxServer)}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    CELLARHAND_API_URL: apiUrl,
    SANDBOX_PORT: String(port(sandboxServer)),
    ...sandboxServiceUrls(sandboxUrl),
    VINOSHIPPER_TIMEOUT: '2s',
    // The existing tests count one email per order: they run per_order unless a test asks for grouped.
    ALERT_MODE: 'per_order',
    ...options.env,
  });

  const sandbox = createSandbox(config, sandboxUrl);
  sandboxServer.on('request', sandbox.app);
  // The API's own connection, as in production, with its calls counted: stop() closes it once they are done.
  const appCalls = new InFlightCalls();
  const appConnection = await Connection.connect({ address: env.address, interceptors: appCalls.interceptors });
  const appClient = new Client({ connection: appConnection, namespace: config.temporal.namespace, ...client });
  const orders = new OrderWorkflows(appClient, {
    shopDomain: config.shopify.shopDomain,
    taskQueue: config.temporal.taskQueue,
    settings: config.orders,
  });
  apiServer.on('request', createApp({ config, orders }));
  // As the worker does when it starts: the install is recorded (the default cut-off for old orders).
  await orders.shopSettings.current();

  const newWorker = () =>
    createOrderWorkers({
      connection: env.nativeConnection,
      config,
      activities: createActivities(createClients(config), config),
      workflowBundle: { codePath: process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE! },
    });
  let worker = await newWorker();
  let running = worker.run();

  return {
    config,
    env,
    orders,
    sandbox,
    apiUrl,
    sandboxUrl,
    get worker() {
      return worker;
    },
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    async stop() {
      // Nothing new comes in; what the API has under way is answered while the worker still runs
      // (an update or query the worker never answers would end in a retry on a closed channel).
      sandbox.reset();
      await Promise.all([close(apiServer), close(sandboxServer)]);
      const left = await appCalls.settled(APP_CALLS_SETTLE_MS);
      if (left.length) console.warn(`stack.stop: the API's Temporal calls still under way after ${APP_CALLS_SETTLE_MS} ms: ${left.join(', ')}`);
      worker.shutdown();
      await running.catch(() => undefined);
      await appConnection.close();
      await env.teardown();
      await ownServer?.stop();
    },
  };
}

/**
 * The run's PostgreSQL-backed server (test/helpers/postgres-setup.ts), or with dynamic config a
 * server of the suite's own; in either case a fresh namespace, so that suites never see each
 * other's workflows (order ids repeat: each sandbox starts at #1001), as with a dev server each.
 */
async function postgresEnvironment(
  client: { dataConverter: ReturnType<typeof createDataConverter> },
  dynamicConfig: Record<string, unknown> = {},
): Promise<{ env: TestWorkflowEnvironment; ownServer?: LocalStack }> {
  const ownServer = Object.keys(dynamicConfig).length ? await LocalStack.start({ backend: 'postgres', parts: [], dynamicConfig }) : undefined;
  const address = ownServer?.config.temporal.address ?? process.env[POSTGRES_SERVER_ADDRESS]!;
  const namespace = `e2e-${randomUUID().slice(0, 8)}`;
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace, client });
    await prepareNamespace(env.connection, namespace);
    return { env, ownServer };
  } catch (err) {
    await ownServer?.stop();
    throw err;
  }
}

/** A Temporal server a suite has to itself, so that it may stop it (e.g. to see readiness turn 503). */
export interface OwnTemporalServer {
  env: TestWorkflowEnvironment;
  /** Stops the server (and under PostgreSQL its cluster). */
  stop(): Promise<void>;
}

/**
 * The CLI dev server with the order search attributes, or under `npm run test:postgres` the
 * production server on a PostgreSQL cluster of its own (the run's shared server must stay up).
 */
export async function startOwnTemporalServer(client?: { dataConverter: ReturnType<typeof createDataConverter> }): Promise<OwnTemporalServer> {
  if (process.env[POSTGRES_BACKEND]) {
    const server = await LocalStack.start({ backend: 'postgres', parts: [] });
    try {
      const { address, namespace } = server.config.temporal;
      const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace, client });
      return {
        env,
        stop: async () => {
          await env.teardown();
          await server.stop();
        },
      };
    } catch (err) {
      await server.stop();
      throw err;
    }
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: executable('CELLARHAND_TEST_CLI'),
      searchAttributes: ORDER_SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
    client,
  });
  return { env, stop: () => env.teardown() };
}

export function executable(variable: string) {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: run the tests through jest (test/helpers/global-setup.ts)`);
  return JSON.parse(value);
}

/** A server listening on an ephemeral port, its request handler attached later. */
async function listening(): Promise<Server> {
  const server = createServer();
  await listen(server);
  return server;
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The time-skipping server has no start-up flag for search attributes; its operator service takes them. */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
}
