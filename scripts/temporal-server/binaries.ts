// The production Temporal server for the PostgreSQL backend: the server itself, its schema tool
// (temporal-sql-tool) and the Web UI server. No npm or PyPI package ships them, so they are built
// from the Go module proxy (`go install`, static, stripped) and cached by version OUTSIDE the clone
// — ${CELLARHAND_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/cellarhand} — so a second run, and any other
// clone on the machine, reuses them. Each is looked for in this order, the first that works wins:
//   1. TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH (an explicit choice: both must exist)
//   2. the cache, <cache>/temporal-server/v<version>/
//   3. `go install` into the cache (cold: about 5 min on 2 cores, up to 15–20 min on a busy machine;
//      peak about 2.5 GB of memory; about 10 s when Go's own build cache is warm)
// and otherwise a TemporalServerBinaryError lists every source tried and why it failed. The Web UI
// server has no override: it is optional, and `npm start` says why when it cannot be had.
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, isFile, makeExecutable, run, withLock } from '../lib/install-helpers';

/**
 * One pin for both worlds: the native build and docker-compose.yml's images (a unit test compares
 * them). 1.32.1 matches the server inside the Temporal CLI 1.9.1 (Server 1.32.0) that the dev
 * server runs; 1.32.2 needs a newer Go than these machines have. UI 2.54.1 is the CLI 1.9.1's.
 */
export const SERVER_PINS = {
  server: { version: '1.32.1', goModule: 'go.temporal.io/server', packages: { server: 'cmd/server', sqlTool: 'cmd/tools/sql' } },
  ui: { version: '2.54.1', goModule: 'github.com/temporalio/ui-server/v2', package: 'cmd/server' },
  images: {
    server: 'temporalio/server:1.32.1',
    adminTools: 'temporalio/admin-tools:1.32.1',
    ui: 'temporalio/ui:2.54.1',
  },
} as const;

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** Which source won, for humans. */
  source: string;
}

export interface UiServer {
  binary: string;
  /** A folder holding the UI server's own `docker.yaml` config template (the temporalio/ui image's). */
  configDir: string;
  source: string;
}

export interface ServerBinaryOptions {
  /** Build with `go install` when nothing is found. Default true. */
  install?: boolean;
  /** Where the overrides and PATH (for `go`) are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The cache root. Default ${CELLARHAND_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/cellarhand}. */
  cacheDir?: string;
  /** Progress for humans (a cold build takes minutes). */
  log?: (line: string) => void;
}

export class TemporalServerBinaryError extends Error {
  constructor(
    readonly what: string,
    readonly tried: string[],
  ) {
    super(
      `No ${what} could be found or built. Tried, in order:\n` +
        tried.map((t, i) => `  ${i + 1}. ${t}`).join('\n') +
        `\nFix one of them (install Go ${goNeeded} or newer from https://go.dev/dl and put it on PATH, or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to binaries of server v${SERVER_PINS.server.version}), then run \`npm run provision -- --postgres\`.`,
    );
    this.name = 'TemporalServerBinaryError';
  }
}

// The `go` line of go.temporal.io/server v1.32.1's go.mod (and ui-server v2.54.1 needs 1.26.5).
const goNeeded = '1.26.5';
const BUILD_TIMEOUT_MS = 45 * 60_000;

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CELLARHAND_CACHE_DIR) return env.CELLARHAND_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cellarhand');
}

export async function temporalServerBinaries(opts: ServerBinaryOptions = {}): Promise<ServerBinaries> {
  const env = opts.env ?? process.env;
  const tried: string[] = [];

  const explicit = { server: env.TEMPORAL_SERVER_PATH, sqlTool: env.TEMPORAL_SQL_TOOL_PATH };
  if (explicit.server || explicit.sqlTool) {
    const problems = Object.entries({ TEMPORAL_SERVER_PATH: explicit.server, TEMPORAL_SQL_TOOL_PATH: explicit.sqlTool })
      .filter(([, p]) => !p || !isFile(p))
      .map(([name, p]) => (p ? `${name}=${p}: no such file` : `${name}: not set (set both or neither)`));
    if (problems.length) throw new TemporalServerBinaryError('Temporal server', problems);
    await makeExecutable(explicit.server!);
    await makeExecutable(explicit.sqlTool!);
    return { server: explicit.server!, sqlTool: explicit.sqlTool!, source: 'TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH' };
  }
  tried.push('TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH: not set');

  const dir = path.join(opts.cacheDir ?? cacheRoot(env), 'temporal-server', `v${SERVER_PINS.server.version}`);
  const cached = { server: path.join(dir, 'temporal-server'), sqlTool: path.join(dir, 'temporal-sql-tool') };
  const found = () => isFile(cached.server) && isFile(cached.sqlTool);
  if (found()) return { ...cached, source: `cached in ${dir}` };
  tried.push(`${dir}: not built yet`);

  if (opts.install === false) {
    tried.push('go install: skipped, install: false');
    throw new TemporalServerBinaryError('Temporal server', tried);
  }
  const { goModule, version, packages } = SERVER_PINS.server;
  const label = `go install ${goModule}/{${packages.server},${packages.sqlTool}}@v${version}`;
  try {
    const source = await withLock(
      dir,
      async () => {
        if (found()) return `cached in ${dir}, built by another process`; // while we waited
        opts.log?.(
          `building Temporal server v${version} and its schema tool from the Go module proxy into ${dir} (first time only: about 5 min, up to 20 on a busy machine)…`,
        );
        const started = Date.now();
        await goInstall(env, dir, [`${goModule}/${packages.server}@v${version}`, `${goModule}/${packages.sqlTool}@v${version}`], {
          server: cached.server,
          sql: cached.sqlTool,
        });
        opts.log?.(`built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
        return `built (${label}) into ${dir}`;
      },
      { waitMs: BUILD_TIMEOUT_MS },
    );
    return { ...cached, source };
  } catch (err) {
    tried.push(`${label}: ${(err as Error).message}`);
    throw new TemporalServerBinaryError('Temporal server', tried);
  }
}

/** The Web UI server (the same UI, 2.54.1, that the CLI's dev server embeds), built like the server (about 15 s). */
export async function temporalUiServer(opts: ServerBinaryOptions = {}): Promise<UiServer> {
  const env = opts.env ?? process.env;
  const { goModule, version } = SERVER_PINS.ui;
  const dir = path.join(opts.cacheDir ?? cacheRoot(env), 'temporal-ui-server', `v${version}`);
  const ui = { binary: path.join(dir, 'temporal-ui-server'), configDir: path.join(dir, 'config') };
  const template = path.join(ui.configDir, 'docker.yaml');
  const base = path.join(ui.configDir, 'base.yaml');
  const found = () => isFile(ui.binary) && isFile(template) && isFile(base);
  if (found()) return { ...ui, source: `cached in ${dir}` };
  const label = `go install ${goModule}/${SERVER_PINS.ui.package}@v${version}`;
  if (opts.install === false) throw new TemporalServerBinaryError('Temporal Web UI server', [`${dir}: not built yet`, 'go install: skipped, install: false']);
  try {
    const source = await withLock(dir, async () => {
      if (found()) return `cached in ${dir}, built by another process`;
      opts.log?.(`building the Temporal Web UI server v${version} from the Go module proxy into ${dir} (first time only, about 15 s)…`);
      await goInstall(env, dir, [`${goModule}/${SERVER_PINS.ui.package}@v${version}`], { server: ui.binary });
      // The UI server reads its settings from a config template, which the module ships beside the code.
      const go = findOnPath('go', env)!;
      const info = JSON.parse(await run(go, ['mod', 'download', '-json', `${goModule}@v${version}`], { env: goEnv(env), timeoutMs: 5 * 60_000 })) as {
        Dir: string;
      };
      await mkdir(ui.configDir, { recursive: true });
      await rm(template, { force: true }); // the module cache's files are read-only, and so is an earlier copy
      await copyFile(path.join(info.Dir, 'config', 'docker.yaml'), template);
      await chmod(template, 0o644);
      // Read before docker.yaml, which leaves `host` alone: natively the UI listens on this machine only
      // (the container binds every interface of its own network namespace).
      await writeFile(base, '# Written by scripts/temporal-server/binaries.ts\nhost: 127.0.0.1\n');
      return `built (${label}) into ${dir}`;
    });
    return { ...ui, source };
  } catch (err) {
    throw new TemporalServerBinaryError('Temporal Web UI server', [`${dir}: not built yet`, `${label}: ${(err as Error).message}`]);
  }
}

/** `go install`s the packages into a scratch folder, then moves each binary (named after its package folder) to its place. */
async function goInstall(env: NodeJS.ProcessEnv, dir: string, packages: string[], moves: Record<string, string>): Promise<void> {
  const go = findOnPath('go', env);
  if (!go) throw new Error(`go not found on PATH (Go ${goNeeded} or newer is needed)`);
  await mkdir(dir, { recursive: true });
  const scratch = await mkdtemp(path.join(dir, '.build-'));
  try {
    await run(go, ['install', '-trimpath', '-ldflags=-s -w', ...packages], { env: { ...goEnv(env), GOBIN: scratch }, timeoutMs: BUILD_TIMEOUT_MS });
    for (const [built, target] of Object.entries(moves)) {
      if (!isFile(path.join(scratch, built))) throw new Error(`go install produced no ${built} binary`);
      await rename(path.join(scratch, built), target); // same filesystem: a reader never sees half a binary
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// Static binaries (no libc dependency) built by the Go that is installed: GOTOOLCHAIN=local keeps go
// from downloading another toolchain, so an old Go fails with a clear "requires go >= …" instead.
function goEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' };
}
