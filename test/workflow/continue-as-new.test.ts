// 2 · A pending request survives continue-as-new. On the dev server (which can be told to suggest
// continue-as-new early), with the stub world: Vinoshipper cannot be reached to cancel, the order
// keeps retrying and continues as new meanwhile, and the cancellation still happens once
// Vinoshipper answers.
import { cancelSignal, type OrderSettings, type OrderSnapshot } from '../../domain';
import { OrderTestbed, useOrderTestbed, vinoshipperNumber } from './testbed';
import { orderSnapshot } from './stub-world';

jest.setTimeout(60_000);

const testbed = useOrderTestbed({ server: 'local', devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'] });
let bed: OrderTestbed;
beforeEach(() => {
  bed = testbed();
});

// Real seconds on the dev server: short waits.
// (The `vinoshipperPollIntervalMs`/`issueRecheckIntervalMs` pair is what the workflow read before
// the back-off: kept so this test can show the defect on that code too.)
const fast = {
  recheckBackoffMs: [500],
  unreachableRetryIntervalMs: 300,
  reminderAfterMs: 3_600_000,
  vinoshipperPollIntervalMs: 500,
  issueRecheckIntervalMs: 500,
} as Partial<OrderSettings>;

let lastSeen: (() => string) | null = null;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastSeen ? `; last seen: ${lastSeen()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('2 · a cancel deferred while Vinoshipper is unreachable is carried across continue-as-new and done when it answers', async () => {
  const order: OrderSnapshot = orderSnapshot();
  const handle = await bed.start(order, fast);
  let view = await bed.status(handle);
  lastSeen = () => `${view.status} ${view.issue?.type ?? ''}\n${view.timeline.map((e) => `${e.event}: ${e.message}`).join('\n')}`;
  setInterval(async () => (view = await bed.status(handle).catch(() => view)), 500).unref();
  await until('submitted', async () => (await bed.status(handle)).status === 'submitted');

  // Refused outright (no activity retries), so each of the workflow's own retries is quick.
  bed.world.fail('cancelVinoshipperOrder', 'credentials', 10_000);
  await handle.signal(cancelSignal, { reason: 'customer asked', by: 'test' });
  await until('the cancel to be deferred', async () => (await bed.status(handle)).timeline.some((e) => e.event === 'vinoshipper_cancel_failed'));
  const deferredIn = (await handle.describe()).runId;
  // Each retry adds events: the server soon suggests continue-as-new, and the order takes it.
  await until('a new run', async () => (await handle.describe()).runId !== deferredIn);

  bed.world.clearFaults();
  await until('cancelled', async () => (await handle.describe()).status.name === 'COMPLETED');
  expect((await bed.status(handle)).status).toBe('cancelled');
  expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
});
