// Money safety, read as a winery's bookkeeper reads it: no path ships a refunded order, loses a
// person's request or sends an order that must never go. One test per defect of issue 8 (the number
// in each name); the ones that need the real Vinoshipper sandbox or the API are in test/e2e.
// The workflow is real, on the time-skipping server; the outside world is stubbed (stub-world.ts).
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  cancelSignal,
  cancelUpdate,
  markResolvedSignal,
  markResolvedUpdate,
  orderUpdatedSignal,
  refundSignal,
  refundUpdate,
  retrySignal,
  retryUpdate,
  syncResumedSignal,
  vinoshipperEventSignal,
  type OrderRequestAnswer,
  type OrderSnapshot,
  type RefundInput,
  type SubmitOrderInput,
} from '../../domain';
import { OrderTestbed, useOrderTestbed, vinoshipperNumber } from './testbed';
import { orderSnapshot, updated } from './stub-world';

jest.setTimeout(60_000);

const testbed = useOrderTestbed();
let bed: OrderTestbed;
beforeEach(() => {
  bed = testbed();
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function putsFor(snapshot: OrderSnapshot) {
  return bed.world.callsOf('submitOrderToVinoshipper').filter((c) => (c.input as SubmitOrderInput).snapshot.shopifyOrderId === snapshot.shopifyOrderId);
}
function emailSubjects(snapshot: OrderSnapshot): string[] {
  return [...bed.world.emails.values()].filter((e) => e.shopifyOrderId === snapshot.shopifyOrderId).map((e) => e.subjectLine);
}

describe('1 · a refund or cancel after an unclear submission cancels in Vinoshipper', () => {
  test.each(['refund', 'cancel'] as const)('%s', async (request) => {
    const order = orderSnapshot();
    // Every PUT reaches Vinoshipper but its reply is lost: the workflow never hears that it worked.
    bed.world.fail('submitOrderToVinoshipper', 'lost_reply', 5);
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'vinoshipper_unreachable', (v) => v.issue?.type === 'vinoshipper_unreachable', { step: 5 * SECOND });
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('pending'); // Vinoshipper holds it

    if (request === 'refund') await handle.signal(refundSignal, { reason: 'customer asked', by: 'test' });
    else await handle.signal(cancelSignal, { reason: 'customer asked', by: 'test' });
    const view = await bed.finished(handle);

    expect(view.status).toBe(request === 'refund' ? 'refunded' : 'cancelled');
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
  });

  test('a 404 on cancel is a clean "nothing to cancel"', async () => {
    const order = orderSnapshot();
    bed.world.fail('submitOrderToVinoshipper', 'unavailable', 5); // nothing reached Vinoshipper, but we cannot know
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'vinoshipper_unreachable', (v) => v.issue?.type === 'vinoshipper_unreachable', { step: 5 * SECOND });
    await handle.signal(cancelSignal, { reason: 'customer asked' });
    const view = await bed.finished(handle);
    expect(view.status).toBe('cancelled');
    expect(bed.world.callsOf('cancelVinoshipperOrder').some((c) => c.input === vinoshipperNumber(order))).toBe(true);
  });
});

describe('3 · orders that must never be sent are not sent', () => {
  const cases: Array<[string, Partial<OrderSnapshot>, RegExp]> = [
    ['already fulfilled', { fulfillmentStatus: 'fulfilled' }, /fulfilled in Shopify/],
    ['partly fulfilled', { fulfillmentStatus: 'partial' }, /partly fulfilled/],
    ['refunded', { financialStatus: 'refunded' }, /refunded in shopify before cellarhand saw it/],
    ['voided', { financialStatus: 'voided' }, /voided/],
    ['cancelled', { cancelledAt: '2026-12-01T10:05:00.000Z' }, /cancelled in shopify before cellarhand saw it/],
    ['placed before the cut-off', { createdAt: '2025-06-01T10:00:00.000Z', processedAt: '2025-06-01T10:00:00.000Z' }, /before the sync cut-off/],
    ['imported with its original date (processed_at) before the cut-off', { processedAt: '2025-06-01T10:00:00.000Z' }, /before the sync cut-off/],
  ];
  test.each(cases)('%s', async (_name, changes, reason) => {
    const order = orderSnapshot(changes);
    const handle = await bed.start(order, { ordersCreatedAfter: '2026-11-01T00:00:00.000Z' });
    const view = await bed.finished(handle);
    expect(view.status).toBe('skipped');
    expect(view.timeline.find((e) => e.event === 'skipped')?.message).toMatch(reason);
    expect(putsFor(order)).toHaveLength(0);
  });
});

describe('4 · payment states', () => {
  test.each([
    ['authorized (manual capture) waits by default', { financialStatus: 'authorized' }, {}],
    ['partially_paid waits', { financialStatus: 'partially_paid' }, {}],
    ['pending waits', { financialStatus: 'pending' }, {}],
  ] as const)('%s, and is sent once paid', async (_name, changes, settings) => {
    const order = orderSnapshot(changes);
    const handle = await bed.start(order, settings);
    await bed.env.sleep(6 * HOUR);
    const waiting = await bed.status(handle);
    expect(waiting.status).toBe('syncing');
    expect(waiting.timeline.some((e) => e.event === 'awaiting_payment')).toBe(true);
    expect(putsFor(order)).toHaveLength(0);

    await handle.signal(orderUpdatedSignal, updated(order, { financialStatus: 'paid' }));
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    expect(putsFor(order)).toHaveLength(1);
  });

  test('authorized goes at once when the winery captures at shipment', async () => {
    const order = orderSnapshot({ financialStatus: 'authorized' });
    const handle = await bed.start(order, { authorizedPayments: 'send' });
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  });

  test.each(['voided', 'expired'])('%s is never sent, not even after a later update', async (financialStatus) => {
    const order = orderSnapshot({ financialStatus: 'pending' });
    const handle = await bed.start(order);
    await bed.env.sleep(HOUR);
    await handle.signal(orderUpdatedSignal, updated(order, { financialStatus }));
    const view = await bed.finished(handle);
    expect(view.status).toBe('cancelled');
    expect(putsFor(order)).toHaveLength(0);
  });

  test('a waiting order gets a payment_pending issue and one email after the configured time: no silent forever-wait', async () => {
    const order = orderSnapshot({ financialStatus: 'pending' });
    const handle = await bed.start(order, { paymentReminderAfterMs: 48 * HOUR });
    await bed.env.sleep(47 * HOUR);
    expect((await bed.status(handle)).issue).toBeNull();
    const view = await bed.waitFor(handle, 'payment_pending', (v) => v.issue?.type === 'payment_pending', { step: HOUR });
    expect(view.status).toBe('needs_attention');
    expect(await bed.searchAttributes(handle)).toMatchObject({ status: 'needs_attention', issueType: 'payment_pending' });
    expect(emailSubjects(order)).toEqual(['The order is still waiting for payment']);

    await handle.signal(orderUpdatedSignal, updated(order, { financialStatus: 'paid' }));
    const paid = await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    expect(paid.issue).toBeNull();
  });
});

test('7 · a cancellation in Vinoshipper is told to the merchant once and shown', async () => {
  const order = orderSnapshot();
  const handle = await bed.start(order);
  await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  bed.world.cancelInVinoshipper(vinoshipperNumber(order));
  await handle.signal(vinoshipperEventSignal, { event: 'CANCELLED' });
  const view = await bed.finished(handle);
  expect(view.status).toBe('cancelled');
  expect(view.timeline.some((e) => e.event === 'cancelled_in_vinoshipper')).toBe(true);
  expect(emailSubjects(order)).toEqual(['Cancelled in Vinoshipper']);
});

test('8 · an order deleted in Vinoshipper raises an issue instead of being re-created; retry re-creates it', async () => {
  const order = orderSnapshot();
  const handle = await bed.start(order);
  await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  bed.world.deleteInVinoshipper(vinoshipperNumber(order));
  await handle.signal(vinoshipperEventSignal, { event: 'DELETED' });
  const view = await bed.waitFor(handle, 'vinoshipper_order_missing', (v) => v.issue?.type === 'vinoshipper_order_missing');
  expect(view.status).toBe('needs_attention');
  await bed.env.sleep(3 * 24 * HOUR); // several safety-net looks
  expect(putsFor(order)).toHaveLength(1);
  expect(bed.world.vinoshipper.has(vinoshipperNumber(order))).toBe(false);

  await handle.signal(retrySignal, { by: 'test' });
  await bed.waitFor(handle, 'submitted again', (v) => v.status === 'submitted');
  expect(putsFor(order)).toHaveLength(2);
});

test('9 · a cancel Vinoshipper refuses because the order is not accepted yet is not "already shipped"; it is retried and succeeds once accepted', async () => {
  const order = orderSnapshot();
  bed.world.refuseCancelWhilePending = true;
  const handle = await bed.start(order);
  await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  await handle.signal(cancelSignal, { reason: 'customer asked' });
  const refused = await bed.waitFor(handle, 'cancellation_failed', (v) => v.issue?.type === 'cancellation_failed');
  expect(refused.issue?.details).toMatch(/has not accepted order/);
  expect(refused.issue?.details).not.toMatch(/shipped/);

  bed.world.accept(vinoshipperNumber(order));
  const view = await bed.finished(handle);
  expect(view.status).toBe('cancelled');
  expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
});

test('10 · cancellation_failed does not call Shopify fulfil on re-checks, and markResolved closes it for good', async () => {
  const order = orderSnapshot();
  const handle = await bed.start(order);
  await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  bed.world.ship(vinoshipperNumber(order)); // shipped, but Vinoshipper's webhook has not arrived yet
  bed.world.shopifyCancelled.add(order.shopifyOrderId);
  await handle.signal(orderUpdatedSignal, updated(order, { cancelledAt: '2026-12-01T10:03:00.000Z', financialStatus: 'refunded' }));
  const failed = await bed.waitFor(handle, 'cancellation_failed', (v) => v.issue?.type === 'cancellation_failed');
  expect(failed.issue?.details).toMatch(/already shipped/);

  await bed.env.sleep(5 * 24 * HOUR);
  expect(bed.world.callsOf('fulfilShopifyOrder').filter((c) => (c.input as { shopifyOrderId: string }).shopifyOrderId === order.shopifyOrderId)).toHaveLength(
    0,
  );
  // One issue email and its one reminder; never a misleading "fulfilment failed" notice.
  expect(emailSubjects(order)).toEqual([
    'The order was cancelled in Shopify but Vinoshipper has already shipped it',
    'Still needs attention: The order was cancelled in Shopify but Vinoshipper has already shipped it',
  ]);

  await handle.signal(markResolvedSignal, { note: 'return arranged', by: 'test' });
  const view = await bed.finished(handle);
  expect(['cancelled', 'refunded']).toContain(view.status);
});

describe('11 · a refund Shopify does not confirm holds the order until it does: never shipped after it, never refunded twice', () => {
  function refundKeys(order: OrderSnapshot): string[] {
    return bed.world
      .callsOf('refundShopifyOrder')
      .map((c) => c.input as RefundInput)
      .filter((i) => i.shopifyOrderId === order.shopifyOrderId)
      .map((i) => i.idempotencyKey);
  }
  async function refundWhileTimePasses(handle: WorkflowHandle): Promise<OrderRequestAnswer> {
    const answer = handle.executeUpdate(refundUpdate, { args: [{ reason: 'customer asked', by: 'test' }] });
    await bed.pass(handle, 2 * MINUTE); // the refund activity's six attempts
    return await answer;
  }

  test('every reply lost (interleaving seed 927): held through a correction, then confirmed with the same key', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'lost_reply', 6); // Shopify refunds; no reply ever arrives
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting', message: expect.stringMatching(/did not confirm the refund/) });
    const held = await bed.status(handle);
    expect(held.issue?.type).toBe('refund_unconfirmed');
    expect(held.status).toBe('needs_attention');
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1); // made, though nobody heard
    expect(emailSubjects(order)).toContain('Shopify has not confirmed a refund');

    // A person cannot wish it away, nor ask twice.
    await expect(handle.executeUpdate(markResolvedUpdate, { args: [{ note: 'looks fine', by: 'test' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(refundUpdate, { args: [{ reason: 'again', by: 'test' }] })).rejects.toThrow(WorkflowUpdateFailedError);

    // Shopify still silent when a correction comes in: nothing goes to Vinoshipper.
    bed.world.fail('refundShopifyOrder', 'unavailable', 6);
    const puts = putsFor(order).length;
    await handle.signal(orderUpdatedSignal, updated(order, { shippingAddress: { ...order.shippingAddress!, address1: '2 Other Street' } }));
    await bed.pass(handle, 2 * MINUTE);
    expect(putsFor(order)).toHaveLength(puts);
    expect((await bed.status(handle)).issue?.type).toBe('refund_unconfirmed');

    // Shopify answers again: the next look confirms the same refund, and Vinoshipper's copy is cancelled.
    const view = await bed.finished(handle);
    expect(view.status).toBe('refunded');
    expect(view.refunded).toBe(true);
    expect(putsFor(order)).toHaveLength(puts);
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
    expect(new Set(refundKeys(order)).size).toBe(1);
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
    expect(bed.world.callsOf('fulfilShopifyOrder')).toHaveLength(0);
  });

  test('Shopify down (the refund was never made): made at the next look, once', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'unavailable', 6);
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    expect(bed.world.refunds.get(order.shopifyOrderId)).toBeUndefined();
    const view = await bed.finished(handle);
    expect(view.status).toBe('refunded');
    expect(view.timeline.find((e) => e.event === 'issue_resolved')?.message).toMatch(/Shopify confirmed the refund/);
    expect(new Set(refundKeys(order)).size).toBe(1);
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
  });

  test('a retry once Shopify is back confirms the refund and is answered done', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'unavailable', 6);
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    bed.world.clearFaults();
    // Not "failed: the order finished first": this retry is what settled it.
    expect(await handle.executeUpdate(retryUpdate, { args: [{ by: 'test' }] })).toEqual({
      outcome: 'done',
      status: 'refunded',
      message: 'Tried again: the order is refunded.',
    });
    expect((await bed.finished(handle)).status).toBe('refunded');
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
  });

  test('Shopify reporting the order refunded settles it (a refund made in Shopify meanwhile)', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'unavailable', 100); // Shopify never answers the app again
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    await handle.signal(orderUpdatedSignal, updated(order, { financialStatus: 'refunded' }));
    const view = await bed.finished(handle);
    expect(view.status).toBe('refunded');
    expect(view.issue).toBeNull();
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
  });

  test('a cancel meanwhile cancels Vinoshipper’s copy at once; the order ends refunded once Shopify confirms', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'lost_reply', 12); // this refund and the first look's ask both lose their replies
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    const cancelled = handle.executeUpdate(cancelUpdate, { args: [{ reason: 'customer asked', by: 'test' }] });
    await bed.pass(handle, 2 * MINUTE);
    expect(await cancelled).toMatchObject({ outcome: 'waiting' });
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('cancelled');
    expect(await bed.isRunning(handle)).toBe(true); // not over before Shopify says whether it refunded
    const view = await bed.finished(handle);
    expect(view.status).toBe('refunded');
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
  });

  test('an order waiting for payment: no payment reminder, no busy loop while Shopify stays silent', async () => {
    const order = orderSnapshot({ financialStatus: 'pending' });
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'awaiting payment', (v) => v.timeline.some((e) => e.event === 'awaiting_payment'));
    bed.world.fail('refundShopifyOrder', 'unavailable', 1000);
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    await bed.pass(handle, 5 * 24 * HOUR); // past the 72 h payment reminder
    const view = await bed.status(handle);
    expect(view.issue?.type).toBe('refund_unconfirmed');
    expect(emailSubjects(order).some((s) => /payment/i.test(s))).toBe(false);
    // Hourly asks at most (the outage cadence): a few hundred events, not a loop.
    const { historyLength } = await handle.describe();
    expect(historyLength).toBeLessThan(2_000);
    expect(putsFor(order)).toHaveLength(0);
  });

  test('Shopify refusing it when asked again ends the hold: the merchant is told, the order carries on', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'unavailable', 6);
    bed.world.fail('refundShopifyOrder', 'credentials', 1); // the first look's ask is refused: no refund was made
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'waiting' });
    const view = await bed.waitFor(handle, 'the hold to end', (v) => v.issue === null, { step: 5 * MINUTE });
    expect(view.status).toBe('submitted');
    expect(view.refunded).toBe(false);
    expect(view.timeline.find((e) => e.event === 'issue_resolved')?.message).toMatch(/Shopify refused the refund/);
    expect(emailSubjects(order)).toContain('Refund not made');
    expect(bed.world.refunds.get(order.shopifyOrderId)).toBeUndefined();
    // Not closed: Vinoshipper still has it, and a new refund is a new attempt.
    expect(bed.world.vinoshipper.get(vinoshipperNumber(order))?.state).toBe('pending');
    await handle.signal(refundSignal, { reason: 'customer asked, again' });
    expect((await bed.finished(handle)).status).toBe('refunded');
    expect(new Set(refundKeys(order)).size).toBe(2);
  });

  test('a refund Shopify refuses answers "failed" and holds nothing; a later refund has its own key', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.fail('refundShopifyOrder', 'credentials', 1); // refused: not made
    expect(await refundWhileTimePasses(handle)).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/refund in Shopify failed/) });
    expect((await bed.status(handle)).issue).toBeNull();

    await handle.signal(refundSignal, { reason: 'customer asked, again' });
    const view = await bed.finished(handle);
    expect(view.status).toBe('refunded');
    expect(new Set(refundKeys(order)).size).toBe(2);
    expect(bed.world.refunds.get(order.shopifyOrderId)).toHaveLength(1);
  });
});

describe('12 · an update in the same second is not a duplicate when payment or cancellation changed', () => {
  test('paid in the same second', async () => {
    const order = orderSnapshot({ financialStatus: 'pending' });
    const handle = await bed.start(order);
    await bed.env.sleep(MINUTE);
    await handle.signal(orderUpdatedSignal, updated(order, { financialStatus: 'paid' }, 0));
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  });

  test('cancelled in the same second', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    const last = bed.world.vinoshipper.get(vinoshipperNumber(order))!.snapshot;
    await handle.signal(orderUpdatedSignal, updated(last, { cancelledAt: last.updatedAt }, 0));
    const view = await bed.finished(handle);
    expect(view.status).toBe('cancelled');
  });
});

describe('13 · a skipped order resumes when sync is turned back on or the skip tag is removed', () => {
  test('sync turned back on', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order, { syncEnabled: false });
    await bed.waitFor(handle, 'skipped', (v) => v.status === 'skipped');
    await bed.env.sleep(HOUR);
    await handle.signal(syncResumedSignal, { by: 'test' });
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
  });

  test('skip tag removed', async () => {
    const order = orderSnapshot({ tags: ['vinoshipper-skip'] });
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'skipped', (v) => v.status === 'skipped');
    await handle.signal(orderUpdatedSignal, updated(order, { tags: [] }));
    const view = await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    expect(view.timeline.some((e) => e.event === 'resumed')).toBe(true);
  });

  test('a skipped order nobody resumes ends after the resume window', async () => {
    const order = orderSnapshot({ tags: ['vinoshipper-skip'] });
    const handle = await bed.start(order, { skippedResumeWindowMs: 2 * 24 * HOUR });
    const view = await bed.finished(handle, { step: HOUR });
    expect(view.status).toBe('skipped');
    expect(putsFor(order)).toHaveLength(0);
  });
});
