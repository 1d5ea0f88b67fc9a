// Every judgement about what Vinoshipper answered lives here: which failures are worth retrying,
// which refusals are the merchant's to fix (and under which issue type), and what an order's
// status and problems mean in our vocabulary. The client only moves bytes.
import type { CatalogCheck } from '../../domain/activities';
import type { IssueType, OrderProblem, OrderSnapshot, VinoshipperOrderState, VinoshipperOrderView } from '../../domain/order';
import { errorBodySchema, type VinoshipperErrorBody, type VinoshipperOrder, type VinoshipperProduct, type VinoshipperRejection } from './types';
import type { z } from 'zod';

// ---- Errors -----------------------------------------------------------------------------------

/**
 * transient: retry (network, timeout, 429, 5xx, garbled answer). rejected: the order itself is
 * refused; the merchant fixes it. configuration: our key/secret/URL is wrong; retrying cannot help.
 * not_found / conflict: the order is missing, or past the point where it can be changed.
 */
export type VinoshipperErrorKind = 'transient' | 'rejected' | 'configuration' | 'not_found' | 'conflict';

/** The only error the client throws. Messages name the operation and order number, never credentials. */
export class VinoshipperError extends Error {
  override readonly name = 'VinoshipperError';
  readonly status: number | null;
  readonly code: string | null;
  readonly details: VinoshipperRejection[];

  constructor(
    readonly kind: VinoshipperErrorKind,
    message: string,
    init: { status?: number | null; code?: string | null; details?: VinoshipperRejection[] } = {},
  ) {
    super(message);
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.details = init.details ?? [];
  }
}

export function isTransient(err: unknown): boolean {
  return err instanceof VinoshipperError && err.kind === 'transient';
}

/** fetch itself failed: the connection, or our AbortSignal.timeout. */
export function networkFailure(operation: string, err: unknown, timeoutMs: number): VinoshipperError {
  // Duck-typed, not instanceof: fetch's DOMException may come from another realm (e.g. under jest).
  const { name, cause } = (err ?? {}) as { name?: unknown; cause?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new VinoshipperError('transient', `Vinoshipper did not answer ${operation} within ${timeoutMs} ms`, { code: 'TIMEOUT' });
  }
  const origin = (cause ?? err ?? {}) as { code?: unknown; message?: unknown };
  const reason = origin.code ?? origin.message ?? 'unknown error';
  return new VinoshipperError('transient', `No answer from Vinoshipper to ${operation} (${String(reason)})`, {
    code: 'NETWORK_ERROR',
  });
}

/**
 * Turns an HTTP answer into the parsed body, or throws. `missingMeans` says what a 404 is: a
 * missing order, or (on routes that always exist, such as PUT /orders/{n}) a wrong API URL.
 */
export function readAnswer<T>(
  operation: string,
  status: number,
  text: string,
  schema: z.ZodType<T>,
  missingMeans: 'not_found' | 'configuration' = 'not_found',
): T {
  if (status < 200 || status > 299) throw statusFailure(operation, status, text, missingMeans);
  const json = parseJson(text);
  if (json === undefined) throw invalidAnswer(operation, status, 'a body that is not JSON');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw invalidAnswer(operation, status, `a body of an unexpected shape (at ${where})`);
  }
  return parsed.data;
}

// A proxy's HTML page or a half-written body: most likely passing, and nothing the merchant can fix.
function invalidAnswer(operation: string, status: number, what: string): VinoshipperError {
  return new VinoshipperError('transient', `Vinoshipper answered ${operation} (${status}) with ${what}`, {
    status,
    code: 'INVALID_RESPONSE',
  });
}

function statusFailure(operation: string, status: number, text: string, missingMeans: 'not_found' | 'configuration'): VinoshipperError {
  const body = errorBody(text);
  const details = rejectionsOf(body);
  const said =
    details
      .map((d) => d.message)
      .filter(Boolean)
      .join('; ') || 'no reason given';
  const init = { status, code: body?.code ?? details.find((d) => d.code)?.code ?? null, details };
  const kind = kindOfStatus(status, missingMeans);
  return new VinoshipperError(kind, `Vinoshipper answered ${status} to ${operation}${configurationHint(kind, status)}: ${said}`, init);
}

/** Points whoever reads the alert at the setting to fix. */
function configurationHint(kind: VinoshipperErrorKind, status: number): string {
  if (kind !== 'configuration') return '';
  if (status === 401 || status === 403) return ' (check VINOSHIPPER_API_KEY and VINOSHIPPER_API_SECRET)';
  if (status === 404) return ' (check VINOSHIPPER_API_URL)';
  return '';
}

function kindOfStatus(status: number, missingMeans: 'not_found' | 'configuration'): VinoshipperErrorKind {
  if (status >= 500 || status === 408 || status === 425 || status === 429) return 'transient';
  if (status === 400 || status === 422) return 'rejected';
  if (status === 404) return missingMeans;
  if (status === 409) return 'conflict';
  // 401/403 and any other 4xx: the request we build is wrong; only a person can fix it.
  if (status >= 400) return 'configuration';
  return 'transient';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorBody(text: string): VinoshipperErrorBody | null {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

function rejectionsOf(body: VinoshipperErrorBody | null): VinoshipperRejection[] {
  if (!body) return [];
  const entries = body.errors?.length ? body.errors : [{ code: body.code, message: body.message ?? body.error }];
  return entries.map(toRejection).filter((r) => r.code || r.message || r.productId);
}

function toRejection(entry: unknown): VinoshipperRejection {
  const o: Record<string, unknown> =
    typeof entry === 'string' ? { message: entry } : entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
  const message = asText(o.message ?? o.description ?? o.error);
  return {
    code: asText(o.code),
    type: asText(o.type),
    message: message === null ? null : vendorText(message),
    field: asText(o.field ?? o.path),
    productId: asText(o.productId ?? o.sku),
    requested: typeof o.requested === 'number' ? o.requested : null,
    available: typeof o.available === 'number' ? o.available : null,
  };
}

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.join('.');
  return null;
}

/** Vinoshipper's own words go into emails and logs: drop email addresses and cap the length. */
function vendorText(text: string): string {
  const cleaned = text.replace(/[^\s@<>"']+@[^\s@<>"']+/g, '[email]').trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 297)}...` : cleaned;
}

// ---- Refusals of PUT /orders/{n} --------------------------------------------------------------

/**
 * A `rejected` error in the merchant's terms. Details are plain text, one problem per line.
 * `causeKey`: the SKUs of a product or inventory refusal (what groups orders with the same cause).
 * `vague`: Vinoshipper gave no reason we recognise (then the catalogue may help name it).
 */
export function classifyRejection(err: VinoshipperError): { issueType: IssueType; details: string; causeKey: string | null; vague: boolean } {
  const missing = err.details.filter((d) => d.code === 'PRODUCT_NOT_FOUND');
  if (missing.length) {
    return {
      issueType: 'product_missing',
      details: lines(missing.map((d) => `SKU ${d.productId ?? '(not named)'} is not in Vinoshipper`)),
      causeKey: skuKey(missing.map((d) => d.productId)),
      vague: false,
    };
  }
  const short = err.details.filter((d) => d.code === 'INSUFFICIENT_INVENTORY');
  if (short.length) {
    return {
      issueType: 'inventory_unavailable',
      details: lines(short.map((d) => `SKU ${d.productId ?? '(not named)'}: ordered ${d.requested ?? '?'}, available ${d.available ?? '?'}`)),
      causeKey: skuKey(short.map((d) => d.productId)),
      vague: false,
    };
  }
  const kinds = err.details.map(rejectionIssue);
  const known = REJECTION_PRECEDENCE.find((t) => kinds.includes(t));
  const said = err.details.map((d) => [d.field, d.message ?? d.code].filter(Boolean).join(': '));
  return {
    issueType: known ?? 'order_item_issue',
    details: lines(said.length ? said : [`Vinoshipper refused the order (HTTP ${err.status ?? '?'}) without giving a reason`]),
    causeKey: null,
    vague: !known && !err.details.some((d) => knownType(d.type) ?? knownType(d.code)),
  };
}

/** SKUs as one cause key: sorted, distinct, comma-separated; null when none is named. */
export function skuKey(skus: Array<string | null | undefined>): string | null {
  const named = [...new Set(skus.filter((s): s is string => !!s))].sort();
  return named.length ? named.join(',') : null;
}

// When one refusal mixes reasons, raise the one whose fix matters most.
const REJECTION_PRECEDENCE: IssueType[] = ['compliance_failed', 'customer_verification_failed', 'invalid_address'];

function rejectionIssue(d: VinoshipperRejection): IssueType {
  // A field error on an address is fixed by correcting the address in Shopify.
  if (d.field && /^(shipToAddress|customer\.address)(\.|$)/.test(d.field)) return 'invalid_address';
  return knownType(d.type) ?? knownType(d.code) ?? 'order_item_issue';
}

// ---- Catalogue check before submitting --------------------------------------------------------

/**
 * The order's SKUs against Vinoshipper's products: every missing SKU, else every short one. Advisory
 * only (the catalogue endpoint is UNCONFIRMED): it names what a vague refusal of the order did not.
 */
export function checkCatalog(snapshot: OrderSnapshot, products: VinoshipperProduct[]): CatalogCheck {
  const ordered = new Map<string, number>();
  const missing: string[] = [];
  for (const item of snapshot.lineItems) {
    if (item.quantity <= 0) continue; // removed by an order edit
    const sku = item.sku?.trim();
    if (!sku) missing.push(`"${item.title}" has no SKU, so it cannot be matched to a Vinoshipper product`);
    else ordered.set(sku, (ordered.get(sku) ?? 0) + item.quantity);
  }
  const bySku = new Map<string, VinoshipperProduct>();
  for (const p of products) {
    const sku = productSku(p);
    if (sku && !bySku.has(sku)) bySku.set(sku, p);
  }
  const short: string[] = [];
  const missingSkus: string[] = [];
  const shortSkus: string[] = [];
  for (const [sku, quantity] of ordered) {
    const product = bySku.get(sku);
    if (!product) {
      missing.push(`SKU ${sku} is not in Vinoshipper`);
      missingSkus.push(sku);
      continue;
    }
    const available = availableOf(product);
    if (available !== null && available < quantity) {
      short.push(`SKU ${sku}: ordered ${quantity}, available ${available}`);
      shortSkus.push(sku);
    }
  }
  if (missing.length) return { ok: false, issueType: 'product_missing', details: lines(missing), skus: missingSkus };
  if (short.length) return { ok: false, issueType: 'inventory_unavailable', details: lines(short), skus: shortSkus };
  return { ok: true };
}

/** A product's SKU: its detail's, else its summary's. */
export function productSku(product: VinoshipperProduct): string | undefined {
  return product.detail?.sku ?? product.summary?.sku ?? undefined;
}

/** null when Vinoshipper does not say (untracked inventory): then only the PUT can tell. */
export function availableOf(product: VinoshipperProduct): number | null {
  if (product.inventory?.soldOut) return 0;
  const amount = product.inventory?.amount;
  return typeof amount === 'number' ? Math.max(0, amount) : null;
}

// ---- Order answers ----------------------------------------------------------------------------

export function toOrderView(order: VinoshipperOrder): VinoshipperOrderView {
  const problems = (order.orderProblems ?? []).map(classifyProblem);
  if (order.isCompliant === false && !problems.some((p) => p.issueType === 'compliance_failed')) {
    problems.push({ issueType: 'compliance_failed', code: null, message: 'Vinoshipper marked the order non-compliant' });
  }
  if (order.ageVerification?.verified === false && !problems.some((p) => p.issueType === 'customer_verification_failed')) {
    problems.push({ issueType: 'customer_verification_failed', code: null, message: 'Vinoshipper could not verify the customer’s age or identity' });
  }
  const trackingNumbers = (order.shipping?.packages ?? []).map((p) => p.trackingNumber).filter((t): t is string => !!t);
  return {
    orderNumber: order.orderNumber,
    state: stateOf(order, trackingNumbers),
    problems,
    isCompliant: order.isCompliant ?? null,
    idScanUrl: order.ageVerification?.idScanUrl ?? null,
    trackingNumbers,
    carrier: order.shipping?.carrier ?? null,
    shipToStateCode: order.shipToAddress?.stateCode ?? null,
  };
}

// The status enums are UNCONFIRMED: accept the spellings seen or plausible, default to pending.
function stateOf(order: VinoshipperOrder, trackingNumbers: string[]): VinoshipperOrderState {
  const status = normal(order.status);
  const orderStatus = normal(order.orderStatus);
  const cancelled = ['CANCELLED', 'CANCELED'];
  if (order.canceledAt || cancelled.includes(status) || cancelled.includes(orderStatus)) return 'cancelled';
  if (order.shippedAt || trackingNumbers.length) return 'shipped';
  if (['APPROVED', 'ACCEPTED'].includes(status) || ['APPROVED', 'ACCEPTED', 'PROCESSING'].includes(orderStatus)) return 'accepted';
  return 'pending';
}

const PROBLEM_TYPES: Record<string, IssueType> = {
  COMPLIANCE_VIOLATION: 'compliance_failed', // the only documented type
  CUSTOMER_VERIFICATION: 'customer_verification_failed',
  AGE_VERIFICATION: 'customer_verification_failed',
  INVALID_ADDRESS: 'invalid_address',
  ADDRESS: 'invalid_address',
  ORDER_ITEM: 'order_item_issue',
  PRODUCT: 'order_item_issue',
  INVENTORY: 'order_item_issue',
};

// For types we have never seen. Order matters: "address could not be verified" is a verification
// failure (the seed lists the address among what verification checks).
const PROBLEM_KEYWORDS: Array<[RegExp, IssueType]> = [
  [/\bage\b|birth|identity|verif/i, 'customer_verification_failed'],
  [/address|\bzip|street|\bp\.?\s?o\.?\s?box/i, 'invalid_address'],
  [/complian|\bstates?\b|prohibit/i, 'compliance_failed'],
];

/** One `orderProblems[]` entry in our vocabulary. Never throws: an unknown problem is still shown. */
export function classifyProblem(p: { code?: string | null; type?: string | null; description?: string | null }): OrderProblem {
  const code = p.code ?? p.type ?? null;
  const description = p.description ? vendorText(p.description) : null;
  const known = knownType(p.type) ?? knownType(p.code) ?? PROBLEM_KEYWORDS.find(([re]) => description && re.test(description))?.[1];
  if (known) return { issueType: known, code, message: description ?? `Vinoshipper reported ${code ?? 'a problem'} without a description` };
  return {
    issueType: 'order_item_issue',
    code,
    message: `Unrecognised Vinoshipper problem (${p.type ?? p.code ?? 'no type'}): ${description ?? 'no description given'}`,
  };
}

function knownType(value: string | null | undefined): IssueType | undefined {
  return PROBLEM_TYPES[normal(value)];
}

function normal(value: string | null | undefined): string {
  return (value ?? '')
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
}

function lines(items: string[]): string {
  return items.join('\n');
}
