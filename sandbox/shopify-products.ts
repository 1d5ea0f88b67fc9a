// The Shopify sandbox's products and variants, with their SKUs: what the catalogue check reads
// through the Admin GraphQL `products` query, and what a person or a test changes through
// PUT/DELETE /sandbox/shopify/products/{sku} to create a mismatch with Vinoshipper. It starts with
// the wines of the Vinoshipper sandbox's demo catalogue, so a fresh sandbox has no mismatch.
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { gid, parseGid } from './shopify-store';
import { paginate } from './shopify-views';
import { DEMO_CATALOGUE } from './vinoshipper';

export type ProductStatus = 'ACTIVE' | 'DRAFT' | 'ARCHIVED';

export interface SandboxVariant {
  id: number;
  title: string;
  /** null: the merchant left the SKU empty (Shopify answers null or ""). */
  sku: string | null;
  /** Shopify's own availability (inventory tracking, "continue selling when out of stock"). */
  available_for_sale: boolean;
}

export interface SandboxProduct {
  id: number;
  title: string;
  status: ProductStatus;
  tags: string[];
  variants: SandboxVariant[];
  created_at: string;
  updated_at: string;
}

export interface ProductCatalogState {
  products: SandboxProduct[];
  nextProductId: number;
  nextVariantId: number;
}

// Their own ranges, so they never meet the ids the order store hands to line items. Below 2^53:
// numbers here, strings on the wire (`legacyResourceId`, gids) like every Shopify id.
const FIRST_PRODUCT_ID = 8_100_000_001;
const FIRST_VARIANT_ID = 44_100_000_001;
const DEFAULT_VARIANT_TITLE = 'Default Title';

const variantInput = z.strictObject({
  sku: z.string().trim().nullable(),
  title: z.string().trim().min(1).optional(),
  availableForSale: z.boolean().optional(),
});

/** PUT /sandbox/shopify/products/{sku}: the product holding that SKU, created or changed. */
export const productInput = z.strictObject({
  title: z.string().trim().min(1).optional(),
  status: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED'], { message: 'must be active, draft or archived' }))
    .optional(),
  tags: z.array(z.string().trim().min(1)).optional(),
  /** Shorthand for a one-variant product: whether the variant with the path's SKU is for sale. */
  availableForSale: z.boolean().optional(),
  /** Every variant of the product (replaces them); must include the path's SKU. Omitted: one variant with it. */
  variants: z.array(variantInput).min(1).max(100).optional(),
});
export type ProductInput = z.infer<typeof productInput>;

export class ProductInputError extends Error {}

export class ProductCatalog {
  private products: SandboxProduct[] = [];
  private nextProductId = FIRST_PRODUCT_ID;
  private nextVariantId = FIRST_VARIANT_ID;

  constructor() {
    this.reset();
  }

  /** Back to the demo wines (Shopify's view of them: the sold-out magnum is not for sale either). */
  reset(): void {
    this.products = [];
    for (const wine of DEMO_CATALOGUE) {
      this.put(wine.sku, { title: wine.name, availableForSale: wine.inventory > 0 });
    }
  }

  all(): SandboxProduct[] {
    return this.products;
  }

  holding(sku: string): SandboxProduct | undefined {
    return this.products.find((p) => p.variants.some((v) => v.sku === sku));
  }

  put(sku: string, input: ProductInput): { product: SandboxProduct; created: boolean } {
    const now = new Date().toISOString();
    const existing = this.holding(sku);
    const wanted = input.variants ?? [{ sku, title: undefined, availableForSale: input.availableForSale }];
    if (!wanted.some((v) => v.sku === sku)) throw new ProductInputError(`variants must include the SKU in the path (${sku})`);
    const variants = wanted.map((v): SandboxVariant => {
      const before = existing?.variants.find((old) => v.sku !== null && old.sku === v.sku);
      return {
        id: before?.id ?? this.nextVariantId++,
        title: v.title ?? before?.title ?? (wanted.length === 1 ? DEFAULT_VARIANT_TITLE : (v.sku ?? 'Variant')),
        sku: v.sku || null,
        available_for_sale: v.availableForSale ?? (v.sku === sku ? input.availableForSale : undefined) ?? before?.available_for_sale ?? true,
      };
    });
    if (existing) {
      Object.assign(existing, {
        title: input.title ?? existing.title,
        status: input.status ?? existing.status,
        tags: input.tags ?? existing.tags,
        variants,
        updated_at: now,
      });
      return { product: existing, created: false };
    }
    const product: SandboxProduct = {
      id: this.nextProductId++,
      title: input.title ?? sku,
      status: input.status ?? 'ACTIVE',
      tags: input.tags ?? [],
      variants,
      created_at: now,
      updated_at: now,
    };
    this.products.push(product);
    return { product, created: true };
  }

  remove(sku: string): boolean {
    const product = this.holding(sku);
    if (!product) return false;
    this.products = this.products.filter((p) => p !== product);
    return true;
  }

  exportState(): ProductCatalogState {
    return structuredClone({ products: this.products, nextProductId: this.nextProductId, nextVariantId: this.nextVariantId });
  }

  importState(state: ProductCatalogState): void {
    this.products = structuredClone(state.products);
    this.nextProductId = state.nextProductId;
    this.nextVariantId = state.nextVariantId;
  }

  /** The Admin GraphQL root fields `products` and `product`. */
  resolvers() {
    return {
      products: (args: { first?: number | null; after?: string | null; query?: string | null; reverse: boolean }) => {
        const filters = parseProductSearch(args.query);
        const matching = this.products.filter((p) => filters.every((matches) => matches(p)));
        const page = paginate(matching, (p) => [p.id, String(p.id)], args, args.reverse);
        return { ...page, nodes: page.nodes.map(productView) };
      },
      product: ({ id }: { id: string }) => {
        const legacy = parseGid(id, 'Product');
        const product = legacy === null ? undefined : this.products.find((p) => String(p.id) === legacy);
        return product ? productView(product) : null;
      },
    };
  }
}

export function productView(p: SandboxProduct) {
  return {
    __typename: 'Product',
    id: gid('Product', String(p.id)),
    legacyResourceId: String(p.id),
    title: p.title,
    status: p.status,
    tags: p.tags,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    variants: (args: { first?: number | null; after?: string | null }) => {
      const page = paginate(p.variants, (v) => [v.id, String(v.id)], args);
      return {
        ...page,
        nodes: page.nodes.map((v) => ({
          __typename: 'ProductVariant',
          id: gid('ProductVariant', String(v.id)),
          legacyResourceId: String(v.id),
          title: v.title,
          sku: v.sku,
          availableForSale: v.available_for_sale,
        })),
      };
    },
  };
}

const STATUS_TERM = /^status:'?([a-z_]+)'?$/i;

/** Shopify's product search, as far as cellarhand uses it: `status:active` (also draft, archived). */
function parseProductSearch(query: string | null | undefined): ((p: SandboxProduct) => boolean)[] {
  const terms = (query ?? '').split(/\s+/).filter((t) => t && t !== 'AND');
  return terms.map((term) => {
    const match = STATUS_TERM.exec(term);
    if (!match)
      throw new GraphQLError(`The sandbox supports only status:<active|draft|archived> filters on products, not "${term}"`, {
        extensions: { code: 'BAD_REQUEST' },
      });
    const status = match[1].toUpperCase();
    return (p) => p.status === status;
  });
}
