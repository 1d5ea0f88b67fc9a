// Shared by the vinoshipper-*.test.ts files: a Shopify order snapshot, and the real sandbox served
// over a real socket on an ephemeral port with the real client pointed at it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { OrderAddress, OrderSnapshot } from '../../domain/order';
import { VinoshipperClient, type VinoshipperClientOptions } from '../../integrations/vinoshipper/client';
import { toVinoshipperOrder } from '../../integrations/vinoshipper/mapping';
import type { VinoshipperOrderRequest } from '../../integrations/vinoshipper/types';
import { createVinoshipperSandbox, type VinoshipperSandboxOptions } from '../../sandbox/vinoshipper';

export const API_KEY = '1001.abcdef';
export const API_SECRET = 'sandbox-secret-do-not-leak';

export const shippingAddress: OrderAddress = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: null,
  address1: '1 Vine St',
  address2: 'Apt 2',
  city: 'Napa',
  provinceCode: 'CA',
  zip: '94558',
  countryCode: 'US',
  phone: '+17075550100',
};

export function orderSnapshot(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    shopifyOrderId: '5001',
    name: '#1001',
    orderNumber: 1001,
    createdAt: '2025-03-01T10:00:00Z',
    processedAt: '2025-03-01T10:00:00Z',
    updatedAt: '2025-03-01T10:00:00Z',
    cancelledAt: null,
    financialStatus: 'paid',
    fulfillmentStatus: null,
    email: 'ada@example.com',
    phone: null,
    customer: { firstName: 'Ada', lastName: 'Lovelace' },
    shippingAddress,
    billingAddress: { ...shippingAddress, address1: '9 Bill Rd', address2: null, city: 'Sonoma', zip: '95476', phone: null },
    lineItems: [{ id: '11', sku: 'CAB-2021-750', title: 'Estate Cabernet Sauvignon 2021', quantity: 2, price: '42.00' }],
    noteAttributes: [{ name: 'date_of_birth', value: '1985-12-10' }],
    tags: [],
    currency: 'USD',
    totalPrice: '95.40',
    subtotalPrice: '84.00',
    totalTax: '6.40',
    totalShipping: '5.00',
    ...overrides,
  };
}

export interface RunningSandbox {
  base: string;
  apiUrl: string;
  client(overrides?: Partial<Pick<VinoshipperClientOptions, 'apiUrl' | 'apiSecret' | 'timeoutMs' | 'pacer'>>): VinoshipperClient;
  /** A control-route call: JSON in, status and parsed JSON (or text) out. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Serves the sandbox as the lead mounts it, plus two misbehaving "APIs" for the answers the
 * sandbox never gives: `/html` (a proxy's HTML page) and `/odd` (JSON of the wrong shape).
 */
export async function startSandbox(opts: Partial<VinoshipperSandboxOptions> = {}): Promise<RunningSandbox> {
  const sandbox = createVinoshipperSandbox({ apiKey: API_KEY, apiSecret: API_SECRET, publicBaseUrl: 'http://sandbox.test', ...opts });
  const app = express();
  app.use('/vinoshipper/api/v3/p', sandbox.api);
  app.use('/sandbox/vinoshipper', sandbox.control);
  app.use('/html', (_req, res) => void res.status(200).type('html').send('<html><body>Just a moment...</body></html>'));
  app.use('/odd', (_req, res) => void res.status(200).json({ unexpected: true }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiUrl = `${base}/vinoshipper/api/v3/p`;

  return {
    base,
    apiUrl,
    client: (overrides = {}) => new VinoshipperClient({ apiUrl, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: 2_000, ...overrides }),
    async control(method, path, body) {
      const res = await fetch(`${base}/sandbox/vinoshipper${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // an HTML page: keep the text
      }
      return { status: res.status, body: parsed };
    },
    reset: () => sandbox.reset(),
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The Vinoshipper request cellarhand would send for a snapshot, under the given order number. */
export function requestFor(number: string, overrides: Partial<OrderSnapshot> = {}): VinoshipperOrderRequest {
  return toVinoshipperOrder(orderSnapshot(overrides), {
    vinoshipperOrderNumber: number,
    dateOfBirthAttribute: 'date_of_birth',
    shippingRate: { carrier: 'UPS', rateCode: '03' },
  });
}
