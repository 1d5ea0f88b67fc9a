// The Admin GraphQL documents that read the shop's catalogue for the catalogue check: active
// products with their variants' SKUs, paged, and the rest of a product's variants when it has more
// than one page of them. The sandbox's schema (sandbox/shopify-schema.ts) implements these fields.
import type { ShopifyCatalogVariant } from '../../domain/catalog-check';
import type { PageInfo } from './order-graphql';

/**
 * 20 products × 40 variants: a requested cost of about 860 points, under Shopify's 1000-point cap
 * on one query. Wine shops have a few variants per product; more are read per product.
 */
export const PRODUCTS_PER_PAGE = 20;
const VARIANTS_PER_PRODUCT = 40;

const VARIANT_FIELDS = 'id legacyResourceId title sku availableForSale';

export const ACTIVE_PRODUCTS = `#graphql
  query CatalogProducts($after: String) {
    products(first: ${PRODUCTS_PER_PAGE}, after: $after, query: "status:active") {
      nodes {
        legacyResourceId title status tags
        variants(first: ${VARIANTS_PER_PRODUCT}) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const PRODUCT_VARIANTS = `#graphql
  query CatalogProductVariants($id: ID!, $after: String) {
    product(id: $id) {
      variants(first: 100, after: $after) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
  }
`;

export interface GraphqlVariant {
  id: string;
  legacyResourceId: string;
  title: string;
  sku: string | null;
  availableForSale: boolean;
}

export interface GraphqlProduct {
  legacyResourceId: string;
  title: string;
  status: string;
  tags: string[];
  variants: { nodes: GraphqlVariant[]; pageInfo: PageInfo };
}

export interface ActiveProductsData {
  products: { nodes: GraphqlProduct[]; pageInfo: PageInfo };
}

export interface ProductVariantsData {
  product: { variants: { nodes: GraphqlVariant[]; pageInfo: PageInfo } } | null;
}

export function productGid(productId: string): string {
  return `gid://shopify/Product/${productId}`;
}

/** One variant per line, as the catalogue check compares them; an empty SKU is no SKU. */
export function toCatalogVariants(product: GraphqlProduct, variants: GraphqlVariant[]): ShopifyCatalogVariant[] {
  return variants.map((v) => ({
    productId: product.legacyResourceId,
    productTitle: product.title,
    productStatus: product.status,
    productTags: product.tags,
    variantId: v.legacyResourceId,
    variantTitle: v.title,
    sku: v.sku?.trim() ? v.sku : null,
    availableForSale: v.availableForSale,
  }));
}
