// The catalogue check (SKU early warning): the shop's active Shopify variants against Vinoshipper's
// products, before an order fails on a mismatch. A Temporal Schedule runs `catalogCheckWorkflow`
// every CATALOG_CHECK_INTERVAL; POST /api/catalog/check runs it at once. Plain data and arithmetic
// here: the comparison runs in an activity, the run-to-run bookkeeping in the workflow.
import type { IssueType } from './order';

export const CATALOG_CHECK_SCHEDULE_ID = 'cellarhand-catalog-check';
export const CATALOG_CHECK_WORKFLOW_TYPE = 'catalogCheckWorkflow';
/** The on-demand run's workflow id: a second request while one runs joins it. */
export const CATALOG_CHECK_ON_DEMAND_ID = 'cellarhand-catalog-check-now';

/** One Shopify variant of an active product, as the check reads it. */
export interface ShopifyCatalogVariant {
  productId: string;
  productTitle: string;
  productStatus: string;
  productTags: string[];
  variantId: string;
  variantTitle: string;
  sku: string | null;
  availableForSale: boolean;
}

/** One Vinoshipper product; `available` null when Vinoshipper does not say (untracked). */
export interface VinoshipperCatalogEntry {
  sku: string;
  name: string | null;
  available: number | null;
}

export type SkuMismatchKind = 'missing_in_vinoshipper' | 'variant_without_sku' | 'sold_out_in_vinoshipper';

export interface CatalogVariantRef {
  productId: string;
  productTitle: string;
  variantId: string;
  variantTitle: string;
}

export interface BlockedOrderRef {
  shopifyOrderId: string;
  shopifyOrderName: string;
  workflowId: string;
}

/** A stuck order and the SKUs its open issue is about (from `IssueCause`, or the issue's details). */
export interface BlockedOrder extends BlockedOrderRef {
  issueType: IssueType;
  skus: string[];
}

export interface SkuMismatch {
  /** Stable across runs: `<kind>:<SKU>`, or `variant_without_sku:<variant id>`. */
  key: string;
  kind: SkuMismatchKind;
  sku: string | null;
  variants: CatalogVariantRef[];
  /** A Vinoshipper SKU equal but for letter case, spaces or dashes (missing_in_vinoshipper only). */
  nearMatch: { sku: string; differsIn: string } | null;
  /** ISO time a completed check first reported it. */
  firstSeenAt: string;
  /** Orders already stuck on this SKU (product_missing or inventory_unavailable). */
  blockedOrders: BlockedOrderRef[];
}

export type FoundMismatch = Omit<SkuMismatch, 'firstSeenAt' | 'blockedOrders'>;

/** What the inspecting activity found, before it is compared with the last completed check. */
export interface CatalogInspection {
  shopifyProducts: number;
  shopifyVariants: number;
  /** Products tagged SHOPIFY_EXCLUDE_TAG (gift cards, tasting fees…): never sent to Vinoshipper, not checked. */
  skippedProducts: number;
  vinoshipperProducts: number;
  mismatches: FoundMismatch[];
}

export interface CatalogCheckReport {
  checkedAt: string;
  shopifyProducts: number;
  shopifyVariants: number;
  skippedProducts: number;
  vinoshipperProducts: number;
  /** Every mismatch open now, the new ones first. */
  mismatches: SkuMismatch[];
  /** Keys of the mismatches this run reported for the first time (the ones emailed). */
  newKeys: string[];
  /** Reported by the last completed check, gone now. */
  resolved: SkuMismatch[];
  /** The run's email (new mismatches only); null when there was nothing new. */
  emailId: string | null;
  summary: string;
}

export interface CatalogCheckEmailInput {
  report: CatalogCheckReport;
  idempotencyKey: string;
}

export interface CatalogCheckActivities {
  /** The result of the newest completed check (Temporal visibility), or null before the first. */
  previousCatalogCheck(): Promise<CatalogCheckReport | null>;
  /** Reads both catalogues (paged) and compares them. */
  inspectCatalog(): Promise<CatalogInspection>;
  /** Running orders stuck on `product_missing` / `inventory_unavailable` for any of these SKUs. */
  ordersBlockedBySkus(skus: string[]): Promise<BlockedOrder[]>;
  sendCatalogCheckEmail(input: CatalogCheckEmailInput): Promise<{ emailId: string }>;
}

/** SKU mismatches between the shop's variants and Vinoshipper's products. Exact match, as orders are matched. */
export function findSkuMismatches(variants: ShopifyCatalogVariant[], products: VinoshipperCatalogEntry[]): FoundMismatch[] {
  const vinoshipper = new Map<string, VinoshipperCatalogEntry>();
  for (const p of products) if (!vinoshipper.has(p.sku)) vinoshipper.set(p.sku, p);
  const found = new Map<string, FoundMismatch>();
  const add = (key: string, kind: SkuMismatchKind, sku: string | null, v: ShopifyCatalogVariant, nearMatch: FoundMismatch['nearMatch'] = null) => {
    const ref = { productId: v.productId, productTitle: v.productTitle, variantId: v.variantId, variantTitle: v.variantTitle };
    const existing = found.get(key);
    if (existing) existing.variants.push(ref);
    else found.set(key, { key, kind, sku, variants: [ref], nearMatch });
  };
  for (const v of variants) {
    // Orders carry the SKU trimmed (the order check trims it too): surrounding spaces never fail an order.
    const sku = v.sku?.trim() || null;
    if (!sku) {
      add(`variant_without_sku:${v.variantId}`, 'variant_without_sku', null, v);
      continue;
    }
    const product = vinoshipper.get(sku);
    if (!product) add(`missing_in_vinoshipper:${sku}`, 'missing_in_vinoshipper', sku, v, nearMatch(sku, [...vinoshipper.keys()]));
    else if (product.available === 0 && v.availableForSale) add(`sold_out_in_vinoshipper:${sku}`, 'sold_out_in_vinoshipper', sku, v);
  }
  const order: SkuMismatchKind[] = ['missing_in_vinoshipper', 'sold_out_in_vinoshipper', 'variant_without_sku'];
  return [...found.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.sku ?? '').localeCompare(b.sku ?? ''));
}

const ASPECTS: { name: string; apply: (s: string) => string }[] = [
  { name: 'letter case', apply: (s) => s.toLowerCase() },
  { name: 'spaces', apply: (s) => s.replace(/\s+/g, '') },
  { name: 'dashes', apply: (s) => s.replace(/[-_‐‑‒–—]+/g, '') },
];

/** A Vinoshipper SKU that equals `sku` once letter case, spaces and dashes are ignored, and what differs. */
export function nearMatch(sku: string, candidates: string[]): { sku: string; differsIn: string } | null {
  // The fewest aspects first: "letter case" rather than "letter case, spaces and dashes".
  const subsets = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];
  for (const subset of subsets) {
    const normalise = (s: string) => subset.reduce((acc, i) => ASPECTS[i].apply(acc), s);
    const target = normalise(sku);
    const match = candidates.find((c) => c !== sku && normalise(c) === target);
    if (match) return { sku: match, differsIn: joinWords(subset.map((i) => ASPECTS[i].name)) };
  }
  return null;
}

/**
 * This run's report: what is open now (with the time each was first reported and the orders it
 * blocks), which are new since the last completed check, and which that check had but are gone.
 */
export function catalogCheckReport(
  previous: CatalogCheckReport | null,
  inspection: CatalogInspection,
  blocked: BlockedOrder[],
  now: string,
): CatalogCheckReport {
  const before = new Map((previous?.mismatches ?? []).map((m) => [m.key, m]));
  const linkedIssue: Record<SkuMismatchKind, IssueType | null> = {
    missing_in_vinoshipper: 'product_missing',
    sold_out_in_vinoshipper: 'inventory_unavailable',
    variant_without_sku: null,
  };
  const mismatches: SkuMismatch[] = inspection.mismatches.map((m) => ({
    ...m,
    firstSeenAt: before.get(m.key)?.firstSeenAt ?? now,
    blockedOrders: blocked
      .filter((o) => m.sku !== null && o.issueType === linkedIssue[m.kind] && o.skus.includes(m.sku))
      .map(({ shopifyOrderId, shopifyOrderName, workflowId }) => ({ shopifyOrderId, shopifyOrderName, workflowId })),
  }));
  const newKeys = mismatches.filter((m) => !before.has(m.key)).map((m) => m.key);
  const open = new Set(mismatches.map((m) => m.key));
  const resolved = [...before.values()].filter((m) => !open.has(m.key));
  mismatches.sort((a, b) => Number(newKeys.includes(b.key)) - Number(newKeys.includes(a.key)));
  const report: CatalogCheckReport = {
    checkedAt: now,
    shopifyProducts: inspection.shopifyProducts,
    shopifyVariants: inspection.shopifyVariants,
    skippedProducts: inspection.skippedProducts,
    vinoshipperProducts: inspection.vinoshipperProducts,
    mismatches,
    newKeys,
    resolved,
    emailId: null,
    summary: '',
  };
  return { ...report, summary: catalogCheckSummary(report) };
}

export function catalogCheckSummary(
  report: Pick<CatalogCheckReport, 'mismatches' | 'newKeys' | 'resolved' | 'shopifyVariants' | 'vinoshipperProducts'>,
): string {
  const checked = `${count(report.shopifyVariants, 'Shopify variant')} against ${count(report.vinoshipperProducts, 'Vinoshipper product')}`;
  const parts = [report.mismatches.length ? `${count(report.mismatches.length, 'SKU problem')} open (${report.newKeys.length} new)` : 'no SKU problem'];
  if (report.resolved.length) parts.push(`${report.resolved.length} resolved since the last check`);
  return `Checked ${checked}: ${parts.join(', ')}.`;
}

/** What each kind means for the merchant, and what to do (the check's email and the ops API). */
export const MISMATCH_WORDING: Record<SkuMismatchKind, { title: string; steps: string[] }> = {
  missing_in_vinoshipper: {
    title: 'Shopify sells a SKU that Vinoshipper does not know',
    steps: [
      'Orders with this SKU will fail to sync until it matches exactly.',
      'Correct the SKU on the variant in Shopify, or add the product in Vinoshipper with exactly this SKU.',
    ],
  },
  sold_out_in_vinoshipper: {
    title: 'Vinoshipper has no inventory of a wine Shopify still sells',
    steps: ['Orders for it will wait until there is inventory.', 'Add inventory in Vinoshipper, or mark the variant sold out in Shopify.'],
  },
  variant_without_sku: {
    title: 'A Shopify variant has no SKU',
    steps: [
      'Orders for it cannot be matched to a Vinoshipper product.',
      'Give the variant the SKU it has in Vinoshipper, or tag the product with the exclude tag if it never ships through Vinoshipper.',
    ],
  },
};

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
