// The bench runs cellarhand's worker and API the way the Docker image does: compiled JavaScript
// under plain `node` (no tsx loader, which costs the worker ~100 MB of resident memory). It compiles
// only what those processes import, with the options of `npm run build` (tsconfig.build.json),
// into a directory of its own, so it neither touches dist/ nor depends on unrelated files; then,
// as `npm run build` does, bundles the compiled workflows beside them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../temporal-binaries';

export const BUILD_DIR = path.join(projectRoot(), '.cellarhand', 'bench', 'build');

export const ENTRIES = {
  worker: 'worker/main.ts',
  api: 'api/main.ts',
  ceilingWorker: 'scripts/bench/ceiling-worker.ts',
  bareRoute: 'scripts/bench/bare-hmac-server.ts',
} as const;

/** Modules the entries load by path (`require.resolve`, for webpack or the SDK), not by import; and the bundle step of `npm run build`. */
const LOADED_BY_PATH = ['workflows/index.ts', 'temporal/failure-converter.ts', 'scripts/bench/ceiling-workflows.ts', 'scripts/build-workflow-bundle.ts'];

/** Compiles the entries (unless nothing changed since the last time); returns each one's compiled path (relative to the project root). */
export function buildForBench(): Record<keyof typeof ENTRIES, string> {
  const root = projectRoot();
  const outputs = Object.fromEntries(
    Object.entries(ENTRIES).map(([key, entry]) => [key, path.relative(root, path.join(BUILD_DIR, entry.replace(/\.ts$/, '.js')))]),
  ) as Record<keyof typeof ENTRIES, string>;
  const stamp = path.join(BUILD_DIR, '.built-at');
  if (existsSync(stamp) && statSync(stamp).mtimeMs > newestSource(root)) return outputs;
  compile(root);
  // As `npm run build`: the workflow bundle beside the compiled workflows, so the worker never bundles at start.
  execFileSync(process.execPath, [path.join(BUILD_DIR, 'scripts', 'build-workflow-bundle.js')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(stamp, new Date().toISOString());
  return outputs;
}

/** Newest modification time among the sources the build reads (and the files that shape it). */
function newestSource(root: string): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(full);
      } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ['domain', 'config', 'workflows', 'activities', 'worker', 'api', 'temporal', 'integrations', 'scripts']) {
    if (existsSync(path.join(root, dir))) visit(path.join(root, dir));
  }
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

function compile(root: string): void {
  const configPath = path.join(root, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  const options: ts.CompilerOptions = { ...parsed.options, outDir: BUILD_DIR, rootDir: root, sourceMap: false, noEmit: false };
  const program = ts.createProgram(
    [...Object.values(ENTRIES), ...LOADED_BY_PATH].map((entry) => path.join(root, entry)),
    options,
  );
  const emitted = program.emit();
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length) {
    const text = ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
    throw new Error(`the code the bench runs does not compile:\n${text}`);
  }
}
