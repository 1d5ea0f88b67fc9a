// Typed HTTP client for Vinoshipper's producer API (`{host}/api/v3/p`). It moves requests and
// answers; classify.ts decides what an answer means. Every failure leaves as a VinoshipperError.
import { observeCall, type CallObserver, type CallOutcome } from '../call-observer';
import { VinoshipperError, networkFailure, readAnswer, type VinoshipperErrorKind } from './classify';
import { orderSchema, productListSchema, type VinoshipperOrder, type VinoshipperOrderRequest, type VinoshipperProduct } from './types';

export interface VinoshipperClientOptions {
  /** e.g. https://vinoshipper.com/api/v3/p (no trailing slash needed). */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
  /** Told about every call (metrics). */
  observer?: CallObserver;
}

type Method = 'GET' | 'PUT' | 'POST';

export class VinoshipperClient {
  private readonly apiUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly observer?: CallObserver;

  constructor(opts: VinoshipperClientOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs;
    this.observer = opts.observer;
  }

  /**
   * The producer's catalogue. The path is UNCONFIRMED: only `GET /products/{id}` appears in
   * third-party code, and whether the list is paged is unknown.
   */
  async listProducts(): Promise<VinoshipperProduct[]> {
    return this.observed('GET /products', async () => {
      const { operation, status, text } = await this.send('GET', '/products');
      return readAnswer(operation, status, text, productListSchema, 'configuration');
    });
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

  private async send(method: Method, path: string, body?: unknown): Promise<{ operation: string; status: number; text: string }> {
    const operation = `${method} ${decodeURIComponent(path)}`;
    try {
      const res = await fetch(`${this.apiUrl}${path}`, {
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

function orderPath(orderNumber: string): string {
  return `/orders/${encodeURIComponent(orderNumber)}`;
}
