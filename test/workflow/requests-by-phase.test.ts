// Every person's request in every phase of an order, through the Updates the console and the ops
// API use: what the order answers (or why it refuses), and where it ends up. The same rules apply
// to the signals of the Web UI and the CLI (noted and ignored instead of refused).
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  cancelUpdate,
  markResolvedUpdate,
  orderUpdatedSignal,
  refundUpdate,
  retryUpdate,
  type OrderRequestAnswer,
  type OrderSnapshot,
  type OrderStatusView,
} from '../../domain';
import { OrderTestbed, useOrderTestbed, vinoshipperNumber } from './testbed';
import { orderSnapshot, updated } from './stub-world';

jest.setTimeout(30_000);

const testbed = useOrderTestbed();
let bed: OrderTestbed;
beforeEach(() => {
  bed = testbed();
});

type Phase = 'awaiting payment' | 'product missing' | 'submitted' | 'flagged' | 'compliance' | 'skipped' | 'cancellation failed';
type Request = 'retry' | 'refund' | 'cancel' | 'resolve';

/** Brings a new order into the phase; returns its handle. */
async function orderIn(phase: Phase): Promise<{ handle: WorkflowHandle; order: OrderSnapshot }> {
  const base = orderSnapshot();
  switch (phase) {
    case 'awaiting payment': {
      const order = { ...base, financialStatus: 'pending' };
      const handle = await bed.start(order);
      await bed.waitFor(handle, 'awaiting payment', (v) => v.timeline.some((e) => e.event === 'awaiting_payment'));
      return { handle, order };
    }
    case 'product missing': {
      const order = { ...base, lineItems: [{ ...base.lineItems[0], sku: 'NOPE-3' }] };
      bed.world.missingSkus.add('NOPE-3');
      const handle = await bed.start(order);
      await bed.waitFor(handle, 'product_missing', (v) => v.issue?.type === 'product_missing');
      return { handle, order };
    }
    case 'submitted':
    case 'cancellation failed': {
      const handle = await bed.start(base);
      await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
      if (phase === 'submitted') return { handle, order: base };
      bed.world.ship(vinoshipperNumber(base));
      await handle.signal(orderUpdatedSignal, updated(base, { cancelledAt: '2026-12-01T11:00:00.000Z' }));
      await bed.waitFor(handle, 'cancellation_failed', (v) => v.issue?.type === 'cancellation_failed');
      return { handle, order: base };
    }
    case 'flagged': {
      bed.world.flagOnSubmit = { issueType: 'invalid_address', code: 'ADDRESS', message: 'Street not found' };
      const handle = await bed.start(base);
      await bed.waitFor(handle, 'invalid_address', (v) => v.issue?.type === 'invalid_address');
      return { handle, order: base };
    }
    case 'compliance': {
      bed.world.blockedStates.add('CA');
      const handle = await bed.start(base);
      await bed.waitFor(handle, 'compliance_failed', (v) => v.issue?.type === 'compliance_failed');
      return { handle, order: base };
    }
    case 'skipped': {
      const order = { ...base, tags: ['vinoshipper-skip'] };
      const handle = await bed.start(order);
      await bed.waitFor(handle, 'skipped', (v) => v.status === 'skipped');
      return { handle, order };
    }
  }
}

async function ask(handle: WorkflowHandle, request: Request): Promise<OrderRequestAnswer | { refused: string }> {
  try {
    switch (request) {
      case 'retry':
        return await handle.executeUpdate(retryUpdate, { args: [{ by: 'test' }] });
      case 'refund':
        return await handle.executeUpdate(refundUpdate, { args: [{ reason: 'test', by: 'test' }] });
      case 'cancel':
        return await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test', by: 'test' }] });
      case 'resolve':
        return await handle.executeUpdate(markResolvedUpdate, { args: [{ note: 'test', by: 'test' }] });
    }
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { refused: err.cause?.message ?? err.message };
    // The order has finished — also when it finished with the Update in flight ("update <id> not found"), as the API reads it too.
    if (err instanceof WorkflowNotFoundError) return { refused: `the order has finished (${err.message})` };
    throw err;
  }
}

// [phase, request, what the order answers: an outcome or the refusal, and the status after]
const TABLE: Array<[Phase, Request, string | RegExp, OrderStatusView['status']]> = [
  ['awaiting payment', 'retry', /no open issue/, 'syncing'],
  ['awaiting payment', 'refund', 'done', 'refunded'],
  ['awaiting payment', 'cancel', 'done', 'cancelled'],
  ['awaiting payment', 'resolve', /no open issue/, 'syncing'],

  ['product missing', 'retry', 'failed', 'needs_attention'],
  ['product missing', 'refund', 'done', 'refunded'],
  ['product missing', 'cancel', 'done', 'cancelled'],
  ['product missing', 'resolve', 'done', 'needs_attention'], // tried again at once, still missing

  ['submitted', 'retry', /no open issue/, 'submitted'],
  ['submitted', 'refund', 'done', 'refunded'],
  ['submitted', 'cancel', 'done', 'cancelled'],
  ['submitted', 'resolve', /no open issue/, 'submitted'],

  ['flagged', 'retry', 'failed', 'needs_attention'], // resent; Vinoshipper flags it again
  ['flagged', 'refund', 'done', 'refunded'],
  ['flagged', 'cancel', 'done', 'cancelled'],
  ['flagged', 'resolve', 'done', 'submitted'], // accepted as is

  ['compliance', 'retry', 'failed', 'needs_attention'],
  ['compliance', 'refund', 'done', 'refunded'],
  ['compliance', 'cancel', 'done', 'cancelled'],
  ['compliance', 'resolve', 'done', 'submitted'],

  ['skipped', 'retry', /not synced/, 'skipped'],
  ['skipped', 'refund', 'done', 'refunded'],
  ['skipped', 'cancel', 'done', 'cancelled'],
  ['skipped', 'resolve', /no open issue/, 'skipped'],

  ['cancellation failed', 'retry', 'failed', 'needs_attention'], // still shipped
  ['cancellation failed', 'refund', 'done', 'refunded'],
  ['cancellation failed', 'cancel', /already being cancelled/, 'needs_attention'],
  ['cancellation failed', 'resolve', 'done', 'cancelled'], // handled by a person: closed for good
];

test.each(TABLE)('%s · %s → %s, then %s', async (phase, request, expected, statusAfter) => {
  const { handle } = await orderIn(phase);
  const answer = await ask(handle, request);
  if (expected instanceof RegExp) {
    expect(answer).toEqual({ refused: expect.stringMatching(expected) });
  } else {
    expect(answer).toMatchObject({ outcome: expected });
  }
  await bed.env.sleep(60_000);
  expect((await bed.status(handle)).status).toBe(statusAfter);
  // Whatever happened, the Web UI's and the console's filters show the same as the order itself.
  const view = await bed.status(handle);
  expect(await bed.searchAttributes(handle)).toMatchObject({ status: view.status, issueType: view.issue?.type ?? null });
});

test('a second refund is refused, also when asked twice at once (a double click)', async () => {
  const { handle, order } = await orderIn('compliance');
  const [first, second] = await Promise.all([ask(handle, 'refund'), ask(handle, 'refund')]);
  const answers = [first, second];
  expect(answers.filter((a) => 'outcome' in a && a.outcome === 'done')).toHaveLength(1);
  expect(answers.filter((a) => 'refused' in a)).toEqual([{ refused: expect.stringMatching(/already (refunded|under way)/) }]);
  expect(await ask(handle, 'refund')).toEqual({ refused: expect.stringMatching(/already|finished|completed/) });
  expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
});
