// `npm start [-- --backend dev|postgres]`: the whole local stack in one terminal. When
// TEMPORAL_ADDRESS is local it starts a Temporal server there — the CLI's dev server (state in
// .cellarhand/data) or, with `--backend postgres`, the production server on a private PostgreSQL
// cluster (state in .cellarhand/postgres) with its Web UI — so workflows survive a restart either
// way. Then the sandbox (when on), the worker and the API as child processes with tagged output,
// and it prints where everything is once all are up. Ctrl-C or SIGTERM stops them in reverse order;
// if any part dies, everything stops and the exit code is 1.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { loadConfigOrExit, type Config } from '../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { vinoshipperOrderNumberFor } from '../domain/workflow-ids';
import { BACKENDS, type Backend } from './lib/local-stack';
import { spawnProcess, type ProcessSpec } from './lib/process-spec';
import { projectRoot, temporalCli } from './temporal-binaries';
import { workerProcessEnv } from '../worker/memory';
import { temporalServerBinaries, temporalUiServer } from './temporal-server/binaries';
import { PostgresCluster, postgresBinaries } from './temporal-server/postgres';
import {
  devServerDynamicConfigArgs,
  DYNAMIC_CONFIG_FILE,
  portBlock,
  prepareNamespace,
  SERVER_PORT_KEYS,
  serverSpec,
  setupSchema,
  uiSpec,
} from './temporal-server/server';

const ROOT = projectRoot();
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const DB_FILE = path.join('.cellarhand', 'data', 'temporal.db');
const POSTGRES_DIR = path.join('.cellarhand', 'postgres');
const STOP_GRACE_MS = 10_000;

// The dev server's --search-attribute flag spells types differently from the SDK.
const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLORS: Record<string, number> = { start: 1, postgres: 34, temporal: 35, ui: 35, sandbox: 33, worker: 36, api: 32 };
const tag = (name: string) => paint(COLORS[name] ?? 0, `[${name}]`.padEnd(10));
const say = (text: string) => console.log(`${tag('start')} ${text}`);

interface Part {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
  done: boolean;
  quiet: boolean; // stop echoing output (the Temporal server's shutdown chatter)
}

const parts: Part[] = [];
let stopping = false;

/** Spawns a part in its own process group, so Ctrl-C reaches it only through us and we can stop the whole group. */
function launch(name: string, spec: ProcessSpec): Part {
  if (stopping) throw new Error('stopping');
  const proc = spawnProcess(spec, { cwd: ROOT, parentEnv: process.env, detached: true });
  const part: Part = { name, proc, done: false, quiet: false, exited: Promise.resolve() };
  part.exited = new Promise<void>((resolve) => {
    const finish = (why: string) => {
      if (part.done) return;
      part.done = true;
      resolve();
      if (!stopping) void stopAll(1, `${name} ${why}; stopping everything.`);
    };
    proc.on('exit', (code, signal) => finish(`exited unexpectedly (${signal ?? `exit code ${code}`})`));
    proc.on('error', (err) => finish(`could not start: ${err.message}`));
  });
  for (const [stream, out] of [
    [proc.stdout, process.stdout],
    [proc.stderr, process.stderr],
  ] as const) {
    createInterface({ input: stream }).on('line', (line) => part.quiet || out.write(`${tag(name)} ${line}\n`));
  }
  parts.push(part);
  return part;
}

function signalGroup(part: Part, signal: NodeJS.Signals): void {
  try {
    process.kill(-part.proc.pid!, signal);
  } catch {
    // already gone
  }
}

/** SIGINT, then SIGKILL after a grace period; finally sweeps the group so no grandchild outlives it. */
async function stopPart(part: Part): Promise<void> {
  if (part.proc.pid === undefined) return;
  if (!part.done) {
    signalGroup(part, 'SIGINT');
    const timer = setTimeout(() => {
      say(`${part.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it.`);
      signalGroup(part, 'SIGKILL');
    }, STOP_GRACE_MS);
    await part.exited;
    clearTimeout(timer);
  }
  signalGroup(part, 'SIGKILL');
}

async function stopAll(code: number, reason: string): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  (code ? console.error : console.log)(`${tag('start')} ${reason}`);
  for (const part of [...parts].reverse()) {
    if (['temporal', 'ui', 'postgres'].includes(part.name)) part.quiet = true;
    await stopPart(part);
  }
  if (!code) say('all stopped.');
  process.exit(code);
}

let firstSignalAt = 0;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    // One Ctrl-C can arrive twice (the terminal, and npm/tsx relaying it): only a later one forces.
    if (Date.now() - firstSignalAt < 1_000) return;
    say('stopping now, without waiting.');
    for (const part of parts) signalGroup(part, 'SIGKILL');
    process.exit(1);
  }
  firstSignalAt = Date.now();
  void stopAll(
    0,
    `${signal}: stopping ${
      parts
        .map((p) => p.name)
        .reverse()
        .join(', ') || 'nothing'
    }…`,
  );
}

// ---- Temporal ----

function localPort(address: string): number | undefined {
  const match = /^(localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(address.trim());
  return match ? Number(match[2]) : undefined;
}

function connectionOptions(config: Config): ConnectionOptions {
  const { address, apiKey, tls } = config.temporal;
  return {
    address,
    apiKey,
    tls: tls ? { clientCertPair: { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } } : apiKey ? true : undefined,
    connectTimeout: '2s',
  };
}

/** Starts `temporal server start-dev` and returns its Web UI's URL. */
async function startDevServer(config: Config, port: number): Promise<string> {
  const uiPort = uiPortOf(config);
  const cli = await temporalCli();
  // 'cached-download' only works inside @temporalio/testing; here we need a binary on disk.
  if (cli.type !== 'existing-path') throw new Error('no local Temporal CLI binary; `npm run provision` says why');
  mkdirSync(path.dirname(path.join(ROOT, DB_FILE)), { recursive: true });
  // The same flags on every start: the registered attributes and the namespace persist in the
  // db file, and re-registering existing ones is a no-op.
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--db-filename', DB_FILE, '--log-level', 'warn');
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  for (const key of ORDER_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);
  args.push(...devServerDynamicConfigArgs());
  if (config.temporal.namespace !== 'default') args.push('--namespace', config.temporal.namespace);
  const codec = uiCodecEndpoint(config, uiPort);
  if (codec) args.push('--ui-codec-endpoint', codec);
  launch('temporal', { command: cli.path, args, env: {} });
  return `http://localhost:${uiPort}`;
}

/** The Web UI's port: TEMPORAL_UI_URL's when it is local, else 8233. */
function uiPortOf(config: Config): number {
  const ui = new URL(config.temporal.uiUrl);
  return ['localhost', '127.0.0.1'].includes(ui.hostname) && ui.port ? Number(ui.port) : 8233;
}

/**
 * The production server on a private PostgreSQL cluster, the way docker-compose.yml runs it
 * (scripts/temporal-server/): provision (the first run builds the server: minutes), start
 * PostgreSQL, create or upgrade the schemas, start the server, prepare the namespace, and serve the
 * Web UI against it. Returns the UI's URL (or why there is none) once the server answers.
 */
async function startPostgresBackend(config: Config, frontendPort: number): Promise<{ uiUrl: string; connection: Connection }> {
  const uiPort = uiPortOf(config);
  const ports = portBlock(frontendPort);
  const busy = [];
  for (const port of [...Object.values(ports.server), ports.postgres, uiPort]) if (await portOpen(port)) busy.push(port);
  if (busy.length)
    throw new Error(
      `ports ${busy.join(', ')} are taken; the PostgreSQL backend uses ${frontendPort}–${ports.postgres} (${SERVER_PORT_KEYS.length} server ports, then PostgreSQL) from TEMPORAL_ADDRESS and the Web UI's ${uiPort} from TEMPORAL_UI_URL`,
    );
  const [binaries, pgBinaries] = await Promise.all([temporalServerBinaries({ log: say }), postgresBinaries({ log: say })]);
  say(`Temporal server ${binaries.server} (${binaries.source}); PostgreSQL ${pgBinaries.version} from ${pgBinaries.bin} (${pgBinaries.source})`);
  const cluster = new PostgresCluster(path.join(ROOT, POSTGRES_DIR), ports.postgres, pgBinaries);
  const made = await cluster.init();
  say(`${made === 'created' ? 'created' : 'using'} the PostgreSQL cluster in ${POSTGRES_DIR} (runs as ${cluster.user.name}, port ${ports.postgres})`);
  launch('postgres', cluster.spec());
  await waitUntil(`PostgreSQL on port ${ports.postgres}`, () => cluster.ready());
  await setupSchema(binaries, cluster);
  say('schemas of temporal and temporal_visibility up to date');
  launch('temporal', serverSpec(binaries, { ports: ports.server, cluster, dynamicConfig: DYNAMIC_CONFIG_FILE }));
  const connection = await waitForTemporal(config, 60_000);
  say(await prepareNamespace(connection, config.temporal.namespace));

  // The Web UI: the same UI (2.54.1) as the CLI's dev server, whose UI cannot be pointed at another server.
  try {
    const ui = await temporalUiServer({ log: say });
    launch(
      'ui',
      uiSpec(ui, { frontend: config.temporal.address, port: uiPort, namespace: config.temporal.namespace, codecEndpoint: uiCodecEndpoint(config, uiPort) }),
    );
    await waitUntil(`the Web UI on port ${uiPort}`, () => portOpen(uiPort));
    return { uiUrl: `http://localhost:${uiPort}`, connection };
  } catch (err) {
    say(`no Web UI: ${(err as Error).message.split('\n').join(' ')}`);
    return { uiUrl: `(none: see README "PostgreSQL backend" for running temporalio/ui against ${config.temporal.address})`, connection };
  }
}

/**
 * Payloads are encrypted (temporal/codec.ts): the local Web UI shows them through the API's codec
 * server. That UI has no login and cannot send an Authorization header, so the token travels in the
 * endpoint's path (`/codec/<token>`): fine on one's own machine, refused by the API in production.
 * The UI's own origins are allowed through CORS for the API started here.
 */
function uiCodecEndpoint(config: Config, uiPort: number): string | undefined {
  if (config.env === 'production') {
    say('NODE_ENV=production: the local Web UI gets no codec endpoint, so it shows payloads encrypted.');
    return undefined;
  }
  const uiOrigins = [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`];
  const origins = [...new Set([...config.codec.corsOrigins, ...uiOrigins])];
  if (origins.length !== config.codec.corsOrigins.length) process.env.CODEC_CORS_ORIGINS = origins.join(','); // read by the API child
  return codecEndpoint(config, true);
}

function codecEndpoint(config: Config, withToken: boolean): string {
  const base = `http://localhost:${config.api.port}/codec`;
  return withToken ? `${base}/${encodeURIComponent(config.codec.serverToken)}` : base;
}

async function waitForTemporal(config: Config, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await Connection.connect(connectionOptions(config));
    } catch (err) {
      if (stopping || Date.now() > deadline)
        throw new Error(`Temporal at ${config.temporal.address} did not answer within ${timeoutMs / 1000} s: ${(err as Error).message}`, { cause: err });
      await sleep(500);
    }
  }
}

// ---- readiness ----

/**
 * The worker is ready once all its task-queue workers run, which its `/ready` says (the workflow
 * bundle is loaded by then). With the operations port off (WORKER_METRICS_PORT=0): once it polls
 * each of its task queues (a poll newer than its start).
 */
async function workerReady(connection: Connection, config: Config, since: number): Promise<boolean> {
  const port = config.observability.workerMetricsPort;
  if (port) return answersReady(port);
  const queues = [config.temporal.taskQueue, config.orders.taskQueues.vinoshipper, config.orders.taskQueues.email];
  for (const name of queues) {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: config.temporal.namespace, taskQueue: { name } });
    if (!pollers.some((p) => tsToMs(p.lastAccessTime) >= since)) return false;
  }
  return true;
}

/** A process's `/ready` answers 200: it can do its work now (observability/readiness.ts). */
async function answersReady(port: number): Promise<boolean> {
  const res = await fetch(`http://localhost:${port}/ready`, { signal: AbortSignal.timeout(2_000) });
  void res.body?.cancel();
  return res.ok;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: 'localhost', port, timeout: 1_000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket
      .once('connect', () => done(true))
      .once('error', () => done(false))
      .once('timeout', () => done(false));
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  let warned = false;
  while (!stopping) {
    if (await check().catch(() => false)) return;
    if (!warned && Date.now() - started > 60_000) {
      say(`still waiting for ${what}…`);
      warned = true;
    }
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- main ----

/** What `npm start` runs as the Temporal server: nothing (one was already there), or one of the backends. */
type Started = Backend | null;

const STARTED_LABEL: Record<Backend, string> = {
  dev: `dev server, data in ${DB_FILE}`,
  postgres: `Temporal server on PostgreSQL, data in ${POSTGRES_DIR}`,
};

function printSummary(config: Config, started: Started, uiUrl: string): void {
  const sandbox = config.sandbox.url;
  const lines = [
    paint(1, 'cellarhand is running:'),
    `  Temporal gRPC    ${config.temporal.address}${started ? ` (${STARTED_LABEL[started]})` : ''}`,
    `  Temporal Web UI  ${uiUrl}`,
    `  API              http://localhost:${config.api.port}`,
    ...(config.console.enabled
      ? [
          `  Console          http://localhost:${config.api.port}/console (sign in with ${config.console.password === config.api.opsToken ? 'OPS_API_TOKEN' : 'CONSOLE_PASSWORD'})`,
        ]
      : []),
    `  Codec server     ${codecEndpoint(config, false)}/{encode,decode} (Authorization: Bearer <CODEC_SERVER_TOKEN>)${started && config.env !== 'production' ? '; the Web UI decodes payloads through it' : ''}`,
    ...metricsLines(config),
  ];
  if (!started) {
    lines.push(`  (payloads are encrypted: point that Temporal's Web UI at the codec server to read them, see README "Personal data in Temporal")`);
  }
  if (config.sandbox.enabled) {
    const query = encodeURIComponent('OrderStatus="submitted"');
    lines.push(
      `  Sandbox          ${sandbox} (fake Shopify, Vinoshipper and Resend)`,
      '',
      'Try an order:',
      `  curl -s -X POST ${sandbox}/sandbox/shopify/orders -H 'content-type: application/json' -d '{"line_items":[{"sku":"CAB-2021-750","quantity":2,"price":"42.00"}]}'`,
      'Then look at:',
      `  curl -s ${sandbox}/sandbox/vinoshipper/orders/${vinoshipperOrderNumberFor(config.orders.vinoshipperOrderPrefix, { orderNumber: 1001, shopifyOrderId: '5000000001' })}`,
      `  ${uiUrl}/namespaces/${config.temporal.namespace}/workflows?query=${query}   (Web UI filter OrderStatus="submitted")`,
      ...(config.console.enabled
        ? [`  http://localhost:${config.api.port}/console   (the console: stuck orders grouped by cause, each order, its actions)`]
        : []),
    );
  } else {
    lines.push('  Sandbox          off (SANDBOX=off, or the integrations point at real services)');
  }
  lines.push('', 'Ctrl-C stops everything.');
  for (const line of lines) say(line);
}

function parseBackend(argv: string[]): Backend {
  const { values } = parseArgs({ args: argv, options: { backend: { type: 'string', default: 'dev' } }, strict: true });
  const backend = values.backend as Backend;
  if (!BACKENDS.includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')} (got ${values.backend})`);
  return backend;
}

/** Each process's operations port: Prometheus metrics, liveness, readiness. */
function metricsLines(config: Config): string[] {
  const { workerMetricsPort, apiMetricsPort } = config.observability;
  const line = (who: string, port: number | null) =>
    port
      ? `  Metrics (${who})${' '.repeat(7 - who.length)}http://localhost:${port}/metrics   (/health, /ready)`
      : `  Metrics (${who})${' '.repeat(7 - who.length)}off`;
  return [line('worker', workerMetricsPort), line('api', apiMetricsPort)];
}

async function main(): Promise<void> {
  process.chdir(ROOT); // .env and the relative paths below are the project's
  let backend: Backend;
  try {
    backend = parseBackend(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: npm start [-- --backend dev|postgres]`);
    process.exit(2);
  }
  const config = loadConfigOrExit();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const port = localPort(config.temporal.address);
  let started: Started = null;
  let uiUrl = config.temporal.uiUrl;
  let connection: Connection;
  if (port !== undefined && (await portOpen(port))) {
    say(
      `something already listens on ${config.temporal.address}; using it as the Temporal server${backend === 'postgres' ? ' (so --backend postgres starts nothing)' : ''}.`,
    );
    connection = await waitForTemporal(config, 30_000);
  } else if (port !== undefined && backend === 'postgres') {
    ({ uiUrl, connection } = await startPostgresBackend(config, port));
    started = 'postgres';
  } else {
    if (port !== undefined) {
      uiUrl = await startDevServer(config, port);
      started = 'dev';
    } else if (backend === 'postgres') {
      say(`TEMPORAL_ADDRESS ${config.temporal.address} is not local: using that server, --backend postgres starts nothing.`);
    }
    connection = await waitForTemporal(config, 30_000);
  }

  const since = Date.now();
  const node = (entry: string, env: Record<string, string> = {}): ProcessSpec => ({ command: TSX, args: [entry], env });
  if (config.sandbox.enabled) launch('sandbox', node('sandbox/main.ts'));
  // The worker's memory is capped as in the Docker image (worker/memory.ts).
  launch('worker', node('worker/main.ts', workerProcessEnv()));
  launch('api', node('api/main.ts'));

  // The banner means ready: an order placed the moment it prints is taken and worked on at once.
  await Promise.all([
    config.sandbox.enabled ? waitUntil(`the sandbox on port ${config.sandbox.port}`, () => portOpen(config.sandbox.port)) : undefined,
    waitUntil('the worker to be ready (its /ready)', () => workerReady(connection, config, since)),
    waitUntil(`the API to be ready (http://localhost:${config.api.port}/ready)`, () => answersReady(config.api.port)),
  ]);
  await connection.close();
  if (!stopping) printSummary(config, started, uiUrl);
}

main().catch((err: Error) => {
  if (stopping) return; // a part died or Ctrl-C while starting: stopAll reports and exits
  void stopAll(1, `cannot start: ${err.message}`);
});
