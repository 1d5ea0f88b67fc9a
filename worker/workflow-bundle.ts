// The workflow code as one webpack bundle, built once rather than at every worker start: bundling
// takes seconds of CPU and a few hundred MB of memory, which a worker that bundled at start kept in
// its heap. `npm run build` (and so the Docker image) writes dist/workflow-bundle.js beside the
// compiled workflows; a worker run from the sources (`npm start`, `npm run worker`, the tests)
// builds it on first use and keeps it under .cellarhand/workflow-bundle/, named by a hash of what
// goes into it, so a changed workflow gets a new bundle and an unchanged one is never rebuilt.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

/** The tree this module runs from: the project (sources, through tsx) or a compiled copy (dist/). */
const TREE = path.resolve(__dirname, '..');
const WORKFLOWS_PATH = require.resolve('../workflows');
/** What the bundle is made of: workflows/ imports only domain/, the SDK and the failure converter (lint keeps it so). */
const SOURCE_DIRS = ['workflows', 'domain'];
const SDK_PACKAGES = ['@temporalio/workflow', '@temporalio/common', '@temporalio/worker'];
/** Where `npm run build` writes the bundle of a compiled tree, and the hash it was built from. */
export const BUILT_BUNDLE = path.join(TREE, 'workflow-bundle.js');
const BUILT_HASH = `${BUILT_BUNDLE}.sha256`;
const CACHED_BUNDLES_KEPT = 5;

type Log = (message: string) => void;
const quietBundler = (warn: Log) => ({ log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn, error: warn });

/** A hash of every file the bundle is built from (under `tree`: this one, or a copy in a test), and of the SDK versions that build it. */
export function workflowSourceHash(tree: string = TREE): string {
  const hash = createHash('sha256');
  const files: string[] = [FAILURE_CONVERTER_PATH];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(tree, dir));
  for (const file of files.sort()) hash.update(path.relative(tree, file)).update('\0').update(readFileSync(file)).update('\0');
  for (const pkg of SDK_PACKAGES) {
    const { version } = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string };
    hash.update(`${pkg}@${version}\0`);
  }
  return hash.digest('hex');
}

async function bundle(warn: Log): Promise<string> {
  // The workflow side of failure conversion lives in the bundle: failure messages stay encoded.
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundler(warn) });
  return code;
}

/** Writes atomically: a worker starting meanwhile sees the old file or the whole new one. */
function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** `npm run build`: the bundle of this compiled tree, beside it. */
export async function writeBuiltBundle(log: Log = console.log): Promise<string> {
  const started = Date.now();
  writeAtomically(BUILT_BUNDLE, await bundle(log));
  writeFileSync(BUILT_HASH, workflowSourceHash());
  log(`workflow bundle written to ${BUILT_BUNDLE} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return BUILT_BUNDLE;
}

/** The folder of the project this tree belongs to (the nearest one up with a package.json). */
function projectDir(): string {
  for (let dir = TREE; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return TREE;
  }
}

/**
 * The bundle for this tree: the one `npm run build` wrote when it matches the code, else the cached
 * one for this code, else a new one (built now, then cached). Returns a path for
 * `Worker.create({ workflowBundle: { codePath } })`, or the code itself when nothing can be written.
 */
export async function workflowBundle({ log = () => {}, cacheDir }: { log?: Log; cacheDir?: string } = {}): Promise<{ codePath: string } | { code: string }> {
  const hash = workflowSourceHash();
  if (existsSync(BUILT_BUNDLE) && existsSync(BUILT_HASH) && readFileSync(BUILT_HASH, 'utf8').trim() === hash) return { codePath: BUILT_BUNDLE };
  const dir = cacheDir ?? path.join(projectDir(), '.cellarhand', 'workflow-bundle');
  const cached = path.join(dir, `${hash.slice(0, 32)}.js`);
  if (existsSync(cached)) return { codePath: cached };
  const started = Date.now();
  log('building the workflow bundle (first start after a change to workflows/ or domain/)');
  const code = await bundle(log);
  try {
    mkdirSync(dir, { recursive: true });
    writeAtomically(cached, code);
    pruneCache(dir, cached);
  } catch (err) {
    log(`could not cache the workflow bundle in ${dir} (${(err as Error).message}); using it from memory`);
    return { code };
  }
  log(`workflow bundle built in ${((Date.now() - started) / 1000).toFixed(1)} s, cached as ${path.relative(process.cwd(), cached)}`);
  return { codePath: cached };
}

/** Keeps the newest few bundles (other worktrees or branches may still want theirs). */
function pruneCache(dir: string, keep: string): void {
  const bundles = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of bundles.slice(CACHED_BUNDLES_KEPT)) if (old !== keep) rmSync(old, { force: true });
}
