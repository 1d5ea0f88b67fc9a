// The catalogue check's I/O: the last completed check (Temporal visibility and its result), both
// catalogues (Shopify Admin GraphQL, paged; Vinoshipper's product list), the orders already stuck on
// a SKU (visibility, plus the order's status query when its IssueCause does not name the SKUs), and
// the run's email.
import { Context, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import {
  findSkuMismatches,
  parseIssueCause,
  statusQuery,
  type BlockedOrder,
  type CatalogCheckActivities,
  type IssueType,
  type ShopifyCatalogVariant,
  type VinoshipperCatalogEntry,
} from '../domain';
import { renderCatalogCheckEmail } from '../integrations/email/catalog-check-template';
import type { EmailClient } from '../integrations/email/client';
import type { ShopifyAdmin } from '../integrations/shopify/admin';
import { availableOf, productSku } from '../integrations/vinoshipper/classify';
import type { VinoshipperClient } from '../integrations/vinoshipper/client';
import { CatalogChecks } from '../temporal/catalog-checks';
import { orderListQuery, orderListing } from '../temporal/order-workflows';
import { classified } from './failures';

const LINKED_ISSUES: IssueType[] = ['product_missing', 'inventory_unavailable'];

export function createCatalogCheckActivities(
  clients: { shopify: ShopifyAdmin; vinoshipper: VinoshipperClient; email: EmailClient },
  config: Pick<Config, 'shopify' | 'temporal' | 'orders'>,
): CatalogCheckActivities {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    previousCatalogCheck: () => new CatalogChecks(Context.current().client, config.temporal.taskQueue).latest(),

    async inspectCatalog() {
      const variants: ShopifyCatalogVariant[] = [];
      let products = 0;
      let skipped = 0;
      let after: string | undefined;
      for (;;) {
        const page = await classified(() => clients.shopify.listActiveProductVariants(after));
        const kept = page.variants.filter((v) => v.productStatus === 'ACTIVE' && !isExcluded(v, config.orders.excludeTag));
        skipped += new Set(page.variants.filter((v) => !kept.includes(v)).map((v) => v.productId)).size;
        products += page.products;
        variants.push(...kept);
        heartbeat({ products });
        if (!page.hasNextPage || !page.endCursor) break;
        after = page.endCursor;
      }
      const entries = (await classified(() => clients.vinoshipper.listProducts())).flatMap((p): VinoshipperCatalogEntry[] => {
        const sku = productSku(p);
        return sku ? [{ sku, name: p.detail?.name ?? p.summary?.name ?? null, available: availableOf(p) }] : [];
      });
      return {
        shopifyProducts: products - skipped,
        shopifyVariants: variants.length,
        skippedProducts: skipped,
        vinoshipperProducts: entries.length,
        mismatches: findSkuMismatches(variants, entries),
      };
    },

    async ordersBlockedBySkus(skus) {
      const client = Context.current().client;
      const wanted = new Set(skus);
      const query = orderListQuery(config.shopify.shopDomain, { status: 'needs_attention', running: true, issueTypes: LINKED_ISSUES });
      const blocked: BlockedOrder[] = [];
      for await (const wf of client.workflow.list({ query })) {
        const { shopifyOrderId, shopifyOrderName, workflowId, issueType, issueCause } = orderListing(wf);
        if (!issueType) continue;
        const found = await skusOf(client, workflowId, issueCause ?? undefined, wanted);
        if (!found.length) continue;
        blocked.push({ shopifyOrderId, shopifyOrderName: shopifyOrderName ?? workflowId, workflowId, issueType, skus: found });
        heartbeat();
      }
      return blocked;
    },

    async sendCatalogCheckEmail({ report, idempotencyKey }) {
      const message = renderCatalogCheckEmail(report, context);
      return classified(async () => ({ emailId: (await clients.email.send({ ...message, idempotencyKey })).id }));
    },
  };
}

function isExcluded(variant: ShopifyCatalogVariant, excludeTag: string): boolean {
  return variant.productTags.some((t) => t.toLowerCase() === excludeTag.toLowerCase());
}

/**
 * The wanted SKUs an order's open issue is about: the IssueCause key (`product_missing:SKU1,SKU2`)
 * when it names them; otherwise the SKUs its issue's details mention (orders that set only the type).
 */
async function skusOf(client: Client, workflowId: string, cause: string | undefined, wanted: Set<string>): Promise<string[]> {
  const key = cause ? parseIssueCause(cause).key : null;
  if (key) return key.split(',').filter((sku) => wanted.has(sku));
  try {
    const view = await client.workflow.getHandle(workflowId).query(statusQuery);
    const fromCause = view.issue?.cause ? parseIssueCause(view.issue.cause).key : null;
    if (fromCause) return fromCause.split(',').filter((sku) => wanted.has(sku));
    const details = view.issue?.details ?? '';
    return [...wanted].filter((sku) => mentionsSku(details, sku));
  } catch {
    return []; // finished or unreachable meanwhile: not linked this time
  }
}

/** "SKU NOPE-3 is not in Vinoshipper", "SKU NOPE-3: ordered 3, available 1": the SKU as a whole word. */
export function mentionsSku(details: string, sku: string): boolean {
  const escaped = sku.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,(])${escaped}(?=$|[\\s,:;).])`, 'm').test(details);
}
