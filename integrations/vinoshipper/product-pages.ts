// Reading one page of Vinoshipper's product list, whatever shape it takes (the list's paging is
// UNCONFIRMED): the products, and whether and where more follow.
import { PRODUCT_LIST_KEYS, type VinoshipperProduct, type VinoshipperProductPage } from './types';
import { productSku } from './classify';

export interface ProductPage {
  items: VinoshipperProduct[];
  /** A next link the answer gave (absolute or relative to the API URL). */
  nextLink: string | null;
  /** The answer said whether more follow; null when it did not say. */
  more: boolean | null;
  /** The total the answer gave, if any. */
  total: number | null;
}

export function readProductPage(answer: VinoshipperProductPage): ProductPage {
  if (Array.isArray(answer)) return { items: answer, nextLink: null, more: null, total: null };
  const key = PRODUCT_LIST_KEYS.find((k) => Array.isArray(answer[k]));
  const nextLink = answer.links?.next ?? answer.next ?? (typeof answer.nextPage === 'string' ? answer.nextPage : null);
  const more = typeof answer.hasMore === 'boolean' ? answer.hasMore : typeof answer.last === 'boolean' ? !answer.last : null;
  return { items: (key && answer[key]) || [], nextLink: nextLink || null, more, total: answer.total ?? answer.totalCount ?? answer.totalElements ?? null };
}

/** What identifies a product across pages (a server that ignores the offset repeats its first page). */
export function productIdentity(product: VinoshipperProduct): string {
  if (product.id != null) return `id:${product.id}`;
  return `sku:${productSku(product) ?? JSON.stringify(product)}`;
}
