// The happy path's cost, counted from the history the way issue 11 counts it: from the signal-with-start
// to `submitted`, one activity (the PUT and the write-back to Shopify together) and two
// workflow tasks. When Shopify does not answer inside that activity, the workflow's own write-back
// activity (with its retries) still puts the number on the Shopify order.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { orderUpdatedSignal, orderWorkflowId, vinoshipperEventSignal, type OrderSnapshot, type SubmitOrderInput, type WriteBackInput } from '../../domain';
import { orderSnapshot, updated } from './stub-world';
import { OrderTestbed, SHOP, useOrderTestbed, vinoshipperNumber } from './testbed';

jest.setTimeout(60_000);

const testbed = useOrderTestbed();
let bed: OrderTestbed;
beforeEach(() => {
  bed = testbed();
});

const { EventType } = temporal.api.enums.v1;

function putsFor(order: OrderSnapshot): SubmitOrderInput[] {
  return bed.world
    .callsOf('submitOrderToVinoshipper')
    .map((c) => c.input as SubmitOrderInput)
    .filter((i) => i.snapshot.shopifyOrderId === order.shopifyOrderId);
}
function writeBacksFor(order: OrderSnapshot) {
  return bed.world.callsOf('writeBackToShopify').filter((c) => (c.input as WriteBackInput).shopifyOrderId === order.shopifyOrderId);
}

/**
 * The events up to the first timer: everything the order did before it rested. Read from the history
 * alone (a status query on the time-skipping server adds a workflow task of its own).
 */
async function untilFirstRest(handle: WorkflowHandle) {
  for (let tries = 0; ; tries++) {
    const { events } = await handle.fetchHistory();
    const rest = events!.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
    if (rest < 0 && tries < 100) {
      await bed.env.sleep(1000);
      continue;
    }
    expect(rest).toBeGreaterThan(0);
    const before = events!.slice(0, rest);
    return {
      activities: before
        .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name),
      workflowTasks: before.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
      upserts: before.filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length,
    };
  }
}

test('one activity and two workflow tasks from the webhook to submitted, with the number written back', async () => {
  const order = orderSnapshot();
  const handle = await bed.start(order);
  expect(await untilFirstRest(handle)).toEqual({ activities: ['submitOrderToVinoshipper'], workflowTasks: 2, upserts: 1 });

  const view = await bed.status(handle);
  expect(view.status).toBe('submitted');
  expect(view.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['submitted', 'written_back']));
  const [put] = putsFor(order);
  expect(put!.writeBackTo).toBe(order.shopifyOrderId);
  expect(bed.world.writtenBack.filter((id) => id === order.shopifyOrderId)).toHaveLength(1);
  expect(writeBacksFor(order)).toEqual([]);
});

test("Shopify silent inside the PUT's activity: the workflow's own write-back takes over, and a resend does not ask again", async () => {
  const order = orderSnapshot();
  bed.world.writeBackInSubmissionFails = true;
  bed.world.fail('writeBackToShopify', 'unavailable', 2); // and its first tries fail too: the activity's retries carry it
  const handle = await bed.start(order);
  const view = await bed.waitFor(handle, 'written back', (v) => v.timeline.some((e) => e.event === 'written_back'), { step: 1000 });

  expect(view.status).toBe('submitted');
  expect(putsFor(order)).toHaveLength(1); // the PUT is not sent again for the write-back
  const writeBacks = writeBacksFor(order);
  expect(writeBacks.map((c) => c.ok)).toEqual([false, false, true]);
  expect(writeBacks[2]!.input).toEqual({ shopifyOrderId: order.shopifyOrderId, vinoshipperOrderNumber: vinoshipperNumber(order) });
  expect(bed.world.writtenBack.filter((id) => id === order.shopifyOrderId)).toHaveLength(1);

  // A later resend (a correction) does not write back again: the number is already there.
  bed.world.writeBackInSubmissionFails = false;
  await bed.settle(handle);
  await handle.signal(orderUpdatedSignal, updated(order, { email: 'new@example.com' }));
  await bed.waitFor(handle, 'resent', (v) => v.timeline.some((e) => e.event === 'resent'), { step: 1000 });
  const resend = putsFor(order)[1]!;
  expect(resend.writeBackTo).toBeUndefined();
  expect(bed.world.writtenBack.filter((id) => id === order.shopifyOrderId)).toHaveLength(1);
});

describe("Vinoshipper's webhooks find the order by its number", () => {
  test('the number carries the Shopify order id: no alias is registered, none released', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    bed.world.ship(vinoshipperNumber(order));
    await handle.signal(vinoshipperEventSignal, { event: 'TRACKING_NUMBER_ADDED', vinoshipperOrderNumber: vinoshipperNumber(order) });
    const view = await bed.finished(handle);

    expect(view).toMatchObject({ status: 'fulfilled', vinoshipperOrderNumber: `CH-${order.orderNumber}-${order.shopifyOrderId}` });
    expect(putsFor(order).map((put) => put.aliasFor)).toEqual([undefined]); // the PUT's activity registers an alias only when asked
    expect(bed.world.callsOf('releaseVinoshipperOrderAlias')).toEqual([]);
  });

  test('an order started before numbers carried the id keeps its number, and its alias until it finishes', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order, {}, { numberedBefore: true });
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    const legacyNumber = `CH-${order.orderNumber}`;
    expect(putsFor(order).map((put) => [put.vinoshipperOrderNumber, put.aliasFor])).toEqual([[legacyNumber, orderWorkflowId(SHOP, order.shopifyOrderId)]]);
    bed.world.ship(legacyNumber);
    await handle.signal(vinoshipperEventSignal, { event: 'TRACKING_NUMBER_ADDED', vinoshipperOrderNumber: legacyNumber });
    const view = await bed.finished(handle);

    expect(view).toMatchObject({ status: 'fulfilled', vinoshipperOrderNumber: legacyNumber });
    expect(bed.world.callsOf('releaseVinoshipperOrderAlias').map((c) => c.input)).toEqual([{ vinoshipperOrderNumber: legacyNumber }]);
  });

  test('a hint naming another number is no news for the order: no re-read', async () => {
    const order = orderSnapshot();
    const handle = await bed.start(order);
    await bed.waitFor(handle, 'submitted', (v) => v.status === 'submitted');
    const reads = () => bed.world.callsOf('fetchVinoshipperOrder').length;
    const before = reads();
    await handle.signal(vinoshipperEventSignal, { event: 'CANCELLED', vinoshipperOrderNumber: `CH-1-${order.shopifyOrderId}` });
    await bed.settle(handle);
    expect(reads()).toBe(before);
    expect((await bed.status(handle)).timeline.map((e) => e.event)).not.toContain('vinoshipper_event');

    // The order's own number (or a person's hint, which names none) is news.
    await handle.signal(vinoshipperEventSignal, { event: 'UPDATED', vinoshipperOrderNumber: vinoshipperNumber(order) });
    await bed.waitFor(handle, 'the re-read', () => reads() > before);
  });
});
