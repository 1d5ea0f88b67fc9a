// The stack as separate processes on free ports, for the benchmark and the fault-injection runs:
// a fresh Temporal dev server (headless), the sandbox, the worker and the API — each part its own
// Node process, so one can be measured (RSS), killed with SIGKILL, stopped and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { loadConfig, type Config } from '../../config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { createDataConverter } from '../../temporal/data-converter';
import { projectRoot, temporalCli } from '../temporal-binaries';

export type PartName = 'temporal' | 'sandbox' | 'worker' | 'api';

const ROOT = projectRoot();
const ENTRY: Record<Exclude<PartName, 'temporal'>, string> = { sandbox: 'sandbox/main.ts', worker: 'worker/main.ts', api: 'api/main.ts' };
const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = { KEYWORD: 'Keyword' };

export interface LocalStackOptions {
  /** Extra environment for every part (config variables such as intervals or fault settings). */
  env?: Record<string, string>;
  /** Keep Temporal's state in a SQLite file (survives a dev-server restart); default in memory. */
  persistent?: boolean;
  /** Where each part's output lines go; default: dropped (errors are still reported on exit). */
  log?: (part: PartName, line: string) => void;
  /** Start only these parts after Temporal (default sandbox, worker, api). */
  parts?: Exclude<PartName, 'temporal'>[];
  /**
   * Node arguments for a part instead of `--import tsx <entry>.ts`, e.g. `{ worker: ['dist/worker/main.js'] }`
   * to run the compiled build the way the Docker image does (`npm run build` first).
   */
  nodeArgs?: Partial<Record<Exclude<PartName, 'temporal'>, string[]>>;
}

interface Running {
  proc: ChildProcess;
  exited: Promise<number | null>;
  launchedAt: number;
}

export class LocalStack {
  private readonly running = new Map<PartName, Running>();
  private temporalArgs: string[] = [];
  private temporalBinary = '';
  private clientPromise?: Promise<Client>;

  private constructor(
    readonly dir: string,
    readonly env: Record<string, string>,
    readonly config: Config,
    private readonly opts: LocalStackOptions,
  ) {}

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
      SHOPIFY_ADMIN_API_URL: `${sandbox}/shopify`,
      VINOSHIPPER_API_URL: `${sandbox}/vinoshipper/api/v3/p`,
      RESEND_BASE_URL: `${sandbox}/resend`,
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
    this.clientPromise ??= Connection.connect({ address: this.config.temporal.address }).then(
      (connection) => new Client({ connection, namespace: this.config.temporal.namespace, dataConverter: createDataConverter(this.config.codec) }),
    );
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

  async startPart(part: Exclude<PartName, 'temporal'>): Promise<void> {
    // `node --import tsx` rather than the tsx binary: one process per part, so its pid and RSS are the part's own.
    this.launch(part, process.execPath, this.opts.nodeArgs?.[part] ?? ['--import', 'tsx', ENTRY[part]]);
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

  /** Stops the dev server gracefully and starts it again on the same port; `downMs`: stay down this long in between. */
  async restartTemporal({ downMs = 0 }: { downMs?: number } = {}): Promise<void> {
    await this.stopPart('temporal');
    if (downMs > 0) await sleep(downMs);
    this.launch('temporal', this.temporalBinary, this.temporalArgs);
    await this.waitUntilReady('temporal');
  }

  async stop(): Promise<void> {
    if (this.clientPromise) await (await this.clientPromise).connection.close().catch(() => undefined);
    for (const part of ['api', 'worker', 'sandbox', 'temporal'] as const) await this.stopPart(part);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startTemporal(port: number): Promise<void> {
    const cli = await temporalCli();
    if (cli.type !== 'existing-path') throw new Error('no local Temporal CLI binary; `npm run provision` says why');
    this.temporalBinary = cli.path;
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
    if (this.opts.persistent) {
      args.push('--db-filename', path.join(this.dir, 'temporal.db'), '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
    }
    for (const key of ORDER_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);
    this.temporalArgs = args;
    this.launch('temporal', cli.path, args);
    await this.waitUntilReady('temporal');
  }

  private launch(part: PartName, command: string, args: string[]): void {
    const proc = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      case 'temporal': {
        const connection = await Connection.connect({ address: this.config.temporal.address, connectTimeout: '1s' });
        await connection.close();
        return true;
      }
      case 'api':
        return (await fetch(`${this.apiUrl}/health`)).ok;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
