// `npm run scenario -- <name>`: rehearse one failure scenario against the running stack (`npm start`)
// before going live. It plays the shop, the customer and Vinoshipper through the sandbox's control
// routes, watches cellarhand through its ops API, and prints step by step, in plain words, what
// happened: the status, the issue and its email, the suggested steps, the compliance event, the
// correction the seed names, and the result. Exit 0 when the scenario ended as expected, 1 when it
// did not (or the stack cannot be reached), 2 for an unknown scenario or a bad flag.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { HttpFailure, StackDriver } from '../sandbox/driver';
import { SCENARIOS, type Scenario } from './scenarios/catalogue';
import { Rehearsal, RehearsalProblem, StepTimeout, errorText, seconds } from './scenarios/rehearsal';

const DEFAULT_STEP_TIMEOUT_S = 30;
/** `--console`: how long the rehearsal waits for the person to press a button in the console. */
const CONSOLE_WAIT_MIN = 15;

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const colors = { ok: paint(32), bad: paint(31), dim: paint(2), bold: paint(1) };
const print = (line = '') => console.log(line);

function usage(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length), 'all'.length);
  return [
    'Rehearse a failure scenario against the running stack (start it with `npm start`).',
    '',
    'Usage: npm run scenario -- <name> [--console] [--api <url>] [--sandbox <url>] [--token <ops token>] [--timeout <seconds>]',
    '',
    'Scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    `  ${'all'.padEnd(width)}  Every scenario above in turn, then a summary table.`,
    '',
    'Options:',
    `  --console            you press retry and refund in the console (http://localhost:API_PORT/console) when asked; each wait ${CONSOLE_WAIT_MIN} min`,
    '  --api <url>          cellarhand’s API (default http://localhost:API_PORT, 3000)',
    '  --sandbox <url>      the sandbox (default http://localhost:SANDBOX_PORT, 3001)',
    '  --token <token>      the ops API token (default OPS_API_TOKEN from the environment or .env)',
    `  --timeout <seconds>  how long one step waits for cellarhand (default ${DEFAULT_STEP_TIMEOUT_S})`,
  ].join('\n');
}

interface Outcome {
  name: string;
  passed: boolean;
  ms: number;
  result: string;
}

let active: Rehearsal | null = null;
let interrupted = false;

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    console.error(`${errorText(err)}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help || positionals.length === 0) {
    print(usage());
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`One scenario at a time (got ${positionals.join(', ')}); use “all” for every one.\n\n${usage()}`);
    return 2;
  }
  const [name] = positionals;
  const chosen = name === 'all' ? SCENARIOS : SCENARIOS.filter((s) => s.name === name);
  if (!chosen.length) {
    console.error(`Unknown scenario “${name}”.\n\n${usage()}`);
    return 2;
  }
  const timeoutS = values.timeout === undefined ? DEFAULT_STEP_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    console.error(`--timeout must be a number of seconds, got “${values.timeout}”.\n\n${usage()}`);
    return 2;
  }

  const config = loadConfigOrExit();
  const apiUrl = trimUrl(values.api ?? `http://localhost:${config.api.port}`);
  const sandboxUrl = trimUrl(values.sandbox ?? config.sandbox.url);
  const opsToken = values.token ?? config.api.opsToken;
  const stepTimeoutMs = timeoutS * 1000;
  const shop = new StackDriver({ apiUrl, sandboxUrl, opsToken, timeoutMs: stepTimeoutMs, orderPrefix: config.orders.vinoshipperOrderPrefix });

  const unreachable = await preflight(shop, apiUrl, sandboxUrl, values.console ?? false);
  if (unreachable) {
    console.error(colors.bad(unreachable));
    return 1;
  }

  const outcomes: Outcome[] = [];
  for (const scenario of chosen) {
    if (interrupted) break;
    const rehearsal = new Rehearsal(
      shop,
      {
        apiUrl,
        sandboxUrl,
        stepTimeoutMs,
        unreachableRetryIntervalMs: config.orders.unreachableRetryIntervalMs,
        issueRecheckIntervalMs: config.orders.recheckBackoffMs[0],
        console: values.console ? { url: apiUrl, timeoutMs: CONSOLE_WAIT_MIN * 60_000 } : undefined,
      },
      print,
      colors,
    );
    outcomes.push(await play(scenario, rehearsal, apiUrl, sandboxUrl));
    if (chosen.length > 1) print();
  }
  if (chosen.length > 1) printSummary(outcomes);
  return outcomes.every((o) => o.passed) && outcomes.length === chosen.length ? 0 : 1;
}

async function play(scenario: Scenario, rehearsal: Rehearsal, apiUrl: string, sandboxUrl: string): Promise<Outcome> {
  const started = Date.now();
  print(colors.bold(`Rehearsing ${scenario.name}`));
  print(scenario.seed);
  print(`In the console: ${scenario.console}`);
  print(colors.dim(`cellarhand API ${apiUrl} · sandbox ${sandboxUrl}`));
  print();
  active = rehearsal;
  let result = '';
  let failure: unknown = null;
  try {
    result = await scenario.run(rehearsal);
  } catch (err) {
    failure = err;
  } finally {
    const unrestored = await rehearsal.restore();
    active = null;
    if (!failure && unrestored.length) failure = new Error(unrestored.join('; '));
  }
  const ms = Date.now() - started;
  print();
  if (!failure) {
    print(colors.ok(`✓ ${scenario.name} ended as expected: ${result}, in ${seconds(ms)} s.`));
    return { name: scenario.name, passed: true, ms, result };
  }
  print(colors.bad(`✗ ${scenario.name} did not end as expected (after ${seconds(ms)} s).`));
  for (const line of explain(failure).split('\n')) print(`  ${line}`);
  return { name: scenario.name, passed: false, ms, result: failureSummary(failure) };
}

function explain(err: unknown): string {
  if (err instanceof StepTimeout) {
    return `${err.message}\nIs the worker running? Its log (the [worker] lines of npm start) and the Temporal Web UI show what the workflow is doing.`;
  }
  if (err instanceof RehearsalProblem) return err.message;
  if (err instanceof HttpFailure) return `A request failed: ${err.message}`;
  return errorText(err);
}

function failureSummary(err: unknown): string {
  if (err instanceof StepTimeout) return `timed out waiting for ${err.expected}`;
  return explain(err).split('\n')[0];
}

function printSummary(outcomes: Outcome[]): void {
  const width = Math.max(...outcomes.map((o) => o.name.length), 'scenario'.length);
  print(colors.bold('Summary'));
  print(`  ${'scenario'.padEnd(width)}  result  seconds  ended with`);
  for (const o of outcomes) {
    const verdict = o.passed ? colors.ok('passed') : colors.bad('FAILED');
    print(`  ${o.name.padEnd(width)}  ${verdict}  ${seconds(o.ms).padStart(7)}  ${o.result}`);
  }
  const passed = outcomes.filter((o) => o.passed).length;
  const line = `${passed} of ${SCENARIOS.length} scenarios ended as expected${outcomes.length < SCENARIOS.length ? ` (${SCENARIOS.length - outcomes.length} not run)` : ''}.`;
  print(passed === SCENARIOS.length ? colors.ok(line) : colors.bad(line));
}

/** Says in plain words what is missing when the stack is not there; null when all answers. */
async function preflight(shop: StackDriver, apiUrl: string, sandboxUrl: string, inConsole: boolean): Promise<string | null> {
  try {
    const res = await fetch(`${apiUrl}/health`);
    await res.body?.cancel();
    if (!res.ok) return `cellarhand’s API at ${apiUrl} answered ${res.status} on /health. Is \`npm start\` running and healthy?`;
  } catch (err) {
    return `Cannot reach cellarhand’s API at ${apiUrl} (${errorText(err)}). Start the stack with \`npm start\`, or point at it with --api.`;
  }
  try {
    await shop.blockedStates();
  } catch (err) {
    if (err instanceof HttpFailure) {
      return `${sandboxUrl} is not the cellarhand sandbox (${err.message}). Rehearsals play Shopify and Vinoshipper through the sandbox: run with SANDBOX=auto (the default) or on, or pass --sandbox.`;
    }
    return `Cannot reach the sandbox at ${sandboxUrl} (${errorText(err)}). Rehearsals need it: run \`npm start\` with SANDBOX=auto (the default) or on, or pass --sandbox.`;
  }
  try {
    await shop.list({});
  } catch (err) {
    if (err instanceof HttpFailure && err.status === 401) {
      return 'The ops API refused the token. Use the stack’s OPS_API_TOKEN (from .env), or pass --token.';
    }
    return `The ops API at ${apiUrl} does not answer as expected: ${errorText(err)}`;
  }
  if (inConsole) {
    const res = await fetch(`${apiUrl}/console/sign-in`, { redirect: 'manual' }).catch(() => null);
    await res?.body?.cancel();
    if (!res || res.status !== 200) return `--console: the console at ${apiUrl}/console does not answer (is CONSOLE_ENABLED=false?).`;
  }
  return null;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      sandbox: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string' },
      console: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

// Ctrl-C mid-scenario: put the sandbox back (blocked states, inventory, faults) before leaving.
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  const rehearsal = active;
  if (!rehearsal) process.exit(130);
  print();
  print(colors.bad('Interrupted: putting the sandbox settings back (Ctrl-C again to leave at once)…'));
  if (rehearsal.current) print(`    Order ${rehearsal.current.name} stays in the sandbox as it is now.`);
  void rehearsal.restore().finally(() => process.exit(130));
});

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(colors.bad(`The rehearsal stopped unexpectedly: ${errorText(err)}`));
    process.exit(1);
  },
);
