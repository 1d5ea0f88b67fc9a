// The catalogue check's rules, as plain functions: what counts as a mismatch, the near-match hint,
// what is new or resolved since the last completed check, and which stuck orders a SKU blocks.
import { mentionsSku } from '../../activities/catalog-check';
import {
  catalogCheckReport,
  findSkuMismatches,
  groupStuckOrders,
  nearMatch,
  type CatalogInspection,
  type ShopifyCatalogVariant,
  type StuckOrder,
  type VinoshipperCatalogEntry,
  WORKFLOW_FAILING_CAUSE,
} from '../../domain';

let nextId = 1;
function variant(sku: string | null, extra: Partial<ShopifyCatalogVariant> = {}): ShopifyCatalogVariant {
  const id = String(nextId++);
  return {
    productId: `p${id}`,
    productTitle: `Wine ${id}`,
    productStatus: 'ACTIVE',
    productTags: [],
    variantId: `v${id}`,
    variantTitle: 'Default Title',
    sku,
    availableForSale: true,
    ...extra,
  };
}
const vs = (sku: string, available: number | null = 10): VinoshipperCatalogEntry => ({ sku, name: sku, available });

test('a SKU Vinoshipper lacks, a variant without SKU and a sold-out wine Shopify still sells are reported; the rest is not', () => {
  const found = findSkuMismatches(
    [
      variant('CAB-2021-750'),
      variant('NOPE-3'),
      variant(null),
      variant(''),
      variant('ROSE-2023-750'),
      variant('SYRAH-1500', { availableForSale: false }),
      variant(' CHARD '),
    ],
    [vs('CAB-2021-750'), vs('ROSE-2023-750', 0), vs('SYRAH-1500', 0), vs('CHARD'), vs('UNTRACKED', null)],
  );
  expect(found.map((m) => [m.kind, m.sku])).toEqual([
    ['missing_in_vinoshipper', 'NOPE-3'],
    ['sold_out_in_vinoshipper', 'ROSE-2023-750'],
    ['variant_without_sku', null],
    ['variant_without_sku', null],
  ]);
  expect(found[2].key).not.toBe(found[3].key);
});

test('variants sharing a missing SKU are one mismatch listing each of them', () => {
  const [mismatch] = findSkuMismatches([variant('NOPE-3', { productTitle: 'A' }), variant('NOPE-3', { productTitle: 'B' })], []);
  expect(mismatch.key).toBe('missing_in_vinoshipper:NOPE-3');
  expect(mismatch.variants.map((v) => v.productTitle)).toEqual(['A', 'B']);
});

test.each([
  ['cab-2021-750', 'CAB-2021-750', 'letter case'],
  ['CAB 2021 750', 'CAB2021750', 'spaces'],
  ['CAB2021750', 'CAB-2021-750', 'dashes'],
  ['cab 2021 750', 'CAB-2021-750', 'letter case, spaces and dashes'],
  ['CAB_2021-750', 'CAB-2021_750', 'dashes'],
])('near match: %s ~ %s differs in %s', (sku, candidate, differsIn) => {
  expect(nearMatch(sku, ['PINOT-2022-750', candidate])).toEqual({ sku: candidate, differsIn });
});

test('no near match when more than case, spaces and dashes differ', () => {
  expect(nearMatch('CAB-2021-75O', ['CAB-2021-750'])).toBeNull();
  const [missing] = findSkuMismatches([variant('cab-2021-750')], [vs('CAB-2021-750')]);
  expect(missing.nearMatch).toEqual({ sku: 'CAB-2021-750', differsIn: 'letter case' });
});

function inspection(mismatches: CatalogInspection['mismatches']): CatalogInspection {
  return { shopifyProducts: 3, shopifyVariants: 4, skippedProducts: 0, vinoshipperProducts: 5, mismatches };
}

test('new, still open and resolved against the last completed check; first-seen times carried', () => {
  const a = findSkuMismatches([variant('A-1')], []);
  const first = catalogCheckReport(null, inspection(a), [], '2026-01-01T00:00:00.000Z');
  expect(first.newKeys).toEqual(['missing_in_vinoshipper:A-1']);
  expect(first.summary).toBe('Checked 4 Shopify variants against 5 Vinoshipper products: 1 SKU problem open (1 new).');

  const b = findSkuMismatches([variant('A-1'), variant('B-2')], []);
  const second = catalogCheckReport(first, inspection(b), [], '2026-01-01T06:00:00.000Z');
  expect(second.newKeys).toEqual(['missing_in_vinoshipper:B-2']);
  expect(second.mismatches.map((m) => [m.sku, m.firstSeenAt])).toEqual([
    ['B-2', '2026-01-01T06:00:00.000Z'],
    ['A-1', '2026-01-01T00:00:00.000Z'],
  ]);

  const third = catalogCheckReport(second, inspection(findSkuMismatches([variant('B-2')], [])), [], '2026-01-01T12:00:00.000Z');
  expect(third.newKeys).toEqual([]);
  expect(third.resolved.map((m) => m.sku)).toEqual(['A-1']);
  expect(third.summary).toBe('Checked 4 Shopify variants against 5 Vinoshipper products: 1 SKU problem open (0 new), 1 resolved since the last check.');
});

test('stuck orders are linked by SKU and by the issue the kind of mismatch causes', () => {
  const mismatches = findSkuMismatches([variant('NOPE-3'), variant('ROSE')], [vs('ROSE', 0)]);
  const order = (name: string, issueType: 'product_missing' | 'inventory_unavailable', skus: string[]) => ({
    shopifyOrderId: name,
    shopifyOrderName: `#${name}`,
    workflowId: `order:shop:${name}`,
    issueType,
    skus,
  });
  const report = catalogCheckReport(
    null,
    inspection(mismatches),
    [order('1', 'product_missing', ['NOPE-3']), order('2', 'inventory_unavailable', ['ROSE']), order('3', 'inventory_unavailable', ['NOPE-3'])],
    '2026-01-01T00:00:00.000Z',
  );
  const bySku = Object.fromEntries(report.mismatches.map((m) => [m.sku, m.blockedOrders.map((o) => o.shopifyOrderName)]));
  expect(bySku).toEqual({ 'NOPE-3': ['#1'], ROSE: ['#2'] });
});

test.each([
  ['SKU NOPE-3 is not in Vinoshipper', true],
  ['SKU NOPE-3: ordered 3, available 1', true],
  ['SKU NOPE-30 is not in Vinoshipper', false],
  ['SKU XNOPE-3 is not in Vinoshipper', false],
  ['"Gift" has no SKU\nSKU NOPE-3 is not in Vinoshipper', true],
])('the issue details “%s” mention NOPE-3: %s', (details, mentioned) => {
  expect(mentionsSku(details, 'NOPE-3')).toBe(mentioned);
});

test('the daily digest groups stuck orders by cause, oldest first', () => {
  const stuck = (name: string, cause: string, since: string): StuckOrder => ({
    shopifyOrderId: name,
    shopifyOrderName: `#${name}`,
    workflowId: `order:shop:${name}`,
    issueType: cause.split(':')[0] as StuckOrder['issueType'],
    cause,
    since,
  });
  const groups = groupStuckOrders([
    stuck('3', 'compliance_failed:CA', '2026-01-03T00:00:00Z'),
    stuck('2', 'product_missing:NOPE-3', '2026-01-02T00:00:00Z'),
    stuck('1', 'compliance_failed:CA', '2026-01-01T00:00:00Z'),
  ]);
  expect(groups.map((g) => [g.description, g.orders.map((o) => o.shopifyOrderName)])).toEqual([
    ['Compliance check failed for shipments to CA', ['#1', '#3']],
    ['SKU NOPE-3 is not in Vinoshipper', ['#2']],
  ]);
});

test('the digest puts the orders cellarhand cannot run first, whatever their age, with their own steps', () => {
  const stuck = (id: string, cause: string, since: string): StuckOrder => ({
    shopifyOrderId: id,
    shopifyOrderName: `#${id}`,
    workflowId: `order:x:${id}`,
    issueType: null,
    cause,
    since,
  });
  const groups = groupStuckOrders([stuck('1', 'product_missing:NOPE-3', '2026-01-01T00:00:00Z'), stuck('2', WORKFLOW_FAILING_CAUSE, '2026-01-05T00:00:00Z')]);
  expect(groups.map((g) => [g.description, g.orders.map((o) => o.shopifyOrderName)])).toEqual([
    ['cellarhand cannot run these orders: their workflow fails in Temporal', ['#2']],
    ['SKU NOPE-3 is not in Vinoshipper', ['#1']],
  ]);
  expect(groups[0].steps?.[0]).toMatch(/Temporal Web UI/);
  expect(groups[1].steps).toBeUndefined();
});
