// `npm run test:faults [-- --short] [--backend dev|postgres] [run ids…]`: the fault-injection runs.
// Each starts its own stack (a fresh Temporal server — the dev server, or with `--backend postgres`
// the production server on a private PostgreSQL cluster — the sandbox, the worker and the API as
// separate processes), injects one kind of fault, waits for the orders to settle and counts:
// nothing lost, nothing doubled. Two runs exist only on PostgreSQL (the server killed, the database
// restarted). Each run is bounded by a deadline; every process it started is stopped, on failure
// and on Ctrl-C too. Exit code 1 when any run failed. Part output: .cellarhand/fault-runs/<id>.log.
import { BACKENDS, type Backend } from '../lib/local-stack';
import { apiRestart } from './api-restart';
import { DeadlineExceeded, RunContext, type FaultRun, type RunSizes } from './harness';
import { postgresRestart } from './postgres-restart';
import { refundLostReply } from './refund-lost-reply';
import { resendFaults } from './resend-faults';
import { temporalKill } from './temporal-kill';
import { temporalRestart } from './temporal-restart';
import { vinoshipperFaults } from './vinoshipper-faults';
import { workerKill } from './worker-kill';

const RUNS: FaultRun[] = [workerKill, temporalRestart, vinoshipperFaults, resendFaults, refundLostReply, apiRestart, temporalKill, postgresRestart];
const appliesTo = (run: FaultRun, backend: Backend) => (run.backends ?? BACKENDS).includes(backend);

interface Outcome {
  run: FaultRun;
  passed: boolean;
  seconds: number;
  error?: string;
  injected: string[];
  counted: string[];
}

let current: RunContext | null = null;
let interrupted = false;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run test:faults -- [--short] [--backend ${BACKENDS.join('|')}] [${RUNS.map((r) => r.id).join('|')} …]`);
    return 0;
  }
  const short = args.includes('--short');
  const at = args.indexOf('--backend');
  const backend = (at >= 0 ? args[at + 1] : 'dev') as Backend;
  if (!BACKENDS.includes(backend)) {
    console.error(`--backend must be one of ${BACKENDS.join(', ')}`);
    return 2;
  }
  const wanted = args.filter((a, i) => !a.startsWith('--') && !(at >= 0 && i === at + 1));
  const unknown = wanted.filter((id) => !RUNS.some((r) => r.id === id));
  if (unknown.length) {
    console.error(`unknown run ${unknown.join(', ')}; the runs are: ${RUNS.map((r) => r.id).join(', ')}`);
    return 2;
  }
  const elsewhere = RUNS.filter((r) => wanted.includes(r.id) && !appliesTo(r, backend));
  if (elsewhere.length) {
    console.error(`${elsewhere.map((r) => `${r.id} needs --backend ${r.backends!.join(' or ')}`).join('; ')}`);
    return 2;
  }
  const applicable = RUNS.filter((r) => appliesTo(r, backend));
  const runs = wanted.length ? applicable.filter((r) => wanted.includes(r.id)) : applicable;

  const startedAt = Date.now();
  console.log(
    `Fault-injection runs on the ${backend === 'postgres' ? 'Temporal server on PostgreSQL' : 'Temporal dev server'}${short ? ' (--short: 20-order batches)' : ' (100-order batches)'}: ${runs.length} of ${applicable.length}. Every stack runs with RECONCILE_ENABLED=false, so no order is caught up behind a fault's back, and ALERT_MODE=per_order, so emails are counted per order.`,
  );
  const outcomes: Outcome[] = [];
  for (const [i, run] of runs.entries()) {
    if (interrupted) break;
    const sizes = { short, backend };
    const deadlineMs = run.deadlineMs(sizes);
    console.log(`\n[${i + 1}/${runs.length}] ${run.id}: ${run.title} (deadline ${deadlineMs / 1000} s)`);
    outcomes.push(await execute(run, sizes, deadlineMs));
  }

  console.log(`\n${'='.repeat(100)}\nSummary (${backend} backend${short ? ', --short' : ''}): ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all`);
  for (const o of outcomes) {
    console.log(`  ${o.passed ? 'PASS' : 'FAIL'}  ${o.run.id.padEnd(20)} ${`${o.seconds.toFixed(1)} s`.padStart(8)}  ${o.error ?? ''}`);
    for (const line of o.injected) console.log(`${' '.repeat(8)}injected: ${line}`);
    for (const line of o.counted) console.log(`${' '.repeat(8)}counted:  ${line}`);
  }
  if (interrupted) console.log('  (interrupted)');
  const failed = outcomes.filter((o) => !o.passed).length;
  console.log(failed || interrupted ? `${failed} of ${outcomes.length} runs FAILED` : `all ${outcomes.length} runs PASSED`);
  return failed || interrupted ? 1 : 0;
}

async function execute(run: FaultRun, sizes: RunSizes, deadlineMs: number): Promise<Outcome> {
  const ctx = new RunContext(run, deadlineMs, sizes.backend);
  current = ctx;
  let error: string | undefined;
  // The waits honour the deadline themselves; this is the backstop for a step that hangs elsewhere.
  let backstop: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    backstop = setTimeout(() => {
      ctx.abort(`deadline of ${deadlineMs / 1000} s exceeded`);
      reject(new DeadlineExceeded(`deadline of ${deadlineMs / 1000} s exceeded`));
    }, deadlineMs + 5_000);
  });
  const body = run.run(ctx, sizes);
  try {
    await Promise.race([body, overdue]);
  } catch (err) {
    error = err instanceof DeadlineExceeded ? `DEADLINE: ${err.message}` : `ERROR: ${err instanceof Error ? err.message : String(err)}`;
    ctx.abort(error);
  } finally {
    clearTimeout(backstop);
    body.catch(() => undefined);
    await ctx.close();
    current = null;
  }
  const passed = !error && ctx.passed;
  const seconds = (Date.now() - ctx.startedAt) / 1000;
  for (const line of ctx.injected) console.log(`  injected: ${line}`);
  for (const line of ctx.counted) console.log(`  counted:  ${line}`);
  for (const c of ctx.checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.what}`);
  if (error) console.log(`  ${error}`);
  console.log(`  ${passed ? 'PASS' : 'FAIL'} ${run.id} in ${seconds.toFixed(1)} s${passed ? '' : ` (part output: ${ctx.logFile})`}`);
  const failedChecks = ctx.checks.filter((c) => !c.ok).map((c) => c.what);
  return {
    run,
    passed,
    seconds,
    error: error ?? (failedChecks.length ? `failed: ${failedChecks.join('; ')}` : undefined),
    injected: ctx.injected,
    counted: ctx.counted,
  };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the current run and its processes…`);
    const ctx = current;
    if (!ctx) process.exit(130);
    ctx.abort(`interrupted (${signal})`);
    void ctx.close().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
