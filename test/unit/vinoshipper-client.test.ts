// The real client against the real sandbox over real HTTP: transport, auth, idempotent upsert,
// refusals and injected faults.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { VinoshipperError, classifyRejection, isTransient, toOrderView } from '../../integrations/vinoshipper/classify';
import { CallPacer } from '../../integrations/call-pacer';
import { API_SECRET, requestFor, startSandbox, type RunningSandbox } from './vinoshipper-fixtures';

let vs: RunningSandbox;
beforeAll(async () => {
  vs = await startSandbox();
});
afterAll(() => vs.stop());
beforeEach(() => vs.reset());

async function failure(promise: Promise<unknown>): Promise<VinoshipperError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof VinoshipperError)) throw new Error(`expected a VinoshipperError, got ${String(err)}`);
  return err;
}

async function inventoryOf(sku: string): Promise<number> {
  const { body } = await vs.control('GET', '/products');
  return body.find((p: { sku: string }) => p.sku === sku).inventory;
}

test('lists the catalogue in Vinoshipper’s product shape', async () => {
  const products = await vs.client().listProducts();
  expect(products).toHaveLength(5);
  expect(products[0]).toEqual({
    id: 1,
    status: 'APPROVED',
    detail: { name: 'Estate Cabernet Sauvignon 2021', sku: 'CAB-2021-750' },
    summary: { name: 'Estate Cabernet Sauvignon 2021', sku: 'CAB-2021-750', hidden: false },
    price: { unitPrice: 42 },
    inventory: { soldOut: false, amount: 120 },
  });
  expect(products.find((p) => p.detail?.sku === 'SYRAH-2019-1500')?.inventory).toEqual({ soldOut: true, amount: 0 });
});

test('a wrong secret is a configuration error that names neither the secret nor the key pair', async () => {
  const err = await failure(vs.client({ apiSecret: 'wrong-secret' }).listProducts());
  expect(err).toMatchObject({ kind: 'configuration', status: 401 });
  expect(isTransient(err)).toBe(false);
  expect(err.message).toContain('VINOSHIPPER_API_SECRET');
  expect(err.message).not.toContain('wrong-secret');
  expect(err.message).not.toContain(API_SECRET);
  expect(await vs.client().getOrder('CH-1')).toBeNull(); // the right pair works
});

test('with a pacer, calls asked for together reach Vinoshipper one interval apart', async () => {
  const client = vs.client({ pacer: new CallPacer(10) });
  const t0 = performance.now();
  const answered: number[] = [];
  await Promise.all(['CH-1', 'CH-2', 'CH-3'].map((n) => client.getOrder(n).then(() => answered.push(performance.now() - t0))));
  answered.sort((a, b) => a - b);
  expect(answered[2]).toBeGreaterThanOrEqual(218); // the third waited two intervals of 110 ms
});

test('the sandbox keeps when each API call arrived, for the benchmark to count against the budget', async () => {
  const before = Date.now();
  await vs.client().getOrder('CH-1');
  await vs.client().getOrder('CH-2');
  const { body } = await vs.control('GET', `/arrivals?since=${before}`);
  expect(body.at).toHaveLength(2);
  expect(body.at[0]).toBeGreaterThanOrEqual(before);
  expect((await vs.control('GET', `/arrivals?since=${Date.now() + 60_000}`)).body.at).toEqual([]);
});

test('PUT twice with the same number is one order submitted twice, reserving stock once', async () => {
  const client = vs.client();
  const first = await client.upsertOrder('CH-1001', requestFor('CH-1001'));
  expect(first).toMatchObject({ orderNumber: 'CH-1001', status: 'PENDING', orderStatus: 'OPEN', isCompliant: true, orderProblems: [] });
  expect(toOrderView(first)).toMatchObject({ state: 'pending', problems: [], shipToStateCode: 'CA', carrier: 'UPS' });

  const second = await client.upsertOrder('CH-1001', requestFor('CH-1001'));
  expect(second.orderNumber).toBe('CH-1001');
  const { body: orders } = await vs.control('GET', '/orders');
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ submissions: 2, cancellations: 0 });
  expect(await inventoryOf('CAB-2021-750')).toBe(118);

  // An update releases the old reservation before taking the new one.
  const more = requestFor('CH-1001', { lineItems: [{ id: '1', sku: 'CAB-2021-750', title: 'Cab', quantity: 5, price: '42.00' }] });
  await client.upsertOrder('CH-1001', more);
  expect(await inventoryOf('CAB-2021-750')).toBe(115);
  expect((await client.getOrder('CH-1001'))?.products).toEqual([{ productId: 'CAB-2021-750', sku: 'CAB-2021-750', quantity: 5, price: 42 }]);
});

test('an unknown SKU is refused with every unknown product named, and nothing is stored', async () => {
  const body = requestFor('CH-1002', {
    lineItems: [
      { id: '1', sku: 'CAB-2021-750', title: 'Cab', quantity: 1, price: '42.00' },
      { id: '2', sku: 'NOPE-1', title: 'Mystery', quantity: 1, price: '10.00' },
    ],
  });
  const err = await failure(vs.client().upsertOrder('CH-1002', body));
  expect(err).toMatchObject({ kind: 'rejected', status: 422, code: 'PRODUCT_NOT_FOUND' });
  expect(classifyRejection(err)).toEqual({ issueType: 'product_missing', details: 'SKU NOPE-1 is not in Vinoshipper', causeKey: 'NOPE-1', vague: false });
  expect(await vs.client().getOrder('CH-1002')).toBeNull();
  expect(await inventoryOf('CAB-2021-750')).toBe(120);
});

test('short inventory is refused with requested and available, and nothing is stored', async () => {
  const body = requestFor('CH-1003', {
    lineItems: [
      { id: '1', sku: 'PINOT-2022-750', title: 'Pinot', quantity: 30, price: '48.00' },
      { id: '2', sku: 'PINOT-2022-750', title: 'Pinot gift', quantity: 10, price: '48.00' },
    ],
  });
  const err = await failure(vs.client().upsertOrder('CH-1003', body));
  expect(err).toMatchObject({ kind: 'rejected', status: 422, code: 'INSUFFICIENT_INVENTORY' });
  expect(classifyRejection(err)).toEqual({
    issueType: 'inventory_unavailable',
    details: 'SKU PINOT-2022-750: ordered 40, available 36',
    causeKey: 'PINOT-2022-750',
    vague: false,
  });
  expect(await vs.client().getOrder('CH-1003')).toBeNull();
});

test('the order’s own reservation counts as available when it is updated', async () => {
  const client = vs.client();
  const all = (quantity: number) => requestFor('CH-1004', { lineItems: [{ id: '1', sku: 'PINOT-2022-750', title: 'Pinot', quantity, price: '48.00' }] });
  await client.upsertOrder('CH-1004', all(36));
  expect(await inventoryOf('PINOT-2022-750')).toBe(0);
  await client.upsertOrder('CH-1004', all(36));
  const err = await failure(
    client.upsertOrder('CH-1005', requestFor('CH-1005', { lineItems: [{ id: '1', sku: 'PINOT-2022-750', title: 'Pinot', quantity: 1, price: '48.00' }] })),
  );
  expect(classifyRejection(err).details).toBe('SKU PINOT-2022-750: ordered 1, available 0');
});

test('a malformed body is a 400 naming the fields, read as an address problem when the address is missing', async () => {
  const err = await failure(vs.client().upsertOrder('CH-1006', requestFor('CH-1006', { shippingAddress: null })));
  expect(err).toMatchObject({ kind: 'rejected', status: 400, code: 'INVALID_FIELD' });
  const { issueType, details } = classifyRejection(err);
  expect(issueType).toBe('invalid_address');
  expect(details).toContain('shipToAddress.street1: is required');
  expect(details).not.toMatch(/Ada|Lovelace|ada@example\.com/);
});

test('an order number is URL-encoded and kept verbatim', async () => {
  const number = 'CH-#1007/a b';
  const order = await vs.client().upsertOrder(number, requestFor(number));
  expect(order.orderNumber).toBe(number);
  expect((await vs.control('GET', `/orders/${encodeURIComponent(number)}`)).body.submissions).toBe(1);
});

test('404: getOrder gives null, cancelling an unknown order is not_found, a wrong API URL is configuration', async () => {
  expect(await vs.client().getOrder('CH-404')).toBeNull();
  expect(await failure(vs.client().cancelOrder('CH-404'))).toMatchObject({ kind: 'not_found', status: 404 });
  const wrongUrl = await failure(vs.client({ apiUrl: `${vs.base}/vinoshipper/api/v2` }).upsertOrder('CH-1', requestFor('CH-1')));
  expect(wrongUrl).toMatchObject({ kind: 'configuration', status: 404 });
});

test('cancel releases stock once; a second cancel and a later update are conflicts', async () => {
  const client = vs.client();
  await client.upsertOrder('CH-1008', requestFor('CH-1008'));
  const cancelled = await client.cancelOrder('CH-1008');
  expect(toOrderView(cancelled).state).toBe('cancelled');
  expect(cancelled.canceledAt).toEqual(expect.any(String));
  expect(await inventoryOf('CAB-2021-750')).toBe(120);

  expect(await failure(client.cancelOrder('CH-1008'))).toMatchObject({ kind: 'conflict', status: 409 });
  expect(await failure(client.upsertOrder('CH-1008', requestFor('CH-1008')))).toMatchObject({ kind: 'conflict', status: 409 });
  expect(await inventoryOf('CAB-2021-750')).toBe(120);
  expect((await vs.control('GET', '/orders/CH-1008')).body).toMatchObject({ submissions: 1, cancellations: 1 });
});

describe('answers that are not Vinoshipper orders', () => {
  test('a 200 HTML page is transient', async () => {
    const err = await failure(vs.client({ apiUrl: `${vs.base}/html` }).getOrder('CH-1'));
    expect(err).toMatchObject({ kind: 'transient', status: 200, code: 'INVALID_RESPONSE' });
    expect(err.message).toBe('Vinoshipper answered GET /orders/CH-1 (200) with a body that is not JSON');
  });

  test('JSON of the wrong shape is transient', async () => {
    expect(await failure(vs.client({ apiUrl: `${vs.base}/odd` }).listProducts())).toMatchObject({ kind: 'transient', code: 'INVALID_RESPONSE' });
  });

  test('a refused connection is transient, never a raw fetch error', async () => {
    const closed = express().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const err = await failure(vs.client({ apiUrl: `http://127.0.0.1:${port}` }).listProducts());
    expect(err).toMatchObject({ kind: 'transient', code: 'NETWORK_ERROR', status: null });
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('injected faults', () => {
  test('unavailable: the next call gets a 503, the one after succeeds', async () => {
    expect((await vs.control('POST', '/faults', { mode: 'unavailable' })).body).toMatchObject({ mode: 'unavailable', remaining: 1 });
    const err = await failure(vs.client().listProducts());
    expect(err).toMatchObject({ kind: 'transient', status: 503 });
    expect(await vs.client().listProducts()).toHaveLength(5);
    expect((await vs.control('GET', '/faults')).body).toEqual({
      mode: 'none',
      remaining: null,
      rate: null,
      injected: { unavailable: 1, timeout: 0, drop_response: 0 },
    });
  });

  test('timeout: the client gives up after its own timeout and nothing is applied', async () => {
    await vs.control('POST', '/faults', { mode: 'timeout', count: 1 });
    const started = Date.now();
    const err = await failure(vs.client({ timeoutMs: 300 }).upsertOrder('CH-1009', requestFor('CH-1009')));
    expect(err).toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
    expect(err.message).toBe('Vinoshipper did not answer PUT /orders/CH-1009 within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await vs.client().getOrder('CH-1009')).toBeNull();
  });

  test('drop_response: the change is applied but the answer is lost; the retry is an idempotent update', async () => {
    await vs.control('POST', '/faults', { mode: 'drop_response' });
    const err = await failure(vs.client().upsertOrder('CH-1010', requestFor('CH-1010')));
    expect(err).toMatchObject({ kind: 'transient', code: 'NETWORK_ERROR' });
    expect((await vs.control('GET', '/orders/CH-1010')).body.submissions).toBe(1);

    await vs.client().upsertOrder('CH-1010', requestFor('CH-1010'));
    expect((await vs.control('GET', '/orders/CH-1010')).body.submissions).toBe(2);
    expect(await inventoryOf('CAB-2021-750')).toBe(118);
  });

  test('a rate of 1 fails every call until faults are cleared; mixed takes the three kinds in turn', async () => {
    await vs.control('POST', '/faults', { mode: 'mixed', rate: 1 });
    const client = vs.client({ timeoutMs: 200 });
    for (let i = 0; i < 4; i++) expect(isTransient(await failure(client.getOrder('CH-1')))).toBe(true);
    const { body } = await vs.control('GET', '/faults');
    expect(body).toMatchObject({ mode: 'mixed', rate: 1, remaining: null });
    expect(body.injected).toEqual({ unavailable: 2, timeout: 1, drop_response: 1 });

    await vs.control('POST', '/faults', { mode: 'none' });
    expect(await client.getOrder('CH-1')).toBeNull();
  });

  test('a rate fails exactly that share of calls, spread evenly', async () => {
    await vs.control('POST', '/faults', { mode: 'unavailable', rate: 0.25 });
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await vs
          .client()
          .getOrder('CH-1')
          .then(
            () => 'ok',
            () => 'fail',
          ),
      );
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'fail', 'ok', 'ok', 'ok', 'fail']);
    await vs.control('POST', '/faults', { mode: 'none' });
  });

  test('a bad fault request is a 400 with a JSON message', async () => {
    const res = await vs.control('POST', '/faults', { mode: 'flaky', rate: 2 });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid request body');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['mode', 'rate']);
  });
});
