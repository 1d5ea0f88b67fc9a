// `npm run bench:compare`: the latest run of each backend (quick or full, kept in
// .cellarhand/bench/runs/ by every `npm run bench`) side by side, PostgreSQL ÷ dev server per row —
// for comparing the backends without two full runs. Prints the Markdown table.
import { projectRoot } from '../temporal-binaries';
import { LATEST_RUNS_DIR, loadRun, renderComparison } from './side-by-side';

const root = projectRoot();
const dev = loadRun(root, 'dev', LATEST_RUNS_DIR);
const postgres = loadRun(root, 'postgres', LATEST_RUNS_DIR);
if (!dev || !postgres) {
  console.error(`bench:compare needs a run of each backend in ${LATEST_RUNS_DIR}: run npm run bench -- --quick, and again with --backend postgres`);
  process.exit(1);
}
const flags = (r: typeof dev) => `\`${r.flags}\``;
console.log(`${renderComparison(dev, postgres)}\n\nFlags: dev server ${flags(dev)}; PostgreSQL ${flags(postgres)}.`);
