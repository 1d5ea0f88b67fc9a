// `npm run bench:compare`: the latest run of each backend (quick or full, kept in
// .cellarhand/bench/runs/ by every `npm run bench`) side by side, PostgreSQL ÷ dev server per row —
// for comparing the backends without two full runs. Prints the Markdown table.
// `npm run bench:compare -- --document`: renders docs/BENCHMARKS.md again from the full runs kept
// beside it (docs/benchmarks/<backend>.json), e.g. after the report's wording changed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../temporal-binaries';
import { LATEST_RUNS_DIR, loadRun, renderComparison, renderDocument } from './side-by-side';

const root = projectRoot();
if (process.argv.includes('--document')) {
  const runs = { dev: loadRun(root, 'dev') ?? undefined, postgres: loadRun(root, 'postgres') ?? undefined };
  if (!runs.dev && !runs.postgres) {
    console.error('bench:compare --document needs a full run in docs/benchmarks/: run npm run bench');
    process.exit(1);
  }
  const out = path.join(root, 'docs', 'BENCHMARKS.md');
  writeFileSync(out, renderDocument(runs));
  console.log(
    `${path.relative(process.cwd(), out)} rendered from ${Object.keys(runs)
      .filter((b) => runs[b as keyof typeof runs])
      .join(' and ')}`,
  );
  process.exit(0);
}
const dev = loadRun(root, 'dev', LATEST_RUNS_DIR);
const postgres = loadRun(root, 'postgres', LATEST_RUNS_DIR);
if (!dev || !postgres) {
  console.error(`bench:compare needs a run of each backend in ${LATEST_RUNS_DIR}: run npm run bench -- --quick, and again with --backend postgres`);
  process.exit(1);
}
const flags = (r: typeof dev) => `\`${r.flags}\``;
console.log(`${renderComparison(dev, postgres)}\n\nFlags: dev server ${flags(dev)}; PostgreSQL ${flags(postgres)}.`);
