// Shopify ids are unsigned 64-bit integers: above 2^53 a JavaScript number cannot hold them (Shopify's
// own example payloads use 18-digit ids), so cellarhand keeps every id as its decimal string, from
// the webhook body to the workflow id, the ops API and the GraphQL gid.
import { isInteger, isSafeNumber, parse } from 'lossless-json';

/** The shape (for schemas and OpenAPI); isShopifyId also checks the 64-bit bound. */
export const SHOPIFY_ID_DIGITS = /^[1-9]\d{0,19}$/;
const MAX_ID = 2n ** 64n - 1n;

/** A positive 64-bit integer in decimal, without leading zeros: the one spelling of each id. */
export function isShopifyId(value: string): boolean {
  return SHOPIFY_ID_DIGITS.test(value) && BigInt(value) <= MAX_ID;
}

/**
 * JSON.parse, except that an integer a double cannot hold exactly stays a digit string instead of
 * being rounded. Shopify's REST JSON (webhooks) writes ids as numbers. Throws SyntaxError like JSON.parse.
 */
export function parseShopifyJson(text: string): unknown {
  return parse(text, null, (value) => (isInteger(value) && !isSafeNumber(value) ? value : Number(value)));
}
