// Drives a running cellarhand stack the way a merchant and the outside world would: through the
// sandbox's control routes (Shopify store, Vinoshipper, Resend) and cellarhand's ops API. HTTP
// only, so the same steps rehearse scenarios against `npm start` and run in the end-to-end tests.
import { vinoshipperOrderNumberFor, type AlertDigestView, type CatalogCheckReport, type IssueType, type OrderStatus, type OrderStatusView } from '../domain';
import type { OrderListing } from '../temporal/order-workflows';

export interface DriverOptions {
  apiUrl: string;
  sandboxUrl: string;
  opsToken: string;
  /** How long `waitFor…` keeps looking before it gives up. */
  timeoutMs?: number;
}

export interface PlacedOrder {
  id: string;
  name: string;
  vinoshipperOrderNumber: string;
}

export interface CapturedEmail {
  id: string;
  to: string[] | string;
  subject: string;
  html: string;
  text: string;
  idempotencyKey: string | null;
}

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** The Vinoshipper number cellarhand gives an order the sandbox store placed (its id and its name, "#1001"). */
export function vinoshipperNumberOfPlaced(prefix: string, placed: { id: string | number; name: string }): string {
  return vinoshipperOrderNumberFor(prefix, { orderNumber: Number(placed.name.replace('#', '')), shopifyOrderId: String(placed.id) });
}

export class StackDriver {
  constructor(private readonly opts: DriverOptions & { orderPrefix?: string }) {}

  // ---- the Shopify store ----
  async placeOrder(order: Record<string, unknown>, { webhook = true } = {}): Promise<PlacedOrder> {
    const created = await this.call<{ id: string; name: string }>(
      'POST',
      `${this.opts.sandboxUrl}/sandbox/shopify/orders${webhook ? '' : '?webhook=false'}`,
      order,
    );
    return { ...created, vinoshipperOrderNumber: vinoshipperNumberOfPlaced(this.opts.orderPrefix ?? 'CH-', created) };
  }
  updateOrder(id: string, changes: Record<string, unknown>) {
    return this.call('PATCH', `${this.opts.sandboxUrl}/sandbox/shopify/orders/${id}`, changes);
  }
  cancelOrderInShopify(id: string) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/shopify/orders/${id}/cancel`, {});
  }
  /** A product of the store (its variants' SKUs are what the catalogue check compares). */
  setShopifyProduct(sku: string, product: { title?: string; status?: string; tags?: string[]; availableForSale?: boolean; variants?: unknown[] }) {
    return this.call<{ id: number }>('PUT', `${this.opts.sandboxUrl}/sandbox/shopify/products/${encodeURIComponent(sku)}`, product);
  }
  deleteShopifyProduct(sku: string) {
    return this.call('DELETE', `${this.opts.sandboxUrl}/sandbox/shopify/products/${encodeURIComponent(sku)}`);
  }
  shopifyOrder(id: string) {
    return this.call<any>('GET', `${this.opts.sandboxUrl}/sandbox/shopify/orders/${id}`);
  }

  // ---- Vinoshipper ----
  vinoshipperOrder(orderNumber: string) {
    return this.call<{ order: any; submissions: number; cancellations: number }>('GET', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
  }
  setProduct(sku: string, product: { name?: string; inventory: number }) {
    return this.call('PUT', `${this.opts.sandboxUrl}/sandbox/vinoshipper/products/${sku}`, product);
  }
  deleteProduct(sku: string) {
    return this.call('DELETE', `${this.opts.sandboxUrl}/sandbox/vinoshipper/products/${sku}`);
  }
  flagOrder(orderNumber: string, type: 'customer_verification' | 'invalid_address' | 'order_item' | 'compliance', message?: string) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}/problems`, { type, message });
  }
  approveOrder(orderNumber: string) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}/approve`, {});
  }
  /** `webhook: false` ships without Vinoshipper's webhook hint (as when the hint is lost). */
  shipOrder(orderNumber: string, trackingNumber: string, { webhook = true } = {}) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}/ship${webhook ? '' : '?webhook=false'}`, { trackingNumber });
  }
  /** The merchant cancels the order in Vinoshipper's dashboard (Vinoshipper sends CANCELLED). */
  cancelInVinoshipper(orderNumber: string) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}/cancel`, {});
  }
  /** The merchant deletes the order in Vinoshipper (Vinoshipper sends DELETED). */
  deleteInVinoshipper(orderNumber: string) {
    return this.call('DELETE', `${this.opts.sandboxUrl}/sandbox/vinoshipper/orders/${orderNumber}`);
  }
  setVinoshipperBehaviour(behaviour: { catalogueEndpoint?: boolean; cancelOnlyAccepted?: boolean }) {
    return this.call('PUT', `${this.opts.sandboxUrl}/sandbox/vinoshipper/behaviour`, behaviour);
  }
  setBlockedStates(blockedStates: string[]) {
    return this.call('PUT', `${this.opts.sandboxUrl}/sandbox/vinoshipper/compliance`, { blockedStates });
  }
  blockedStates() {
    return this.call<{ blockedStates: string[] }>('GET', `${this.opts.sandboxUrl}/sandbox/vinoshipper/compliance`);
  }
  injectVinoshipperFaults(fault: { mode: 'unavailable' | 'timeout' | 'drop_response' | 'mixed' | 'none'; count?: number; rate?: number }) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/vinoshipper/faults`, fault);
  }
  /** Shopify answers the next `count` Admin API calls (of that operation, or of any) but drops the reply; a change is made all the same. */
  injectShopifyFaults(fault: { mode: 'drop_response'; operation: 'refundCreate' | 'fulfillmentCreate' | 'any'; count?: number } | { mode: 'none' }) {
    return this.call('POST', `${this.opts.sandboxUrl}/sandbox/shopify/faults`, fault);
  }

  // ---- Resend ----
  async emails(): Promise<CapturedEmail[]> {
    const body = await this.call<any>('GET', `${this.opts.sandboxUrl}/sandbox/emails`);
    return Array.isArray(body) ? body : body.emails;
  }
  async emailsAbout(orderName: string): Promise<CapturedEmail[]> {
    return (await this.emails()).filter((e) => e.subject.includes(`Order ${orderName}:`));
  }
  /** Emails naming the order: its own (per order, or a group of one) and grouped ones that list it. */
  async emailsNaming(orderName: string): Promise<CapturedEmail[]> {
    return (await this.emails()).filter((e) => e.subject.includes(`Order ${orderName}:`) || e.text.includes(`${orderName}:`));
  }

  // ---- cellarhand's ops API ----
  status(id: string) {
    return this.call<OrderStatusView>('GET', `${this.opts.apiUrl}/api/orders/${id}`, undefined, true);
  }
  async list(filter: { status?: OrderStatus; issueType?: IssueType } = {}): Promise<OrderListing[]> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return (await this.call<{ orders: OrderListing[] }>('GET', `${this.opts.apiUrl}/api/orders${query ? `?${query}` : ''}`, undefined, true)).orders;
  }
  retry(id: string) {
    return this.call('POST', `${this.opts.apiUrl}/api/orders/${id}/retry`, { by: 'rehearsal' }, true);
  }
  refund(id: string, reason: string) {
    return this.call('POST', `${this.opts.apiUrl}/api/orders/${id}/refund`, { reason, by: 'rehearsal' }, true);
  }
  cancel(id: string, reason: string) {
    return this.call('POST', `${this.opts.apiUrl}/api/orders/${id}/cancel`, { reason, by: 'rehearsal' }, true);
  }
  resolve(id: string, note: string) {
    return this.call('POST', `${this.opts.apiUrl}/api/orders/${id}/resolve`, { note, by: 'rehearsal' }, true);
  }

  // ---- grouped alerts and the catalogue check (ops API) ----
  alerts() {
    return this.call<{ mode: string; windowMs: number; running: boolean } & Pick<AlertDigestView, 'groups' | 'recent'>>(
      'GET',
      `${this.opts.apiUrl}/api/alerts`,
      undefined,
      true,
    );
  }
  sendAlertsNow() {
    return this.call<{ requested: boolean }>('POST', `${this.opts.apiUrl}/api/alerts/send-now`, undefined, true);
  }
  /** Runs a catalogue check now and waits up to `waitS` seconds for its report (202 without one if it takes longer). */
  runCatalogCheck(waitS = 30) {
    return this.call<{ report?: CatalogCheckReport; running?: boolean }>('POST', `${this.opts.apiUrl}/api/catalog/check?wait=${waitS}`, undefined, true);
  }
  latestCatalogCheck() {
    return this.call<{ latest: CatalogCheckReport | null; running: { workflowId: string }[] }>('GET', `${this.opts.apiUrl}/api/catalog/check`, undefined, true);
  }

  /** Waits until the order's `status` query satisfies `done`; returns that view. `timeoutMs`: longer than the driver's own, for a wait known to be long. */
  async waitForOrder(id: string, what: string, done: (view: OrderStatusView) => boolean, timeoutMs?: number): Promise<OrderStatusView> {
    return this.poll(
      what,
      async () => {
        const view = await this.status(id).catch(() => null);
        return view && done(view) ? view : null;
      },
      timeoutMs,
    );
  }

  /** Waits until Temporal visibility (through the ops API list) shows the order with this status / issue type. */
  async waitForListing(id: string, status: OrderStatus, issueType?: IssueType): Promise<OrderListing> {
    return this.poll(
      `order ${id} listed as ${status}${issueType ? `/${issueType}` : ''}`,
      async () => (await this.list({ status, issueType })).find((o) => o.shopifyOrderId === id) ?? null,
    );
  }

  async waitForEmail(orderName: string, subjectPart: string): Promise<CapturedEmail> {
    return this.poll(
      `an email about ${orderName} with “${subjectPart}”`,
      async () => (await this.emailsAbout(orderName)).find((e) => e.subject.includes(subjectPart)) ?? null,
    );
  }

  async poll<T>(what: string, probe: () => Promise<T | null>, timeoutMs = this.opts.timeoutMs ?? 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  private async call<T = unknown>(method: string, url: string, body?: unknown, ops = false): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ops) headers.authorization = `Bearer ${this.opts.opsToken}`;
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!res.ok) throw new HttpFailure(res.status, parsed, `${method} ${url}`);
    return parsed as T;
  }
}
