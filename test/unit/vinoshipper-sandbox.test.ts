// Vinoshipper's side of the story as the sandbox plays it: compliance rules, flagged orders and
// what clears them, approval, shipping, webhooks. Driven through the real client and control routes.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { VinoshipperError, toOrderView } from '../../integrations/vinoshipper/classify';
import type { OrderSnapshot } from '../../domain/order';
import { API_KEY, API_SECRET, requestFor, shippingAddress, startSandbox, type RunningSandbox } from './vinoshipper-fixtures';

let vs: RunningSandbox;
beforeAll(async () => {
  vs = await startSandbox();
});
afterAll(() => vs.stop());
beforeEach(() => vs.reset());

const shipTo = (changes: Partial<typeof shippingAddress>) => ({ shippingAddress: { ...shippingAddress, ...changes } });

async function submit(number: string, overrides: Partial<OrderSnapshot> = {}) {
  return toOrderView(await vs.client().upsertOrder(number, requestFor(number, overrides)));
}

test('the API refuses calls without the right Basic credentials, with a JSON message', async () => {
  const url = `${vs.apiUrl}/products`;
  const none = await fetch(url);
  expect(none.status).toBe(401);
  expect(await none.json()).toEqual({ message: 'Invalid API key or secret' });
  const right = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` } });
  expect(right.status).toBe(200);
});

test('malformed JSON and unknown routes answer JSON, never a stack trace', async () => {
  const auth = { Authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` };
  const bad = await fetch(`${vs.apiUrl}/orders/CH-1`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: '{"orderNumber":' });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ message: 'Malformed request body' });
  const missing = await fetch(`${vs.apiUrl}/customers`, { headers: auth });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ message: 'No route GET /customers' });
});

describe('compliance', () => {
  test('a ship-to state on the blocked list is answered 200, PENDING, non-compliant with a problem', async () => {
    const order = await vs.client().upsertOrder('CH-2001', requestFor('CH-2001', shipTo({ provinceCode: 'UT' })));
    expect(order).toMatchObject({
      status: 'PENDING',
      isCompliant: false,
      orderProblems: [{ code: 'STATE_PROHIBITED', type: 'COMPLIANCE_VIOLATION', description: 'Direct shipments of wine to UT are not permitted' }],
    });
    expect(toOrderView(order).problems).toEqual([
      { issueType: 'compliance_failed', code: 'STATE_PROHIBITED', message: 'Direct shipments of wine to UT are not permitted' },
    ]);
    // Corrected in Shopify to a permitted state and resent: compliant again.
    expect((await submit('CH-2001', shipTo({ provinceCode: 'NV' }))).problems).toEqual([]);
  });

  test('rules changed after checkout apply to the next submission', async () => {
    expect((await submit('CH-2002')).isCompliant).toBe(true);
    expect((await vs.control('PUT', '/compliance', { blockedStates: ['ca', 'UT'] })).body).toEqual({ blockedStates: ['CA', 'UT'] });
    expect((await vs.control('GET', '/compliance')).body).toEqual({ blockedStates: ['CA', 'UT'] });
    const view = await submit('CH-2002');
    expect(view).toMatchObject({ state: 'pending', isCompliant: false, problems: [expect.objectContaining({ issueType: 'compliance_failed' })] });
  });
});

describe('flagged orders', () => {
  test('a customer-verification problem asks for an ID upload and is cleared by a resubmission', async () => {
    await submit('CH-2003');
    const flagged = await vs.control('POST', '/orders/CH-2003/problems', { type: 'customer_verification' });
    expect(flagged.status).toBe(200);
    expect(flagged.body.order).toMatchObject({
      status: 'PENDING',
      ageVerification: { verified: false, idScanUrl: 'http://sandbox.test/sandbox/vinoshipper/id-scan/CH-2003' },
      orderProblems: [{ type: 'CUSTOMER_VERIFICATION', code: 'CUSTOMER_NOT_VERIFIED' }],
    });
    const seen = toOrderView((await vs.client().getOrder('CH-2003'))!);
    expect(seen).toMatchObject({ state: 'pending', idScanUrl: 'http://sandbox.test/sandbox/vinoshipper/id-scan/CH-2003' });
    expect(seen.problems.map((p) => p.issueType)).toEqual(['customer_verification_failed']);

    const resent = await submit('CH-2003');
    expect(resent).toMatchObject({ state: 'pending', problems: [], idScanUrl: null });
  });

  test('an invalid-address problem survives a resubmission until the address changes', async () => {
    await submit('CH-2004');
    await vs.control('POST', '/orders/CH-2004/problems', { type: 'invalid_address', message: 'Street not found' });
    expect((await submit('CH-2004')).problems).toEqual([{ issueType: 'invalid_address', code: 'ADDRESS_INVALID', message: 'Street not found' }]);
    expect((await submit('CH-2004', shipTo({ address1: '2 Vine St' }))).problems).toEqual([]);
  });

  test('an injected compliance problem survives until the ship-to state changes', async () => {
    await submit('CH-2005');
    await vs.control('POST', '/orders/CH-2005/problems', { type: 'compliance' });
    const same = await submit('CH-2005', shipTo({ address1: '2 Vine St' }));
    expect(same).toMatchObject({
      isCompliant: false,
      problems: [{ issueType: 'compliance_failed', message: 'Compliance rules for shipments to CA changed after checkout' }],
    });
    expect((await submit('CH-2005', shipTo({ provinceCode: 'OR' }))).problems).toEqual([]);
  });

  test('an order-item problem is cleared by a resubmission', async () => {
    await submit('CH-2006');
    await vs.control('POST', '/orders/CH-2006/problems', { type: 'order_item' });
    expect((await vs.client().getOrder('CH-2006'))?.orderProblems).toEqual([
      { code: 'ORDER_ITEM_INVALID', type: 'ORDER_ITEM', description: 'A product on the order has incorrect details' },
    ]);
    expect((await submit('CH-2006')).problems).toEqual([]);
  });

  test('flagging an unknown order is 404, an unknown kind 400', async () => {
    expect((await vs.control('POST', '/orders/CH-404/problems', { type: 'order_item' })).status).toBe(404);
    await submit('CH-2007');
    expect((await vs.control('POST', '/orders/CH-2007/problems', { type: 'weather' })).status).toBe(400);
  });
});

describe('approval and shipping', () => {
  test('approve clears every problem; a clean resubmission keeps the approval', async () => {
    await submit('CH-2008', shipTo({ provinceCode: 'UT' }));
    await vs.control('POST', '/orders/CH-2008/problems', { type: 'customer_verification' });
    const approved = await vs.control('POST', '/orders/CH-2008/approve');
    expect(approved.body.order).toMatchObject({ status: 'APPROVED', isCompliant: true, orderProblems: [], ageVerification: { verified: true } });
    expect(toOrderView((await vs.client().getOrder('CH-2008'))!).state).toBe('accepted');

    expect(await submit('CH-2008', shipTo({ provinceCode: 'NV' }))).toMatchObject({ state: 'accepted', problems: [] });
    // Resent to a blocked state: the approval does not survive a remaining problem.
    expect(await submit('CH-2008', shipTo({ provinceCode: 'UT' }))).toMatchObject({ state: 'pending', isCompliant: false });
  });

  test('ship records the tracking number; a shipped order can be neither updated nor cancelled', async () => {
    await submit('CH-2009');
    expect((await vs.control('POST', '/orders/CH-2009/ship', { trackingNumber: '1Z999' })).status).toBe(409); // not approved yet
    await vs.control('POST', '/orders/CH-2009/approve');
    const shipped = await vs.control('POST', '/orders/CH-2009/ship', { trackingNumber: '1Z999', carrier: 'FedEx' });
    expect(shipped.body.order).toMatchObject({
      status: 'SHIPPED',
      shippedAt: expect.any(String),
      shipping: { carrier: 'FedEx', packages: [{ trackingNumber: '1Z999' }] },
    });
    expect(toOrderView((await vs.client().getOrder('CH-2009'))!)).toMatchObject({ state: 'shipped', trackingNumbers: ['1Z999'], carrier: 'FedEx' });

    const client = vs.client();
    for (const attempt of [client.upsertOrder('CH-2009', requestFor('CH-2009')), client.cancelOrder('CH-2009')]) {
      await expect(attempt).rejects.toMatchObject({ kind: 'conflict', status: 409 });
      await expect(attempt).rejects.toBeInstanceOf(VinoshipperError);
    }
  });

  test('the ID-upload page is a small HTML page that approves the order', async () => {
    await submit('CH-<2010>');
    const page = await vs.control('GET', `/id-scan/${encodeURIComponent('CH-<2010>')}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Order CH-&#60;2010&#62;');
    expect(page.body).toContain(`action="../orders/${encodeURIComponent('CH-<2010>')}/approve"`);
    expect((await vs.control('GET', '/id-scan/CH-404')).status).toBe(404);
  });
});

describe('catalogue control', () => {
  test('products can be added, restocked and removed; reset restores the demo catalogue', async () => {
    const added = await vs.control('PUT', '/products/MERLOT-2020-750', { name: 'Merlot 2020', inventory: 3, price: '30.00' });
    expect(added.body).toEqual({ id: 6, sku: 'MERLOT-2020-750', name: 'Merlot 2020', inventory: 3, price: '30.00' });
    const restocked = await vs.control('PUT', '/products/SYRAH-2019-1500', { inventory: 4 });
    expect(restocked.body).toMatchObject({ id: 5, name: 'Library Syrah 2019 Magnum', inventory: 4, price: '120.00' });
    const skus = (await vs.client().listProducts()).map((p) => [p.detail?.sku, p.inventory?.amount]);
    expect(skus).toEqual(
      expect.arrayContaining([
        ['MERLOT-2020-750', 3],
        ['SYRAH-2019-1500', 4],
      ]),
    );

    expect((await vs.control('DELETE', '/products/CAB-2021-750')).status).toBe(204);
    expect((await vs.control('DELETE', '/products/CAB-2021-750')).status).toBe(404);
    await expect(vs.client().upsertOrder('CH-2011', requestFor('CH-2011'))).rejects.toMatchObject({ kind: 'rejected', code: 'PRODUCT_NOT_FOUND' });

    vs.reset();
    expect((await vs.control('GET', '/products')).body.map((p: { sku: string }) => p.sku)).toEqual([
      'CAB-2021-750',
      'CHARD-2023-750',
      'PINOT-2022-750',
      'ROSE-2023-750',
      'SYRAH-2019-1500',
    ]);
  });
});

describe('webhooks', () => {
  test('ORDER events are posted to the webhook URL with an hrefV3 link', async () => {
    const received: unknown[] = [];
    const receiver = express()
      .use(express.json())
      .post('/hook', (req, res) => {
        received.push(req.body);
        res.status(204).end();
      })
      .listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const hooked = await startSandbox({ webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, publicBaseUrl: 'http://sb.test/' });
    try {
      const client = hooked.client();
      await client.upsertOrder('CH-3001', requestFor('CH-3001'));
      await client.upsertOrder('CH-3001', requestFor('CH-3001'));
      await hooked.control('POST', '/orders/CH-3001/problems', { type: 'order_item' });
      await hooked.control('POST', '/orders/CH-3001/approve');
      await hooked.control('POST', '/orders/CH-3001/ship', { trackingNumber: '1Z1' });
      await client.upsertOrder('CH-3002', requestFor('CH-3002'));
      await client.cancelOrder('CH-3002');

      const deadline = Date.now() + 2_000;
      while (received.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const events = (received as Array<{ identifier: string; event: string }>).map((w) => `${w.identifier} ${w.event}`);
      expect(events.sort()).toEqual(
        [
          'CH-3001 CREATED',
          'CH-3001 UPDATED',
          'CH-3001 UPDATED',
          'CH-3001 APPROVED',
          'CH-3001 TRACKING_NUMBER_ADDED',
          'CH-3002 CREATED',
          'CH-3002 CANCELLED',
        ].sort(),
      );
      expect(received).toContainEqual({
        identifier: 'CH-3001',
        subject: 'ORDER',
        event: 'CREATED',
        hrefV3: 'http://sb.test/vinoshipper/api/v3/p/orders/CH-3001',
      });
    } finally {
      await hooked.stop();
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  test('a webhook receiver that is down never fails the API call', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const hooked = await startSandbox({ webhookUrl: 'http://127.0.0.1:1/hook' });
    try {
      expect((await hooked.client().upsertOrder('CH-3003', requestFor('CH-3003'))).orderNumber).toBe('CH-3003');
      const deadline = Date.now() + 2_000;
      while (!warn.mock.calls.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^\[sandbox\/vinoshipper\] webhook CREATED for CH-3003 failed/);
    } finally {
      warn.mockRestore();
      await hooked.stop();
    }
  });
});
