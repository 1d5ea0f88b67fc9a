// `npm run bench [-- --backend dev|postgres]`: throughput ceiling, orders throughput, webhook
// acknowledgement latency (and overload), parked orders, an idle order's 30 days, and open orders'
// memory and Vinoshipper rate, each against fresh local processes
// (scripts/lib/local-stack.ts) on either Temporal backend; prints a Markdown table and writes the
// report (docs/BENCHMARKS.md for a full run, beside the other backend's last full run: side-by-side.ts),
// and the figures as numbers in .cellarhand/bench/last-run.json.
// Flags: `npm run bench -- --help`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKENDS } from '../lib/local-stack';
import { projectRoot } from '../temporal-binaries';
import { buildForBench } from './build';
import { CpuMeter, describeMachine } from './machine';
import { describeFlags, isDefaultFullRun, parseBenchArgs, USAGE, type BenchOptions } from './options';
import { runAck } from './parts/ack';
import { runCeiling } from './parts/ceiling';
import type { PartContext } from './parts/context';
import { runIdle } from './parts/idle';
import { runOpen } from './parts/open';
import { runOrders } from './parts/orders';
import { runParked } from './parts/parked';
import { killEverything, recentOutput, startStack, stopStack, type Built } from './processes';
import { lastRunFigures, renderReport, renderTable, verdicts, type BenchResults } from './report';
import { LATEST_RUNS_DIR, loadRun, renderDocument, saveRun } from './side-by-side';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping every process the bench started`);
      void killEverything().finally(() => process.exit(130));
    });
  }
  const startedAt = new Date();
  const meter = new CpuMeter();
  const machine = await describeMachine(options.backend);
  const log = (message: string) => console.error(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  log(
    `${options.profile} run: ${options.only.join(', ')} on ${machine.cores} cores, ${machine.node}, ${machine.temporalServer ? `Temporal server ${machine.temporalServer}` : `Temporal CLI ${machine.temporalCli} (dev server)`}`,
  );

  let built: Built;
  if (options.runtime === 'built') {
    log('compiling the worker and the API (as npm run build)');
    built = buildForBench();
  } else {
    built = {} as Built;
  }
  const ctx: PartContext = {
    options,
    built,
    choice: { backend: options.backend, temporal: options.temporal, runtime: options.runtime, workerNodeOptions: options.workerNodeOptions },
    log,
  };
  const results: BenchResults = { failures: {} };
  // Each part's results are kept as soon as it ends: a long run stopped part-way keeps what it measured.
  const partial = path.join(projectRoot(), LATEST_RUNS_DIR, `${options.backend}.partial.json`);
  const attempt = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results.failures[name] = message.split('\n')[0];
      log(`${name} FAILED: ${message}\n${recentOutput()}`);
    }
    mkdirSync(path.dirname(partial), { recursive: true });
    writeFileSync(partial, `${JSON.stringify({ startedAt, flags: describeFlags(argv), options, results, figures: lastRunFigures(results) }, null, 1)}\n`);
  };

  const shared = (['ceiling', 'orders'] as const).filter((part) => options.only.includes(part));
  if (shared.length) {
    log('starting a fresh stack for the ceiling and the orders');
    const stack = await startStack(ctx.choice, built).catch((err: Error) => {
      for (const part of shared) results.failures[part] = `the stack did not start: ${err.message.split('\n')[0]}`;
      log(`the stack did not start: ${err.message}\n${recentOutput()}`);
      return null;
    });
    if (stack) {
      try {
        if (shared.includes('ceiling')) await attempt('ceiling', async () => void (results.ceiling = await runCeiling(ctx, stack)));
        if (shared.includes('orders')) await attempt('orders', async () => void (results.orders = await runOrders(ctx, stack)));
      } finally {
        await stopStack(stack);
      }
    }
  }
  if (options.only.includes('ack')) await attempt('ack', async () => void (results.ack = await runAck(ctx, results.orders?.perSec)));
  if (options.only.includes('parked')) await attempt('parked', async () => void (results.parked = await runParked(ctx)));
  if (options.only.includes('idle')) await attempt('idle', async () => void (results.idle = await runIdle(ctx)));
  if (options.only.includes('open')) await attempt('open', async () => void (results.open = await runOpen(ctx)));

  const durationMs = Date.now() - startedAt.getTime();
  const input = { startedAt, durationMs, machine, flags: describeFlags(argv), options, cpu: meter.read(), results };
  const root = projectRoot();
  const documented = isDefaultFullRun(options) && !options.out;
  let report = renderReport(input);
  saveRun(root, input, LATEST_RUNS_DIR);
  if (documented) {
    // The page shows this run beside the other backend's last full run.
    saveRun(root, input);
    const other = BACKENDS.filter((b) => b !== options.backend).map((b) => [b, loadRun(root, b)] as const);
    report = renderDocument({ [options.backend]: input, ...Object.fromEntries(other.filter(([, run]) => run)) });
  }
  const out = path.resolve(root, options.out ?? (documented ? 'docs/BENCHMARKS.md' : '.cellarhand/bench/last-run.md'));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, report);
  // Every run, quick or full: the issue's figures as numbers (null: not measured in this run).
  const figures = path.join(root, '.cellarhand', 'bench', 'last-run.json');
  mkdirSync(path.dirname(figures), { recursive: true });
  writeFileSync(figures, `${JSON.stringify(lastRunFigures(results), null, 2)}\n`);

  console.log(`\n${renderTable(input)}\n`);
  for (const v of verdicts(results)) console.log(`- ${v.target}: ${v.verdict}. ${v.sentence}`);
  console.log(
    `\nReport written to ${path.relative(process.cwd(), out) || out}, figures to ${path.relative(process.cwd(), figures)} (${(durationMs / 60000).toFixed(1)} min).`,
  );
  if (Object.keys(results.failures).length) process.exitCode = 1;
}

main().catch((err) => {
  console.error('bench failed:', err instanceof Error ? err.stack : err);
  console.error(recentOutput());
  process.exit(1);
});
