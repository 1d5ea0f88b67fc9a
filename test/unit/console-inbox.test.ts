// The inbox's grouping: one group per cause (issue type plus SKU or state), the orders of a group
// oldest first, the group waiting longest first, and a headline a person reads.
import { groupByCause, groupId } from '../../console/inbox';
import type { OrderListing } from '../../temporal/order-workflows';

let n = 0;
function stuck(cause: string | null, startedAt: string, issueType: OrderListing['issueType'] = 'product_missing'): OrderListing {
  n += 1;
  return {
    shopifyOrderId: String(5_000_000_000 + n),
    shopifyOrderName: `#${1000 + n}`,
    status: 'needs_attention',
    issueType,
    issueCause: cause,
    vinoshipperOrderNumber: null,
    workflowId: `order:shop:${5_000_000_000 + n}`,
    running: true,
    startedAt,
  };
}

test('orders are grouped by cause, oldest first within a group, the longest-waiting group first', () => {
  const a = stuck('product_missing:NOPE-3', '2026-12-01T10:05:00.000Z');
  const b = stuck('compliance_failed:CA', '2026-12-01T09:00:00.000Z', 'compliance_failed');
  const c = stuck('product_missing:NOPE-3', '2026-12-01T10:01:00.000Z');
  const d = stuck('product_missing:NOPE-3', '2026-12-01T10:03:00.000Z');
  const groups = groupByCause([a, b, c, d]);
  expect(groups.map((g) => [g.headline, g.orders.map((o) => o.shopifyOrderName)])).toEqual([
    ['Compliance check failed for shipments to CA', [b.shopifyOrderName]],
    ['SKU NOPE-3 is not in Vinoshipper', [c.shopifyOrderName, d.shopifyOrderName, a.shopifyOrderName]],
  ]);
  expect(groups[1]).toMatchObject({
    cause: 'product_missing:NOPE-3',
    issueType: 'product_missing',
    title: 'A product on this order does not exist in Vinoshipper',
  });
});

test('another SKU is another group; several SKUs on one order are their own cause', () => {
  const groups = groupByCause([
    stuck('product_missing:NOPE-3', '2026-12-01T10:00:00.000Z'),
    stuck('product_missing:NOPE-4', '2026-12-01T10:00:01.000Z'),
    stuck('product_missing:NOPE-3,NOPE-4', '2026-12-01T10:00:02.000Z'),
  ]);
  expect(groups.map((g) => g.headline)).toEqual([
    'SKU NOPE-3 is not in Vinoshipper',
    'SKU NOPE-4 is not in Vinoshipper',
    'SKUs NOPE-3, NOPE-4 are not in Vinoshipper',
  ]);
});

test('an order without a cause attribute groups by its issue type; one with neither is still shown', () => {
  const groups = groupByCause([stuck(null, '2026-12-01T10:00:00.000Z', 'invalid_address'), stuck(null, '2026-12-01T11:00:00.000Z', null)]);
  expect(groups.map((g) => [g.cause, g.headline])).toEqual([
    ['invalid_address', 'Invalid customer address'],
    ['unknown', 'Needs attention (no issue recorded yet)'],
  ]);
});

test('group ids are stable and safe in a page whatever the SKU holds', () => {
  expect(groupId('product_missing:A "B" <c>')).toMatch(/^g-[0-9a-f]{12}$/);
  expect(groupId('product_missing:X')).toBe(groupId('product_missing:X'));
  expect(groupId('product_missing:X')).not.toBe(groupId('product_missing:Y'));
});
