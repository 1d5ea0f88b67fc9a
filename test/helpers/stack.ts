// The whole cellarhand stack inside one test process, on real parts: a real Temporal server (the
// CLI dev server, or the time-skipping test server), the real worker with the real activities and
// HTTP clients, the real express API and the sandbox, all on ephemeral ports.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createActivities, createClients } from '../../activities';
import { createApp } from '../../api/app';
import { loadConfig, type Config } from '../../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain';
import { createSandbox, type Sandbox } from '../../sandbox';
import { createDataConverter } from '../../temporal/data-converter';
import { OrderWorkflows } from '../../temporal/order-workflows';
import { createOrderWorker } from '../../worker/create-worker';
import { close, listen } from './servers';

export interface Stack {
  config: Config;
  env: TestWorkflowEnvironment;
  orders: OrderWorkflows;
  sandbox: Sandbox;
  apiUrl: string;
  sandboxUrl: string;
  worker: Worker;
  /** Shuts the worker down (its cache and in-flight work gone) and starts a fresh one on the same task queue. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** `local` (default): the CLI dev server, with visibility and search attributes. `time-skipping`: timers fire at once when idle. */
  server?: 'local' | 'time-skipping';
  /** Extra environment variables for the config (e.g. short escalation delays). */
  env?: Record<string, string>;
  /** Extra `temporal server start-dev` arguments (local server only), e.g. dynamic config. */
  devServerArgs?: string[];
}

let runtimeInstalled = false;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    // Keep test output readable: the worker's own logs only when something is wrong.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  // The test client encrypts like the API's (the worker gets the same converter from createOrderWorker).
  const client = { dataConverter: createDataConverter(loadConfig({ NODE_ENV: 'test', ...options.env }).codec) };
  const env =
    options.server === 'time-skipping'
      ? await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: executable('CELLARHAND_TEST_TEST_SERVER') }, client })
      : await TestWorkflowEnvironment.createLocal({
          server: {
            executable: executable('CELLARHAND_TEST_CLI'),
            searchAttributes: ORDER_SEARCH_ATTRIBUTES,
            extraArgs: options.devServerArgs,
            log: { format: 'pretty', level: 'error' },
          },
          client,
        });
  if (options.server === 'time-skipping') await registerSearchAttributes(env);

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
    SHOPIFY_ADMIN_API_URL: `${sandboxUrl}/shopify`,
    VINOSHIPPER_API_URL: `${sandboxUrl}/vinoshipper/api/v3/p`,
    VINOSHIPPER_TIMEOUT: '2s',
    RESEND_BASE_URL: `${sandboxUrl}/resend`,
    // The existing tests count one email per order: they run per_order unless a test asks for grouped.
    ALERT_MODE: 'per_order',
    ...options.env,
  });

  const sandbox = createSandbox(config, sandboxUrl);
  sandboxServer.on('request', sandbox.app);
  const orders = new OrderWorkflows(env.client, {
    shopDomain: config.shopify.shopDomain,
    taskQueue: config.temporal.taskQueue,
    settings: config.orders,
  });
  apiServer.on('request', createApp({ config, orders }));

  const newWorker = () =>
    createOrderWorker({
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
      worker.shutdown();
      await running.catch(() => undefined);
      sandbox.reset();
      await Promise.all([close(apiServer), close(sandboxServer)]);
      await env.teardown();
    },
  };
}

/** The time-skipping server has no start-up flag for them; its operator service takes them. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { KEYWORD } = { KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD };
  const searchAttributes = Object.fromEntries(ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, KEYWORD]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

function executable(variable: string) {
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
