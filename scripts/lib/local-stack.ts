// The stack as separate processes on free ports, for the benchmark and the fault-injection runs:
// a fresh Temporal server — the CLI's dev server (headless), or the production server on a private
// PostgreSQL cluster (backend 'postgres') — then the sandbox, the worker and the API, each part its
// own process, so one can be measured (RSS), killed with SIGKILL, stopped and started again.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { loadConfig, sandboxServiceUrls, type Config } from '../../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { connectClient } from '../../temporal/connection';
import { workerProcessEnv } from '../../worker/memory';
import { projectRoot, temporalCli } from '../temporal-binaries';
import { temporalServerBinaries } from '../temporal-server/binaries';
import { PostgresCluster, postgresBinaries } from '../temporal-server/postgres';
import {
  devServerDynamicConfigArgs,
  dynamicConfigFile,
  prepareNamespace,
  SERVER_PORT_KEYS,
  serverSpec,
  setupSchema,
  type ServerPorts,
} from '../temporal-server/server';
import { freePort } from './ports';
import { spawnProcess, type ProcessSpec } from './process-spec';

export type PartName = 'postgres' | 'temporal' | 'sandbox' | 'worker' | 'api';
type NodePart = Exclude<PartName, 'postgres' | 'temporal'>;

/** `dev`: the Temporal CLI's dev server (SQLite). `postgres`: the production server on PostgreSQL. */
export type Backend = 'dev' | 'postgres';
export const BACKENDS: readonly Backend[] = ['dev', 'postgres'];

/** How reports name the Temporal server of each backend. */
export const SERVER_LABEL: Record<Backend, string> = { dev: 'dev server', postgres: 'Temporal server' };

const ROOT = projectRoot();
const ENTRY: Record<NodePart, string> = { sandbox: 'sandbox/main.ts', worker: 'worker/main.ts', api: 'api/main.ts' };
const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = { KEYWORD: 'Keyword' };

export interface LocalStackOptions {
  /** Default `dev`. */
  backend?: Backend;
  /** Extra environment for every part (config variables such as intervals or fault settings). */
  env?: Record<string, string>;
  /** Dev server: keep Temporal's state in a SQLite file (survives a restart); default in memory. PostgreSQL always keeps it. */
  persistent?: boolean;
  /** Temporal dynamic config values (global), e.g. `{ 'limit.historyCount.suggestContinueAsNew': 60 }`. */
  dynamicConfig?: Record<string, unknown>;
  /** Where each part's output lines go; default: dropped (errors are still reported on exit). */
  log?: (part: PartName, line: string) => void;
  /** Start only these parts after Temporal (default sandbox, worker, api). */
  parts?: NodePart[];
  /**
   * Node arguments for a part instead of `--import tsx <entry>.ts`, e.g. `{ worker: ['dist/worker/main.js'] }`
   * to run the compiled build the way the Docker image does (`npm run build` first).
   */
  nodeArgs?: Partial<Record<NodePart, string[]>>;
}

interface Running {
  proc: ChildProcess;
  exited: Promise<number | null>;
  launchedAt: number;
}

export class LocalStack {
  private readonly running = new Map<PartName, Running>();
  /** What each part was started with, to start it again. */
  private readonly specs = new Map<PartName, ProcessSpec>();
  private clientPromise?: Promise<Client>;
  private cluster?: PostgresCluster;
  readonly backend: Backend;

  private constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
    readonly config: Config,
    private readonly opts: LocalStackOptions,
  ) {
    this.backend = opts.backend ?? 'dev';
  }

  static async start(opts: LocalStackOptions = {}): Promise<LocalStack> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cellarhand-stack-'));
    const [temporalPort, apiPort, sandboxPort, workerMetricsPort, apiMetricsPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const sandbox = `http://localhost:${sandboxPort}`;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      API_PORT: String(apiPort),
      CELLARHAND_API_URL: `http://localhost:${apiPort}`,
      SANDBOX_PORT: String(sandboxPort),
      ...sandboxServiceUrls(sandbox),
      SANDBOX_STATE_FILE: path.join(dir, 'sandbox.json'),
      // Free ports, not the defaults: several stacks (and `npm start`) may run on one machine.
      WORKER_METRICS_PORT: String(workerMetricsPort),
      API_METRICS_PORT: String(apiMetricsPort),
      ...opts.env,
    };
    const stack = new LocalStack(dir, env, loadConfig(env), opts);
    try {
      await stack.startTemporal(temporalPort);
      for (const part of opts.parts ?? ['sandbox', 'worker', 'api']) await stack.startPart(part);
    } catch (err) {
      await stack.stop(); // a part that did not come up leaves no other part running
      throw err;
    }
    return stack;
  }

  get apiUrl(): string {
    return this.config.api.publicUrl;
  }
  get sandboxUrl(): string {
    return `http://localhost:${this.config.sandbox.port}`;
  }

  /** A client with the project's data converter (payloads are encrypted). */
  client(): Promise<Client> {
    this.clientPromise ??= connectClient(this.config.temporal, this.config.codec);
    return this.clientPromise;
  }

  pid(part: PartName): number | undefined {
    return this.running.get(part)?.proc.pid;
  }

  /** Resident memory of a part's process in bytes (Linux /proc). */
  rss(part: PartName): number {
    const status = readFileSync(`/proc/${this.pid(part)}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  /** The stack's environment with the worker's heap limits, as `npm start` and the Docker image cap a worker's heap. */
  get workerEnv(): Record<string, string> {
    return { ...this.env, ...workerProcessEnv({ ...process.env, ...this.env }) };
  }

  async startPart(part: NodePart): Promise<void> {
    // `node --import tsx` rather than the tsx binary: one process per part, so its pid and RSS are the part's own.
    const env = part === 'worker' ? this.workerEnv : this.env;
    this.launch(part, { command: process.execPath, args: this.opts.nodeArgs?.[part] ?? ['--import', 'tsx', ENTRY[part]], env });
    await this.waitUntilReady(part);
  }

  /** Starts a stopped or killed part again, as it was started first (same ports, same data). */
  async relaunch(part: PartName): Promise<void> {
    const spec = this.specs.get(part);
    if (!spec) throw new Error(`${part} was never started`);
    this.launch(part, spec);
    await this.waitUntilReady(part);
  }

  /** SIGKILL: the process dies mid-work, as in a crash. */
  async kill(part: PartName): Promise<void> {
    const running = this.running.get(part);
    if (!running) return;
    running.proc.kill('SIGKILL');
    await running.exited;
    this.running.delete(part);
  }

  /** SIGINT and wait: a graceful stop. */
  async stopPart(part: PartName): Promise<void> {
    const running = this.running.get(part);
    if (!running) return;
    running.proc.kill('SIGINT');
    const killer = setTimeout(() => running.proc.kill('SIGKILL'), 15_000);
    await running.exited;
    clearTimeout(killer);
    this.running.delete(part);
  }

  /** Whether the part's process is running (false once it exited by itself, was killed or stopped). */
  isRunning(part: PartName): boolean {
    const proc = this.running.get(part)?.proc;
    return !!proc && proc.exitCode === null && proc.signalCode === null;
  }

  /** Stops the Temporal server gracefully and starts it again on the same ports; `downMs`: stay down this long in between. */
  async restartTemporal({ downMs = 0 }: { downMs?: number } = {}): Promise<void> {
    await this.stopPart('temporal');
    if (downMs > 0) await sleep(downMs);
    await this.relaunch('temporal');
  }

  async stop(): Promise<void> {
    if (this.clientPromise) await (await this.clientPromise).connection.close().catch(() => undefined);
    for (const part of ['api', 'worker', 'sandbox', 'temporal', 'postgres'] as const) await this.stopPart(part);
    rmSync(this.dir, { recursive: true, force: true });
    if (this.cluster) rmSync(this.cluster.dir, { recursive: true, force: true });
  }

  private async startTemporal(port: number): Promise<void> {
    if (this.backend === 'postgres') return this.startPostgresBackend(port);
    const cli = await temporalCli();
    if (cli.type !== 'existing-path') throw new Error('no local Temporal CLI binary; `npm run provision` says why');
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
    if (this.opts.persistent) {
      args.push('--db-filename', path.join(this.dir, 'temporal.db'), '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
    }
    for (const key of ORDER_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);
    args.push(...devServerDynamicConfigArgs(this.opts.dynamicConfig));
    this.launch('temporal', { command: cli.path, args, env: this.env });
    await this.waitUntilReady('temporal');
  }

  /** A private PostgreSQL cluster (its own temporary folder and port), the schemas, the server, the namespace. */
  private async startPostgresBackend(frontend: number): Promise<void> {
    // A first build takes minutes: say so on stderr, whoever started the stack.
    const say = (line: string) => console.error(`[local-stack] ${line}`);
    const [binaries, pgBinaries] = await Promise.all([temporalServerBinaries({ log: say }), postgresBinaries({ log: say })]);
    // freePort's ports are all below 32768, as the membership ports must be.
    const ports = Object.fromEntries(
      await Promise.all(SERVER_PORT_KEYS.map(async (key) => [key, key === 'frontend' ? frontend : await freePort()])),
    ) as unknown as ServerPorts;
    // Its own folder, not inside this.dir (private to us): when we are root, PostgreSQL runs as another user.
    this.cluster = new PostgresCluster(mkdtempSync(path.join(os.tmpdir(), 'cellarhand-postgres-')), await freePort(), pgBinaries);
    await this.cluster.init();
    this.launch('postgres', this.cluster.spec());
    await this.waitUntilReady('postgres');
    await setupSchema(binaries, this.cluster);
    this.launch('temporal', serverSpec(binaries, { ports, cluster: this.cluster, dynamicConfig: dynamicConfigFile(this.dir, this.opts.dynamicConfig) }));
    await this.waitUntilReady('temporal');
    const connection = await Connection.connect({ address: this.config.temporal.address });
    try {
      await prepareNamespace(connection, this.config.temporal.namespace);
    } finally {
      await connection.close();
    }
  }

  private launch(part: PartName, spec: ProcessSpec): void {
    this.specs.set(part, spec);
    const proc = spawnProcess(spec, { cwd: ROOT, parentEnv: process.env });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => this.opts.log?.(part, line));
    }
    this.running.set(part, { proc, exited, launchedAt: Date.now() });
  }

  private async waitUntilReady(part: PartName): Promise<void> {
    const deadline = Date.now() + 60_000;
    const running = this.running.get(part)!;
    let dead = false;
    void running.exited.then(() => (dead = true));
    for (;;) {
      if (dead) throw new Error(`${part} exited while starting (pass \`log\` to see its output)`);
      if (await this.ready(part).catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${part} was not ready within 60 s`);
      await sleep(200);
    }
  }

  private async ready(part: PartName): Promise<boolean> {
    switch (part) {
      case 'postgres':
        return this.cluster!.ready();
      case 'temporal': {
        const connection = await Connection.connect({ address: this.config.temporal.address, connectTimeout: '1s' });
        await connection.close();
        return true;
      }
      case 'api':
        // Ready, not only alive: it reaches Temporal (as npm start waits for before its banner).
        return (await fetch(`${this.apiUrl}/ready`)).ok;
      case 'sandbox':
        return (await fetch(`${this.sandboxUrl}/sandbox/emails`)).ok;
      case 'worker': {
        // Ready once it polls the task queue (a poll newer than its launch: a killed worker's poller lingers).
        const client = await this.client();
        const { pollers } = await client.workflowService.describeTaskQueue({
          namespace: this.config.temporal.namespace,
          taskQueue: { name: this.config.temporal.taskQueue },
        });
        const launchedAt = this.running.get('worker')!.launchedAt;
        return pollers.some((p) => tsToMs(p.lastAccessTime) >= launchedAt);
      }
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
