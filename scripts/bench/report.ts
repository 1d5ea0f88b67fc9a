// The Markdown the bench prints and writes: the machine, the flags, one table, a sentence per
// target, the rate-search steps, and how each figure was measured.
import type { Backend } from '../lib/local-stack';
import type { Machine } from './machine';
import type { BenchOptions } from './options';
import { WARM_UP_SEC, type AckResult, type AckRun, type RateSearch } from './parts/ack';
import type { CeilingResult } from './parts/ceiling';
import type { IdleResult } from './parts/idle';
import type { OpenResult } from './parts/open';
import type { OrdersResult } from './parts/orders';
import type { NotResumed, ParkedResult } from './parts/parked';
import { POSTGRES_CPU, TEMPORAL_CPU } from './processes';
import { mb, ms, perSec, secs } from './stats';

/** How the report names each backend's Temporal server. */
const SERVER_NAME: Record<Backend, string> = { dev: 'dev server', postgres: 'Temporal server' };

export interface BenchResults {
  ceiling?: CeilingResult;
  orders?: OrdersResult;
  ack?: AckResult;
  parked?: ParkedResult;
  idle?: IdleResult;
  open?: OpenResult;
  /** Parts that failed, with the error. */
  failures: Record<string, string>;
}

export interface ReportInput {
  startedAt: Date;
  durationMs: number;
  machine: Machine;
  flags: string;
  options: BenchOptions;
  cpu: { wallSec: number; capacitySec: number; busySec: number; oursSec: number; otherSec: number };
  results: BenchResults;
}

export const TARGETS = {
  ordersToCeiling: 0.5,
  ackP99Ms: 50,
  ackRatioToBare: 2,
  parkedRssBytes: 400e6,
  resumeWithinMs: 60_000,
  ackP99AtHalfCapacityMs: 50,
  overloadRejectP99Ms: 1_000,
  idleActions30d: 40,
  idleVinoshipperCalls30d: 30,
  rssAt10kMb: 300,
  rssGrowthRatio: 0.1,
} as const;

/** The issue's figures, as numbers (null: not measured in this run), for .cellarhand/bench/last-run.json. */
export interface LastRunFigures {
  ceilingPerSec: number | null;
  ordersPerSec: number | null;
  ordersToCeiling: number | null;
  ackP99AtHalfCapacityMs: number | null;
  overloadRejectP99Ms: number | null;
  idleActionsPerOrder30d: number | null;
  idleVinoshipperCallsPerOrder30d: number | null;
  vinoshipperPeakCallsPerSec: number | null;
  workerRssMbAt10kOpen: number | null;
  workerRssMbAt50kOpen: number | null;
  /** The open orders of the two memory readings (a full run: 10,000 and 50,000). */
  openOrders: number[] | null;
}

export function lastRunFigures(results: BenchResults): LastRunFigures {
  const { ceiling, orders, ack, idle, open } = results;
  const num = (v: number | undefined | null, digits = 1): number | null =>
    v === undefined || v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits));
  const rejected = ack && (ack.overload.failedStatuses['503'] ?? 0) > 0 ? ack.overload.rejectedLatency.p99 : null;
  return {
    ceilingPerSec: num(ceiling?.perSec),
    ordersPerSec: num(orders?.perSec),
    ordersToCeiling: ceiling && orders ? num(orders.perSec / ceiling.perSec, 2) : null,
    ackP99AtHalfCapacityMs: num(ack?.halfCapacity.latency.p99),
    overloadRejectP99Ms: num(rejected),
    idleActionsPerOrder30d: idle ? idle.cost.actions : null,
    idleVinoshipperCallsPerOrder30d: idle ? idle.vinoshipperCalls : null,
    vinoshipperPeakCallsPerSec: num(open?.vinoshipperPeakPerSec, 2),
    workerRssMbAt10kOpen: open ? Math.round(open.levels[0].workerRss / 1e6) : null,
    workerRssMbAt50kOpen: open?.levels[1] ? Math.round(open.levels[1].workerRss / 1e6) : null,
    openOrders: open ? open.levels.map((l) => l.open) : null,
  };
}

type Verdict = 'met' | 'not met' | 'not measured';

export function verdicts(results: BenchResults): Array<{ target: string; verdict: Verdict; sentence: string }> {
  const { ceiling, orders, ack, parked, idle, open } = results;
  const out: Array<{ target: string; verdict: Verdict; sentence: string }> = [];

  if (ceiling && orders && Number.isFinite(ceiling.perSec) && Number.isFinite(orders.perSec)) {
    const ratio = orders.perSec / ceiling.perSec;
    const met = ratio >= TARGETS.ordersToCeiling;
    out.push({
      target: 'Orders throughput ≥ 0.5 × the ceiling',
      verdict: met ? 'met' : 'not met',
      sentence: `${perSec(orders.perSec)} orders reached \`submitted\` against a ceiling of ${perSec(ceiling.perSec)} measured in the same run: ${ratio.toFixed(2)} × the ceiling (target ≥ 0.5 ×, i.e. ≥ ${perSec(ceiling.perSec * 0.5)}).`,
    });
  } else {
    out.push({ target: 'Orders throughput ≥ 0.5 × the ceiling', verdict: 'not measured', sentence: notMeasured(results, ['ceiling', 'orders']) });
  }

  if (ack) {
    const p99 = ack.ours.latency.p99;
    const failures = failedCount(ack.ours);
    const met = p99 <= TARGETS.ackP99Ms && failures === 0;
    out.push({
      target: `Webhook acknowledgement p99 ≤ 50 ms at ${ack.rate} deliveries/s`,
      verdict: met ? 'met' : 'not met',
      sentence: `At ${ack.rate}/s for ${ack.durationSec} s (open loop, every delivery a new order) our route's p99 was ${ms(p99)}${failures ? `, and ${failures} of ${ack.ours.sent} deliveries got no 2xx` : ''} (target ≤ 50 ms).`,
    });
    const ratio = p99 / ack.bare.latency.p99;
    out.push({
      target: 'Webhook acknowledgement p99 ≤ 2 × the bare HMAC route',
      verdict: ratio <= TARGETS.ackRatioToBare ? 'met' : 'not met',
      sentence: `Our p99 ${ms(p99)} against the bare route's ${ms(ack.bare.latency.p99)} under the same load: ${ratio.toFixed(1)} × (target ≤ 2 ×).`,
    });
  } else {
    out.push({ target: 'Webhook acknowledgement p99 ≤ 50 ms, ≤ 2 × bare', verdict: 'not measured', sentence: notMeasured(results, ['ack']) });
  }

  if (parked) {
    const rssMet = parked.workerRssParked < TARGETS.parkedRssBytes && parked.parked === parked.n;
    out.push({
      target: `${parked.n.toLocaleString('en-US')} parked orders with the worker under 400 MB resident`,
      verdict: rssMet ? 'met' : 'not met',
      sentence: `With ${parked.parked.toLocaleString('en-US')} of ${parked.n.toLocaleString('en-US')} orders parked, the worker's resident memory was ${mb(parked.workerRssParked)} (peak while they parked ${mb(parked.workerRssSetupPeak)}; target < 400 MB).`,
    });
    const resumeMet = parked.allSubmittedMs !== null && parked.lastSubmittedMs <= TARGETS.resumeWithinMs;
    out.push({
      target: 'All parked orders resumed within 60 s of their corrections',
      verdict: resumeMet ? 'met' : 'not met',
      sentence:
        parked.allSubmittedMs === null
          ? `Only ${parked.submitted} of ${parked.n} were \`submitted\` again when progress stopped (target: all within 60 s).${notResumedSentence(parked.notResumed)}`
          : `The last order was \`submitted\` again ${secs(parked.lastSubmittedMs)} after the first correction (sending all ${parked.n.toLocaleString('en-US')} corrections took ${secs(parked.correctionsSentMs)}); per order, from its retry to \`submitted\`, p99 ${secs(parked.perOrder.p99)} (target: all within 60 s).`,
    });
  } else {
    out.push({ target: '10,000 parked orders: worker < 400 MB, resumed within 60 s', verdict: 'not measured', sentence: notMeasured(results, ['parked']) });
  }

  if (ack) {
    const half = ack.halfCapacity;
    const failures = failedCount(half);
    out.push({
      target: 'Webhook acknowledgement p99 ≤ 50 ms at half the order capacity',
      verdict: half.latency.p99 <= TARGETS.ackP99AtHalfCapacityMs && failures === 0 ? 'met' : 'not met',
      sentence: `At ${half.rate}/s (half of ${ack.capacitySource}) for ${half.durationSec} s${ack.halfCapacityWarmUpSec ? ` after ${ack.halfCapacityWarmUpSec} s of warm-up` : ', no warm-up'}, open loop, our route's p99 was ${ms(half.latency.p99)}${failures ? `, and ${failures} of ${half.sent} got no 2xx` : ''} (target ≤ 50 ms).`,
    });
    const over = ack.overload;
    const rejected = over.failedStatuses['503'] ?? 0;
    out.push({
      target: 'Overload: 503 within 1 s (p99)',
      verdict: rejected === 0 ? 'not measured' : over.rejectedLatency.p99 <= TARGETS.overloadRejectP99Ms && over.errors === 0 ? 'met' : 'not met',
      sentence:
        rejected === 0
          ? `Offered ${over.rate}/s (${overloadMultiple(ack)}) for ${over.durationSec} s${overloadWarmUp(ack)}, our route turned nothing away: ${over.ok2xx} of ${over.sent} answered 2xx (p99 ${ms(over.latency.p99)}), so there was no 503 to time.`
          : `Offered ${over.rate}/s (${overloadMultiple(ack)}) for ${over.durationSec} s${overloadWarmUp(ack)}${overloadEarlier(ack)}: ${rejected} of ${over.sent} answered 503, p99 ${ms(over.rejectedLatency.p99)} to the 503; ${over.ok2xx} answered 2xx; ${over.errors} unanswered within 10 s (target: 503 p99 ≤ 1 s).`,
    });
  } else {
    out.push({ target: 'Webhook acknowledgement at half capacity; overload 503 within 1 s', verdict: 'not measured', sentence: notMeasured(results, ['ack']) });
  }

  if (idle) {
    const met = idle.cost.actions <= TARGETS.idleActions30d && idle.vinoshipperCalls <= TARGETS.idleVinoshipperCalls30d;
    out.push({
      target: `An order idle ${idle.days} days: ≤ 40 actions, ≤ 30 Vinoshipper calls`,
      verdict: met ? 'met' : 'not met',
      sentence: `Between acceptance and shipment, ${idle.days} days with no webhook (RECHECK_BACKOFF ${idle.backoff}): ${idle.cost.actions} billable actions (${idle.cost.timers} timers, ${idle.cost.activityAttempts} activity attempts, ${idle.cost.upserts} upserts, ${idle.cost.signals} signals, ${idle.cost.starts} starts) and ${idle.vinoshipperCalls} Vinoshipper calls, ${idle.cost.workflowTasks} workflow tasks, ${idle.runs} run(s) (targets ≤ 40 and ≤ 30).`,
    });
  } else {
    out.push({ target: 'An order idle 30 days: ≤ 40 actions, ≤ 30 Vinoshipper calls', verdict: 'not measured', sentence: notMeasured(results, ['idle']) });
  }

  if (open) {
    const [low, high] = open.levels;
    const lowMb = low.workerRss / 1e6;
    const growth = high ? high.workerRss / low.workerRss - 1 : NaN;
    const full = low.open >= 10_000 && high?.open >= 50_000;
    out.push({
      target: 'Worker memory flat with open orders: ≤ 300 MB at 10,000, within 10 % at 50,000',
      verdict: !full ? 'not measured' : lowMb <= TARGETS.rssAt10kMb && Math.abs(growth) <= TARGETS.rssGrowthRatio ? 'met' : 'not met',
      sentence: `With ${low.open.toLocaleString('en-US')} open orders the worker's resident memory was ${mb(low.workerRss)}${high ? `, with ${high.open.toLocaleString('en-US')} ${mb(high.workerRss)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %)` : ''}${full ? '' : ' (smaller sizes than the target names: a quick run)'}.`,
    });
    out.push({
      target: 'Vinoshipper calls never above the budget',
      verdict: open.vinoshipperPeakPerSec <= open.budgetPerSec ? 'met' : 'not met',
      sentence: `With ${high?.open.toLocaleString('en-US') ?? low.open} orders open and a Vinoshipper webhook hint sent to every one of them, ${open.vinoshipperCalls} Vinoshipper calls arrived in ${open.windowSec.toFixed(0)} s: at most ${open.vinoshipperPeakPerSec} within any one second, ${open.vinoshipperPeakTenSeconds?.toFixed(2) ?? '—'}/s over any 10 s (budget VINOSHIPPER_RATE_LIMIT ${open.budgetPerSec}/s: the Temporal server limits the task queue for the whole deployment, and each worker spaces its calls at the budget).`,
    });
  } else {
    out.push({ target: 'Open orders: worker memory flat, Vinoshipper within budget', verdict: 'not measured', sentence: notMeasured(results, ['open']) });
  }
  return out;
}

function notMeasured(results: BenchResults, parts: string[]): string {
  const failed = parts.filter((p) => results.failures[p]);
  return failed.length ? `Not measured: ${failed.map((p) => `${p} failed (${results.failures[p]})`).join('; ')}.` : `Not measured in this run (--only).`;
}

function failedCount(run: AckRun): number {
  return Object.values(run.failedStatuses).reduce((a, b) => a + b, 0) + run.errors;
}

function latencyCell(run: AckRun): string {
  const failures = failedCount(run);
  const extra = failures
    ? `; **${failures} of ${run.sent} without 2xx** (${[...Object.entries(run.failedStatuses).map(([s, c]) => `${c}× ${s}`), ...(run.errors ? [`${run.errors} unanswered`] : [])].join(', ')})`
    : `; all ${run.sent} answered 2xx`;
  return `p50 ${ms(run.latency.p50)} · p95 ${ms(run.latency.p95)} · **p99 ${ms(run.latency.p99)}**${extra}`;
}

function searchCell(search: RateSearch): string {
  return search.highest === null ? `none down to the minimum tried (${search.bound})` : `**${search.highest}/s** (${search.bound})`;
}

export function renderTable(input: ReportInput): string {
  const { results, options } = input;
  const { ceiling, orders, ack, parked } = results;
  const v = Object.fromEntries(verdicts(results).map((x) => [x.target, x.verdict]));
  const verdictOf = (prefix: string) => Object.entries(v).find(([t]) => t.startsWith(prefix))?.[1] ?? '—';
  const rows: string[][] = [];
  if (ceiling) {
    rows.push([
      '1 · Ceiling',
      `${ceiling.n} trivial workflows (one no-op activity), bench worker on its own task queue; first start → all completed`,
      ceiling.totalMs === null
        ? `stalled at ${ceiling.completed}/${ceiling.n} completed`
        : `**${perSec(ceiling.perSec)}** (${ceiling.n} in ${secs(ceiling.totalMs)}; all started after ${secs(ceiling.startsMs)})`,
      '—',
      '—',
    ]);
  } else if (results.failures.ceiling) rows.push(['1 · Ceiling', '', `failed: ${results.failures.ceiling}`, '—', '—']);
  if (orders) {
    const ratio = ceiling && Number.isFinite(orders.perSec) ? ` · **${(orders.perSec / ceiling.perSec).toFixed(2)} × ceiling**` : '';
    rows.push([
      '2 · Orders',
      `${orders.n} signed \`orders/create\` webhooks through the API (${orders.connections} connections, autocannon); first delivery → all \`submitted\``,
      orders.totalMs === null
        ? `stalled at ${orders.submitted}/${orders.n} submitted (${Object.entries(orders.elsewhere)
            .map(([s, c]) => `${c} ${s}`)
            .join(', ')})`
        : `**${perSec(orders.perSec)}** (${orders.n} in ${secs(orders.totalMs)})${ratio}; webhooks acknowledged at ${perSec(orders.delivery.achievedRate)}, p99 ${ms(orders.delivery.latency.p99)}${orders.delivery.non2xx || orders.delivery.errors ? `, ${orders.delivery.non2xx} non-2xx, ${orders.delivery.errors} errors` : ''}${orders.delivery.redelivered ? ` (${orders.delivery.redelivered} delivered again after a 503)` : ''}`,
      '≥ 0.5 × ceiling',
      verdictOf('Orders throughput'),
    ]);
  } else if (results.failures.orders) rows.push(['2 · Orders', '', `failed: ${results.failures.orders}`, '≥ 0.5 × ceiling', 'not measured']);
  if (ack) {
    rows.push([
      '3 · Ack, our route',
      `\`POST /webhooks/shopify\` at ${ack.rate}/s for ${ack.durationSec} s, open loop, each delivery a new order (worker running)`,
      `${latencyCell(ack.ours)}; ${ack.ours.backlog ?? '?'} orders still \`syncing\` at the end`,
      'p99 ≤ 50 ms',
      verdictOf('Webhook acknowledgement p99 ≤ 50'),
    ]);
    if (ack.oursWithoutWorker)
      rows.push([
        '3 · Ack, our route, worker stopped',
        'diagnosis: the same load on a fresh stack whose worker is stopped (the API and Temporal alone)',
        latencyCell(ack.oursWithoutWorker),
        '—',
        '—',
      ]);
    rows.push(['3 · Ack, bare HMAC route', `express \`raw\` + \`verifyShopifyHmac\` + 200, same load and bodies`, latencyCell(ack.bare), '—', '—']);
    rows.push([
      '3 · Ack, ratio',
      'our p99 ÷ bare p99',
      `**${(ack.ours.latency.p99 / ack.bare.latency.p99).toFixed(1)} ×**`,
      '≤ 2 ×',
      verdictOf('Webhook acknowledgement p99 ≤ 2'),
    ]);
    rows.push([
      '3 · Highest rate, p99 < 1 s',
      `open loop, ${options.stepDurationSec} s per step, all answered 2xx (steps below)`,
      `our route ${searchCell(ack.oursSearch)}; bare route ${searchCell(ack.bareSearch)}`,
      '—',
      '—',
    ]);
  } else if (results.failures.ack) rows.push(['3 · Ack', '', `failed: ${results.failures.ack}`, 'p99 ≤ 50 ms; ≤ 2 × bare', 'not measured']);
  if (ack) {
    rows.push([
      '3 · Ack at half capacity',
      `our route at ${ack.halfCapacity.rate}/s (half of ${ack.capacitySource}) for ${ack.halfCapacity.durationSec} s${ack.halfCapacityWarmUpSec ? ` after ${ack.halfCapacityWarmUpSec} s not counted` : ''}, open loop`,
      latencyCell(ack.halfCapacity),
      'p99 ≤ 50 ms',
      verdictOf('Webhook acknowledgement p99 ≤ 50 ms at half'),
    ]);
    rows.push([
      '3 · Overload',
      `our route offered ${ack.overload.rate}/s (${overloadMultiple(ack)}) for ${ack.overload.durationSec} s${overloadWarmUp(ack)}${overloadEarlier(ack)}`,
      `${ack.overload.failedStatuses['503'] ?? 0} × 503, **p99 to a 503 ${ms(ack.overload.rejectedLatency.p99)}**; ${ack.overload.ok2xx} × 2xx; ${ack.overload.errors} unanswered`,
      '503 p99 ≤ 1 s',
      verdictOf('Overload'),
    ]);
  }
  if (parked) {
    rows.push([
      '4 · Parked, memory',
      `${parked.n.toLocaleString('en-US')} orders in \`needs_attention\`/\`product_missing\`; worker RSS, median over ${options.settleSec} s parked`,
      `**${mb(parked.workerRssParked)}** (${parked.parked.toLocaleString('en-US')} parked; peak while parking ${mb(parked.workerRssSetupPeak)}; setup ${secs(parked.setupMs)}; ${SERVER_NAME[options.backend]} ${mb(parked.serverRssParked)})`,
      '< 400 MB',
      verdictOf(`${parked.n.toLocaleString('en-US')} parked`),
    ]);
    rows.push([
      '4 · Parked, resumed',
      'product added in Vinoshipper, then `retry` to every order; first retry → last `submitted`',
      parked.allSubmittedMs === null
        ? `stalled at ${parked.submitted}/${parked.n} submitted`
        : `**${secs(parked.lastSubmittedMs)}** (retries sent in ${secs(parked.correctionsSentMs)}); per order p50 ${secs(parked.perOrder.p50)} · p95 ${secs(parked.perOrder.p95)} · **p99 ${secs(parked.perOrder.p99)}**; worker RSS peak ${mb(parked.workerRssResumePeak)}`,
      'all within 60 s',
      verdictOf('All parked orders resumed'),
    ]);
  } else if (results.failures.parked) rows.push(['4 · Parked', '', `failed: ${results.failures.parked}`, '< 400 MB; 60 s', 'not measured']);
  if (results.idle) {
    const { cost, days } = results.idle;
    rows.push([
      `5 · Idle ${days} days`,
      `one order, accepted, then ${days} days with no webhook (time-skipping server); its history counted as Temporal Cloud bills`,
      `**${cost.actions} actions** (${cost.timers} timers, ${cost.activityAttempts} activities, ${cost.upserts} upserts); **${results.idle.vinoshipperCalls} Vinoshipper calls**; ${cost.workflowTasks} workflow tasks`,
      '≤ 40 actions; ≤ 30 calls',
      verdictOf('An order idle'),
    ]);
  } else if (results.failures.idle) rows.push(['5 · Idle', '', `failed: ${results.failures.idle}`, '≤ 40 actions; ≤ 30 calls', 'not measured']);
  if (results.open) {
    const o = results.open;
    rows.push([
      '6 · Open orders, memory',
      `orders \`submitted\`, waiting for shipment; worker RSS, median over ${options.settleSec} s at each level`,
      o.levels.map((l) => `${l.open.toLocaleString('en-US')} open: **${mb(l.workerRss)}**`).join('; ') +
        ` (setup ${secs(o.setupMs)}${o.handOverRetries ? `; ${o.handOverRetries} hand-overs made again` : ''})`,
      '≤ 300 MB at 10k; 50k within 10 %',
      verdictOf('Worker memory flat'),
    ]);
    rows.push([
      '6 · Open orders, Vinoshipper rate',
      `a Vinoshipper webhook hint to each of the ${o.hintsSent.toLocaleString('en-US')} open orders at once, worker at the default budget; calls per second over ${o.windowSec.toFixed(0)} s`,
      `peak **${o.vinoshipperPeakPerSec} calls** within one second, ${o.vinoshipperPeakTenSeconds?.toFixed(2) ?? '—'}/s over 10 s (${o.vinoshipperCalls} calls)`,
      `≤ ${o.budgetPerSec}/s`,
      verdictOf('Vinoshipper calls never'),
    ]);
    rows.push([
      '6 · First order after ready',
      'one order through the webhook route the moment the fresh stack is ready (worker polls, API `/ready`); delivery → visibility shows `submitted`',
      o.firstOrderMs === null ? 'never reached `submitted`' : `**${secs(o.firstOrderMs)}**`,
      '≤ 5 s',
      o.firstOrderMs !== null && o.firstOrderMs <= 5_000 ? 'met' : 'not met',
    ]);
  } else if (results.failures.open) rows.push(['6 · Open orders', '', `failed: ${results.failures.open}`, '≤ 300 MB; ≤ budget', 'not measured']);
  const header = ['part', 'measured', 'result', 'target', 'verdict'];
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}

function stepsTable(search: RateSearch, first: AckRun, withBacklog: boolean): string {
  const runs = [first, ...search.steps].sort((a, b) => a.rate - b.rate);
  const header = [
    'offered rate',
    'seconds',
    'p50',
    'p95',
    'p99',
    'without 2xx',
    'generator lag p99',
    ...(withBacklog ? ['still syncing at end'] : []),
    'verdict',
  ];
  const rows = runs.map((r) => [
    `${r.rate}/s`,
    String(r.durationSec),
    ms(r.latency.p50),
    ms(r.latency.p95),
    ms(r.latency.p99),
    String(failedCount(r)),
    ms(r.sendLagP99),
    ...(withBacklog ? [String(r.backlog ?? '—')] : []),
    r.verdict,
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function renderCpu(results: BenchResults, backend: Backend): string | null {
  const rows: Array<[string, Record<string, number> | undefined]> = [
    ['1 · ceiling', results.ceiling?.cpu],
    ['2 · orders', results.orders?.cpu],
    [`3 · our route at ${results.ack?.rate}/s`, results.ack?.ours.cpu],
    [`3 · our route at ${results.ack?.rate}/s, worker stopped`, results.ack?.oursWithoutWorker?.cpu],
    ['4 · parked orders resuming', results.parked?.cpu],
  ];
  const present = rows.filter((r): r is [string, Record<string, number>] => !!r[1]);
  if (!present.length) return null;
  const columns = [TEMPORAL_CPU, ...(backend === 'postgres' ? [POSTGRES_CPU] : []), 'worker', 'API', 'sandbox', 'bench worker', 'bench'];
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${Math.round(v * 100)} %`);
  const header = ['measurement', ...columns.map((c) => (c === TEMPORAL_CPU ? SERVER_NAME[backend] : c)), 'total'];
  const body = present.map(([name, cpu]) => [
    name,
    ...columns.map((c) => pct(cpu[c])),
    pct(
      Object.values(cpu)
        .filter(Number.isFinite)
        .reduce((a, b) => a + b, 0),
    ),
  ]);
  return [header, header.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function renderReport(input: ReportInput): string {
  const { machine, options, cpu, results } = input;
  const gib = (machine.memoryBytes / 2 ** 30).toFixed(1);
  const otherShare = cpu.capacitySec > 0 ? (cpu.otherSec / cpu.capacitySec) * 100 : 0;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Written by \`npm run bench\` (scripts/bench/) on ${input.startedAt
      .toISOString()
      .replace('T', ' ')
      .replace(
        /\.\d+Z$/,
        ' UTC',
      )}; the run took ${(input.durationMs / 60000).toFixed(1)} min. Every figure is what this run measured on this machine; the targets are from the issue, and nothing was tuned to meet them.`,
    '',
  );
  lines.push('## Machine and run', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| CPU | ${machine.cores} cores (${machine.model}) |`);
  lines.push(`| memory | ${gib} GiB |`);
  lines.push(`| Node | ${machine.node} |`);
  if (machine.temporalServer) lines.push(`| Temporal server | ${machine.temporalServer} |`);
  else lines.push(`| Temporal CLI (dev server) | ${machine.temporalCli} |`);
  lines.push(`| OS | ${machine.os} |`);
  lines.push(`| flags | \`${input.flags}\` |`);
  lines.push(
    options.backend === 'postgres'
      ? '| Temporal server | fresh per stack: all four services in one process on a private PostgreSQL cluster of its own (initdb per stack, default settings, fsync on), configured from deploy/temporal-server/ as docker-compose.yml is |'
      : `| dev server | fresh per stack, ${options.temporal === 'memory' ? 'state in memory (the dev server default)' : 'state in a SQLite file (WAL, synchronous=NORMAL)'}, headless |`,
  );
  lines.push(
    `| worker and API | ${options.runtime === 'built' ? 'compiled TypeScript under plain `node`, as the Docker image runs them' : 'through tsx, as `npm start` runs them'}; sandbox through tsx${options.workerNodeOptions.length ? `; **worker with \`${options.workerNodeOptions.join(' ')}\` (diagnosis, not the production default)**` : ''} |`,
  );
  lines.push(
    `| other load | load average ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' / ')} at the start; during the run other processes used ${cpu.otherSec.toFixed(0)} CPU-seconds, ${otherShare.toFixed(1)} % of the machine's ${cpu.capacitySec.toFixed(0)} (the bench and its processes: ${cpu.oursSec.toFixed(0)}) |`,
  );
  lines.push('');
  lines.push('## Results', '', renderTable(input), '');
  lines.push('## Targets', '');
  for (const v of verdicts(results)) lines.push(`- **${v.target}: ${v.verdict}.** ${v.sentence}`);
  lines.push('');
  if (results.ack) {
    lines.push('## Highest rate with p99 under 1 s: the steps', '');
    lines.push(
      `A step passes when every delivery is answered 2xx within 10 s and p99 < 1 s. Latency counts from each request's due time, so when the load generator (on the same 2 cores) falls behind, that lag is part of the latency, never hidden; it is shown per step. Rates double from ${results.ack.rate}/s while they pass (up to --max-rate ${options.maxRate}/s) or halve while they fail, then one step at the geometric middle of the last pass and the first fail. Our route gets a fresh stack for every step.`,
      '',
    );
    lines.push('Our route (`POST /webhooks/shopify`):', '', stepsTable(results.ack.oursSearch, results.ack.ours, true), '');
    lines.push('Bare HMAC route:', '', stepsTable(results.ack.bareSearch, results.ack.bare, false), '');
    const ac = results.ack.bareAutocannon;
    if (ac)
      lines.push(
        `For comparison, the bare route under autocannon's own fixed-rate mode (\`overallRate\` ${results.ack.rate}, 10 connections, ${Math.round(ac.durationMs / 1000)} s): p50 ${ms(ac.latency.p50)} · p95 ${ms(ac.latency.p95)} · p99 ${ms(ac.latency.p99)} at ${perSec(ac.achievedRate)}, against p99 ${ms(results.ack.bare.latency.p99)} open loop. autocannon sends each connection's per-second quota back to back at the top of every second, so its "fixed rate" arrives in bursts; that is why part 3 uses an open-loop generator.`,
        '',
      );
  }
  const cpuTable = renderCpu(results, options.backend);
  if (cpuTable) {
    lines.push('## Where the CPU went', '');
    lines.push(
      `Each process's share of the whole machine (${machine.cores} cores = 100 %) while the measurement ran; "bench" is the load generator and the visibility polling.`,
      '',
      cpuTable,
      '',
    );
  }
  lines.push(METHOD, '');
  return lines.join('\n');
}

const METHOD = `## How it is measured

Every part runs against fresh processes started by \`scripts/lib/local-stack.ts\`: a Temporal server on free ports — the CLI's headless dev server, or with \`--backend postgres\` the production server (all four services in one process) on a PostgreSQL cluster of its own — the sandbox (Shopify, Vinoshipper and Resend stand-ins, no artificial latency), cellarhand's worker and its API, each its own process, all on this one machine together with the load generator. Sizes are flags (\`npm run bench -- --help\`).

- **Dev server state.** In memory, the dev server's own default and LocalStack's. \`--temporal file\` runs the same parts against a SQLite file (WAL, as \`npm start\` keeps it); in a check while the bench was built, parts 1 and 2 came out within 10 % of each other either way. A documented run may use either; the machine table above says which (in memory, the dev server gave out at about 25,000 of part 6's 50,000 open orders on 2026-12-02).
- **Stacks.** Parts 1 and 2 share one stack; part 3 starts a fresh one for each run of our route; parts 4 and 6 have their own; part 5 runs the test stack in process on the time-skipping server. In every stack the sandbox keeps its state in memory (no state file) and the reconciliation, catalogue check and daily digest schedules are off (\`RECONCILE_ENABLED=false\`, \`CATALOG_CHECK_ENABLED=false\`, \`DAILY_DIGEST_ENABLED=false\`), so that no scheduled run lands at a random point of a measurement; their cost is not measured here. Alerts go one email per order (\`ALERT_MODE=per_order\`), as in earlier runs, so that the parked orders' numbers stay comparable. Everything else is the default configuration, but for the Vinoshipper and Resend budgets (below).
- **How our processes run.** The worker and the API run compiled (the bench compiles what they import with the options of \`npm run build\` into \`.cellarhand/bench/build\`) under plain \`node\`, as the Docker image runs \`node dist/worker/main.js\`. This matters for memory: through tsx (\`npm start\`, \`--runtime tsx\`) the idle worker is about 100 MB larger. The workflow code is bundled once when the bench compiles (as \`npm run build\` writes \`dist/workflow-bundle.js\`), not by the worker at start.
- **1 · Ceiling.** \`scripts/bench/ceiling-workflows.ts\`: a workflow that runs one no-op activity and returns. A separate bench worker process (\`scripts/bench/ceiling-worker.ts\`, started like cellarhand's worker: the same heap limits (\`worker/memory.ts\`), connection code, payload codec and worker options, the sticky cache sized the same way and 20 concurrent activities) polls its own task queue on the same Temporal server; cellarhand's worker is running but idle. N workflows are started with 100 start calls in flight; the time runs from the first start until a visibility count (polled every 200 ms) sees all N completed. The bench worker is stopped before part 2.
- **2 · Orders.** N distinct orders are placed in the sandbox store without a webhook, read back in the REST shape a webhook carries, and signed (setup). autocannon then delivers each once to \`POST /webhooks/shopify\` over a fixed number of keep-alive connections (Shopify does not document its delivery concurrency; 10 stands for a burst of orders); one answered 503 (its hand-over passed \`WEBHOOK_HANDOVER_TIMEOUT\`) is delivered again after the route's \`Retry-After\` of 1 s, as Shopify retries it, until it is taken. Every order has two lines of SKUs the Vinoshipper sandbox stocks without limit, so each goes the whole way: catalogue check, submission, write-back to Shopify (whose \`orders/updated\` echo comes back through the API) and Vinoshipper's webhook hint (also through the API). The time runs from the first delivery until a visibility count (\`OrderStatus="submitted"\`, polled every 200 ms) sees all N.
- **3 · Webhook acknowledgement.** Latency of \`POST /webhooks/shopify\` from the moment each request was due to the end of its answer, at a fixed offered rate with open-loop arrivals (\`scripts/bench/open-loop.ts\`: request *i* is sent at start + *i*/rate whether or not earlier ones were answered, over up to 1,024 keep-alive connections). Every delivery is a new order, so every request makes a real signal-with-start that starts a workflow, and the worker works on those orders meanwhile, as it would. autocannon's own fixed-rate mode is not used here: it sends each connection's per-second quota back to back at the top of every second, so the offered "rate" arrives in bursts (the comparison under the steps tables shows what that does to the bare route's p99). The bare route (\`scripts/bench/bare-hmac-server.ts\`) is an express app in its own process with \`express.raw\` and the same \`verifyShopifyHmac\`, answering 200; it gets the same bodies at the same rates while no stack is running, so it is the floor of this machine, and the ratio is the whole cost of our handler and of the work it hands to Temporal.
- **4 · Parked orders.** Orders whose only SKU is unknown to Vinoshipper park in \`needs_attention\`/\`product_missing\` after one catalogue check and one issue email. Creating them is setup: they are placed in the sandbox store and handed to Temporal with \`OrderWorkflows.deliverSnapshot\`, the call the webhook route makes, 50 in flight; a call the server fails is made again after a pause (2 s, then doubling; 6 tries), as Shopify redelivers a webhook the route refused. When all are parked, the worker's resident memory (\`VmRSS\`) is read once a second over the settle time, and the median is the figure (one instant moves by tens of MB with each collection). The correction is the fix the README describes for a product missing in Vinoshipper: the product is added in the Vinoshipper sandbox, then every order gets \`retry\` (the ops API's signal), sent with the Temporal client, 50 in flight. The total runs from the first retry to the last order's \`OrderStatus=submitted\` upsert; per order, from its retry signal to that upsert, both read from its history (server timestamps, millisecond resolution).
- **3 · Half capacity and overload.** Our route once more, on a fresh stack, at half the orders/s part 2 measured (the load a deployment should carry with room to spare), after ${WARM_UP_SEC} s at that rate that are not counted (a running deployment's everyday load, not a fresh stack's first seconds; runs saved before 2026-12-02's warm-up had none, and say so): its p99 is \`ackP99AtHalfCapacityMs\`. The JSON lists each run's five slowest answers and when they were due. Then, for as long and after as long a warm-up at the same offer, not counted (runs before 2026-12-04 had none: their 503s include a fresh stack's first second), at twice that capacity, where Temporal cannot keep up (runs before 2026-12-02 used twice the highest rate the search above passed): a hand-over waits at most \`WEBHOOK_HANDOVER_TIMEOUT\` (500 ms) and beyond \`WEBHOOK_MAX_IN_FLIGHT\` (100) waiting ones a delivery is answered 503 at once; the p99 of the 503 answers (from each request's due time) is \`overloadRejectP99Ms\`. Where the route still takes every delivery at twice the capacity (a hand-over costs less than the order's work), there is no 503 to time: the offer doubles, on a fresh stack each time, until some are turned away (up to \`--max-rate\`; runs before 2026-12-02 evening did not, and then said "not measured").
- **5 · Idle order.** The in-process test stack on the time-skipping test server (\`test/helpers/stack.ts\`: the real workflow bundle and activities against the sandbox). One order is placed and reaches \`submitted\`; once it has nothing in flight, 30 days of workflow time pass in 6-hour steps with no webhook. Its history from that point (every run, had it continued as new) is counted by \`scripts/bench/billable.ts\` as Temporal Cloud bills: starts, signals, timers, search-attribute upserts, activity attempts (retries included), accepted Updates, marker tasks; queries are not in a history. Vinoshipper calls are the attempts of activities on the Vinoshipper task queue (a re-read is one HTTP request).
- **6 · Open orders.** Orders with stocked SKUs are placed and handed over as in part 4 (setup, under the bench's raised Vinoshipper budget, see below) until visibility counts each level \`submitted\`; their safety-net looks wait a week (\`RECHECK_BACKOFF=7d\` for this part: at the default cadence the first looks of the orders placed first took the cores from the setup); the worker's RSS is read the same way as in part 4 (the median over the settle time). Then the worker is restarted with the default budget (\`VINOSHIPPER_RATE_LIMIT\` 2/s) and every open order gets a Vinoshipper webhook hint through the API at once, a burst of re-reads; Vinoshipper's calls are counted where Vinoshipper would count them: the sandbox keeps each request's arrival time (\`GET /sandbox/vinoshipper/arrivals\`). The peak (\`vinoshipperPeakCallsPerSec\`) is the most calls that arrived within any one second of the window; the highest rate over any 10 s is shown beside it. The Temporal server limits the task queue for the whole deployment with token buckets that let short bursts through; each worker spaces its own calls 10 % wider than the budget (\`integrations/call-pacer.ts\`).
- **The Vinoshipper and Resend budgets in the other parts.** Parts 1–4 and the setup of part 6 run with \`VINOSHIPPER_RATE_LIMIT=1000\` and \`RESEND_RATE_LIMIT=1000\`: the sandbox has no rate limit, and at the default 2/s every submission (and part 4's issue email) would wait its turn, so parts 2–4 would measure the budget, not cellarhand. A deployment at the default budget submits at most about 2 orders a second (one Vinoshipper call each, more with a catalogue refusal).
- **The worker's memory.** It runs with the heap capped as \`npm start\` and the Docker image cap it (\`--max-old-space-size=256 --max-semi-space-size=2\`, \`MALLOC_ARENA_MAX=2\`; \`worker/memory.ts\`), the sticky cache sized to that heap, and the workflow bundle built ahead (as \`npm run build\` does), not at start.
- **Webhook acknowledgement, worker stopped** is a diagnosis, not a target: the same load on a fresh stack whose worker was killed after start. The API and Temporal then have the machine to themselves, though Temporal still stores each new workflow's first task, which nobody polls. Set beside the main row it shows how much of our route's latency is the handler and Temporal, and how much is the worker competing for the same cores.
- **Memory** is resident set size from \`/proc/<pid>/status\`, in MB of 10^6 bytes. It includes heap that V8 has not collected yet, up to the worker's heap cap.
- **The dev server** keeps its state in SQLite through a single connection (temporalio/temporal#9686), which serializes its writes; the CPU table shows how much of the machine it took in each measurement, and the total column whether both cores were busy. Every process here shares the same 2 cores, so the throughput figures are those of this machine running the dev server, cellarhand and the load generator together; a production Temporal cluster (PostgreSQL, or Temporal Cloud) on its own machines behaves differently.
- **The PostgreSQL backend** runs the server that docker-compose.yml runs (the same version, built-in config template, settings, dynamic config and schema), on the same 2 cores as everything else: PostgreSQL's CPU is its postmaster with every backend process (one per connection), counted through their parent. Its figures and the dev server's come from separate runs of the same parts on the same machine; docs/BENCHMARKS.md sets them side by side.
- **Other load.** The machine's busy CPU time (\`/proc/stat\`) minus the CPU time of the bench and every process it started is what other work on the machine used during the run; the table at the top gives it.`;

/** The overload offer against the order capacity: "twice the capacity", or more when twice turned nothing away. */
function overloadMultiple(ack: AckResult): string {
  const earlier = ack.overloadWithout503 ?? [];
  return earlier.length ? `${2 ** (earlier.length + 1)} × the capacity` : 'twice the capacity';
}

/** The overload run's warm-up, not counted, with the 503s it got (a fresh stack's first seconds). */
function overloadWarmUp(ack: AckResult): string {
  const warm = ack.overload.warmUp;
  if (!warm) return ', no warm-up';
  const rejected = warm.failedStatuses['503'] ?? 0;
  return ` after ${warm.durationSec} s at that rate not counted (in them ${rejected} × 503${rejected ? `, p99 ${ms(warm.rejectedLatency.p99)}` : ''})`;
}

/** The lower offers the route took in full, if the offer had to double. */
function overloadEarlier(ack: AckResult): string {
  const earlier = ack.overloadWithout503 ?? [];
  if (!earlier.length) return '';
  return `; at ${earlier.map((e) => `${e.rate}/s`).join(' and ')} every delivery was taken (p99 ${earlier.map((e) => ms(e.p99)).join(', ')}), no 503 to time`;
}

/** Where the orders that did not resume stood, as the workflows told it (older results have none). */
function notResumedSentence(orders: NotResumed[] | undefined): string {
  if (!orders?.length) return '';
  const stand = (o: NotResumed): string => {
    const lastEvent = o.historyTail?.at(-1);
    const known = [o.issue, o.pendingWorkflowTask && `workflow task ${o.pendingWorkflowTask}`, lastEvent && `last event ${lastEvent}`].filter(Boolean);
    return `${o.workflowId} ${o.status}${known.length ? ` (${known.join('; ')})` : ''}${o.historyFile ? `, history in \`${o.historyFile}\`` : ''}`;
  };
  return ` Where the first of the others stood: ${orders.map(stand).join('; ')}.`;
}
