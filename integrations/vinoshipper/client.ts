// Typed HTTP client for Vinoshipper's producer API (`{host}/api/v3/p`). It moves requests and
// answers; classify.ts decides what an answer means. Every failure leaves as a VinoshipperError.
import { observeCall, type CallObserver, type CallOutcome } from '../call-observer';
import type { CallPacer } from '../call-pacer';
import { VinoshipperError, networkFailure, readAnswer, type VinoshipperErrorKind } from './classify';
import { productIdentity, readProductPage } from './product-pages';
import { orderSchema, productPageSchema, type VinoshipperOrder, type VinoshipperOrderRequest, type VinoshipperProduct } from './types';

export interface VinoshipperClientOptions {
  /** e.g. https://vinoshipper.com/api/v3/p (no trailing slash needed). */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
  /** Told about every call (metrics). */
  observer?: CallObserver;
  /** Spaces this process's calls at the deployment's budget (the worker's clients). */
  pacer?: CallPacer;
}

type Method = 'GET' | 'PUT' | 'POST';

/** Products asked for per page; a shorter page is the last (unless the answer says otherwise). */
export const PRODUCTS_PAGE_SIZE = 25;
/** A list that never ends is a misunderstanding of the API, not a catalogue: stop and say so. */
const MAX_PRODUCT_PAGES = 400;

export class VinoshipperClient {
  private readonly apiUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly observer?: CallObserver;
  private readonly pacer?: CallPacer;

  constructor(opts: VinoshipperClientOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs;
    this.observer = opts.observer;
    this.pacer = opts.pacer;
  }

  /**
   * The producer's whole catalogue. The path is UNCONFIRMED (only `GET /products/{id}` appears in
   * third-party code), and so is its paging: this asks for `limit`/`offset` pages and follows a next
   * link, a total or a has-more flag when the answer has one; a bare array shorter than a page is the
   * end, and so is a page with nothing new (a server that ignores the offset).
   */
  async listProducts(): Promise<VinoshipperProduct[]> {
    const products: VinoshipperProduct[] = [];
    const seen = new Set<string>();
    let offset = 0;
    let target = productsPath(0);
    for (let pages = 1; ; pages++) {
      if (pages > MAX_PRODUCT_PAGES) {
        throw new VinoshipperError('configuration', `Vinoshipper's product list did not end after ${MAX_PRODUCT_PAGES} pages`, { code: 'ENDLESS_LIST' });
      }
      // Each page is one call for the metrics.
      const page = await this.observed('GET /products', async () => {
        const { operation, status, text } = await this.send('GET', target);
        return readProductPage(readAnswer(operation, status, text, productPageSchema, 'configuration'));
      });
      const fresh = page.items.filter((p) => {
        const id = productIdentity(p);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      products.push(...fresh);
      offset += page.items.length;
      if (!fresh.length || page.more === false) break;
      if (page.nextLink) {
        target = this.sameOrigin(page.nextLink);
        continue;
      }
      if (page.total !== null ? offset >= page.total : page.more !== true && page.items.length < PRODUCTS_PAGE_SIZE) break;
      target = productsPath(offset);
    }
    return products;
  }

  /** Creates or updates the order under our own number: the documented idempotent re-submission. */
  async upsertOrder(orderNumber: string, body: VinoshipperOrderRequest): Promise<VinoshipperOrder> {
    return this.observed('PUT /orders/{number}', async () => {
      const { operation, status, text } = await this.send('PUT', orderPath(orderNumber), body);
      return readAnswer(operation, status, text, orderSchema, 'configuration');
    });
  }

  /** null when Vinoshipper has no such order. Path from third-party code (UNCONFIRMED). */
  async getOrder(orderNumber: string): Promise<VinoshipperOrder | null> {
    return this.observed('GET /orders/{number}', async () => {
      const { operation, status, text } = await this.send('GET', orderPath(orderNumber));
      if (status === 404) return null;
      return readAnswer(operation, status, text, orderSchema);
    });
  }

  /** Cancels a not-yet-shipped order. Path from third-party code (UNCONFIRMED). */
  async cancelOrder(orderNumber: string): Promise<VinoshipperOrder> {
    return this.observed('POST /orders/{number}/cancel', async () => {
      const { operation, status, text } = await this.send('POST', `${orderPath(orderNumber)}/cancel`);
      return readAnswer(operation, status, text, orderSchema);
    });
  }

  /** `operation`: the route without the order number, so metrics stay few. */
  private observed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return observeCall(this.observer, { system: 'vinoshipper', operation }, run, (result) =>
      'error' in result ? outcomeOf(result.error) : result.value === null ? 'not_found' : 'ok',
    );
  }

  /** A next link, as an absolute URL on the API's own origin: credentials never go to another host. */
  private sameOrigin(link: string): string {
    const url = new URL(link, `${this.apiUrl}/`);
    if (url.origin !== new URL(this.apiUrl).origin) {
      throw new VinoshipperError('configuration', `Vinoshipper's product list links to another host (${url.origin}); not following it`, {
        code: 'FOREIGN_LINK',
      });
    }
    return url.href;
  }

  /** `path` below the API URL, or an absolute URL on its origin (a next link). */
  private async send(method: Method, path: string, body?: unknown): Promise<{ operation: string; status: number; text: string }> {
    const url = /^https?:\/\//.test(path) ? path : `${this.apiUrl}${path}`;
    const operation = `${method} ${decodeURIComponent(url.startsWith(this.apiUrl) ? url.slice(this.apiUrl.length) : url)}`;
    // Before the timeout starts: waiting for our turn is not Vinoshipper being slow.
    await this.pacer?.turn();
    try {
      const res = await fetch(url, {
        method,
        headers: {
          Authorization: this.authorization,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Covers the body too: a stalled download is a timeout, not a hang.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { operation, status: res.status, text: await res.text() };
    } catch (err) {
      throw networkFailure(operation, err, this.timeoutMs);
    }
  }
}

const OUTCOMES: Record<VinoshipperErrorKind, CallOutcome> = {
  transient: 'unavailable',
  rejected: 'rejected',
  configuration: 'configuration',
  not_found: 'not_found',
  conflict: 'conflict',
};

function outcomeOf(err: unknown): CallOutcome {
  return err instanceof VinoshipperError ? OUTCOMES[err.kind] : 'unavailable';
}

function productsPath(offset: number): string {
  return `/products?limit=${PRODUCTS_PAGE_SIZE}&offset=${offset}`;
}

function orderPath(orderNumber: string): string {
  return `/orders/${encodeURIComponent(orderNumber)}`;
}
