// `npm run scenario -- <name>` as a merchant runs it: the script in its own process, talking HTTP to
// a whole stack (real Temporal dev server, worker, API and sandbox) that lives in this test process.
// The child is spawned asynchronously so the stack keeps serving while the script plays.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ISSUE_WORDING } from '../../domain';
import { startStack, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScenario(...args: string[]): Promise<Run> {
  const flags = ['--api', stack.apiUrl, '--sandbox', stack.sandboxUrl, '--token', stack.config.api.opsToken];
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/scenario.ts', ...args, ...flags], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** On failure, show what the script printed: the assertion alone says little. */
function expectExit(run: Run, code: number): void {
  if (run.code !== code) throw new Error(`exit code ${run.code}, expected ${code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
}

test('product-missing: flagged with its email, corrected in Shopify, submitted', async () => {
  const run = await runScenario('product-missing');
  expectExit(run, 0);
  const out = run.stdout;
  expect(out).toContain('Placing order with SKU CAB-2021-75O, which Vinoshipper does not know');
  expect(out).toContain('Status: needs_attention');
  expect(out).toContain(`Issue type: product_missing — ${ISSUE_WORDING.product_missing.title}`);
  expect(out).toMatch(new RegExp(`“\\[Action required\\] Order #\\d+: ${escape(ISSUE_WORDING.product_missing.title)}”`));
  expect(out).toContain(ISSUE_WORDING.product_missing.steps[0]);
  expect(out).toMatch(/Final status: submitted, no open issue, Vinoshipper order CH-\d+-\d+\./);
  expect(out).toMatch(/✓ product-missing ended as expected: submitted \(CH-\d+-\d+\), in (\d+\.\d|<0\.1) s\./);
  // Every step reports its elapsed seconds.
  expect(out.match(/^ {4}\((\d+\.\d|<0\.1) s\)$/gm)?.length).toBe(4);
}, 90_000);

test('compliance-refund: compliance event shown, refunded, the blocked states put back', async () => {
  const before = (await fetch(`${stack.sandboxUrl}/sandbox/vinoshipper/compliance`).then((r) => r.json())) as { blockedStates: string[] };
  expect(before.blockedStates).not.toContain('CA');

  const run = await runScenario('compliance-refund');
  expectExit(run, 0);
  const out = run.stdout;
  expect(out).toContain(`Issue type: compliance_failed — ${ISSUE_WORDING.compliance_failed.title}`);
  expect(out).toMatch(new RegExp(`“\\[Action required\\] Order #\\d+: ${escape(ISSUE_WORDING.compliance_failed.title)}”`));
  expect(out).toMatch(/Compliance event recorded .*: destination CA/);
  expect(out).toContain('STATE_PROHIBITED: Direct shipments of wine to CA are not permitted');
  expect(out).toMatch(/1 refund, financial status/);
  expect(out).toMatch(/Final status: refunded/);
  expect(out).toContain('✓ compliance-refund ended as expected: refunded');

  const after = (await fetch(`${stack.sandboxUrl}/sandbox/vinoshipper/compliance`).then((r) => r.json())) as { blockedStates: string[] };
  expect(after.blockedStates.sort()).toEqual(before.blockedStates.sort());
}, 90_000);

test('an unknown scenario: exit 2 and the list of scenarios', async () => {
  const run = await runScenario('product-mising');
  expectExit(run, 2);
  expect(run.stderr).toContain('Unknown scenario “product-mising”');
  for (const name of [
    'product-missing',
    'inventory-unavailable',
    'vinoshipper-unreachable',
    'customer-verification',
    'invalid-address',
    'order-item',
    'compliance-refund',
    'compliance-corrected',
    'fulfilment',
    'cancellation',
    'all',
  ]) {
    expect(run.stderr).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  }
  expect(run.stdout).toBe('');
}, 30_000);

test('a step that runs out of time: exit 1, saying what was expected and what the order showed', async () => {
  // A step timeout far shorter than cellarhand needs: the first wait gives up.
  const run = await runScenario('fulfilment', '--timeout', '0.001');
  expectExit(run, 1);
  expect(run.stdout).toMatch(/✗ failed after (\d+\.\d|<0\.1) s/);
  expect(run.stdout).toContain('✗ fulfilment did not end as expected');
  expect(run.stdout).toMatch(/Timed out after (\d+\.\d|<0\.1) s waiting for order #\d+ to show /);
  expect(run.stdout).toContain("The order's status query showed:");
}, 30_000);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
