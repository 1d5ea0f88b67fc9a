// Webhook intake: the signature check and the order payload → OrderSnapshot mapping.
import { createHmac } from 'node:crypto';
import {
  customersDataRequestSchema,
  customersRedactSchema,
  parseOrderWebhook,
  shopRedactSchema,
  shopifyOrderPayloadSchema,
  signShopifyWebhook,
  toOrderSnapshot,
  verifyShopifyHmac,
} from '../../integrations/shopify/webhooks';
import { isShopifyId, parseShopifyJson } from '../../integrations/shopify/ids';
import { restJson, ShopifyStore } from '../../sandbox/shopify-store';

const SECRET = 'current-secret';
const body = Buffer.from(JSON.stringify({ id: 1, note: 'héllo' }));

describe('verifyShopifyHmac', () => {
  test('accepts the base64 HMAC-SHA256 of the exact bytes', () => {
    const header = createHmac('sha256', SECRET).update(body).digest('base64');
    expect(signShopifyWebhook(body, SECRET)).toBe(header);
    expect(verifyShopifyHmac(body, header, [SECRET])).toBe(true);
  });

  test('refuses a signature made with another secret', () => {
    expect(verifyShopifyHmac(body, signShopifyWebhook(body, 'someone-else'), [SECRET])).toBe(false);
  });

  test('refuses a valid signature over different bytes (re-serialised JSON)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifyShopifyHmac(reserialised, signShopifyWebhook(body, SECRET), [SECRET])).toBe(false);
  });

  test('accepts the old secret during a rotation, in any position', () => {
    const header = signShopifyWebhook(body, 'old-secret');
    expect(verifyShopifyHmac(body, header, [SECRET, 'old-secret'])).toBe(true);
    expect(verifyShopifyHmac(body, header, ['old-secret', SECRET])).toBe(true);
    expect(verifyShopifyHmac(body, header, [SECRET])).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['not base64', '%%%not-base64%%%'],
    ['hex instead of base64', createHmac('sha256', SECRET).update(body).digest('hex')],
    ['too short', Buffer.alloc(16).toString('base64')],
    ['too long', Buffer.alloc(64).toString('base64')],
  ])('refuses a %s header without throwing', (_, header) => {
    expect(verifyShopifyHmac(body, header, [SECRET])).toBe(false);
  });

  test('an empty secret in the list never matches', () => {
    expect(verifyShopifyHmac(body, signShopifyWebhook(body, ''), ['', SECRET])).toBe(false);
  });
});

function sandboxPayload(): any {
  const store = new ShopifyStore();
  const record = store.create({
    line_items: [
      { sku: 'CAB-2021-750', quantity: 2, price: '42.00', title: 'Estate Cabernet 2021' },
      { sku: 'ROSE-2023-750', quantity: 1, price: '24.5' },
    ],
    tags: 'vip, gift ,  ',
  });
  return JSON.parse(JSON.stringify(record.order));
}

describe('parseOrderWebhook / toOrderSnapshot', () => {
  test('maps a sandbox order payload (the REST/webhook shape) to a snapshot', () => {
    const payload = sandboxPayload();
    const result = parseOrderWebhook(payload);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const s = result.snapshot;
    expect(s.shopifyOrderId).toBe(String(payload.id));
    expect(s.name).toBe('#1001');
    expect(s.orderNumber).toBe(1001);
    expect(s.tags).toEqual(['vip', 'gift']);
    expect(s.lineItems).toEqual([
      { id: String(payload.line_items[0].id), sku: 'CAB-2021-750', title: 'Estate Cabernet 2021', quantity: 2, price: '42.00' },
      { id: String(payload.line_items[1].id), sku: 'ROSE-2023-750', title: 'ROSE-2023-750', quantity: 1, price: '24.50' },
    ]);
    expect(s.noteAttributes).toEqual([{ name: 'date_of_birth', value: '1985-04-12' }]);
    expect(s.shippingAddress).toMatchObject({ firstName: 'Avery', lastName: 'Demo', provinceCode: 'CA', countryCode: 'US' });
    expect(s.customer).toEqual({ firstName: 'Avery', lastName: 'Demo' });
    expect(s).toMatchObject({ subtotalPrice: '108.50', totalShipping: '15.00', totalTax: '0.00', totalPrice: '123.50', currency: 'USD' });
    expect(s).toMatchObject({ financialStatus: 'paid', fulfillmentStatus: null, cancelledAt: null });
  });

  test('normalises timestamps to UTC so webhook and GraphQL snapshots compare as strings', () => {
    const payload = { ...sandboxPayload(), updated_at: '2026-11-20T10:00:00-05:00', created_at: '2026-11-20T09:00:00-05:00' };
    const snapshot = toOrderSnapshot(shopifyOrderPayloadSchema.parse(payload));
    expect(snapshot.updatedAt).toBe('2026-11-20T15:00:00.000Z');
    expect(snapshot.createdAt).toBe('2026-11-20T14:00:00.000Z');
  });

  test('drops lines an order edit removed (current_quantity 0) and uses the current quantity', () => {
    const payload = sandboxPayload();
    payload.line_items[0].current_quantity = 1;
    payload.line_items[1].current_quantity = 0;
    const snapshot = toOrderSnapshot(shopifyOrderPayloadSchema.parse(payload));
    expect(snapshot.lineItems.map((l) => [l.sku, l.quantity])).toEqual([['CAB-2021-750', 1]]);
  });

  test('accepts ids as strings, extra fields, and null optional parts', () => {
    const payload = { ...sandboxPayload(), id: '5000000042', something_new: { nested: true }, shipping_address: null, customer: null, tags: null };
    const result = parseOrderWebhook(payload);
    expect(result.ok && result.snapshot).toMatchObject({ shopifyOrderId: '5000000042', shippingAddress: null, customer: null, tags: [] });
  });

  test('names each bad field without echoing values', () => {
    const payload = sandboxPayload();
    delete payload.name;
    payload.order_number = 'one thousand';
    payload.updated_at = 'yesterday-ish';
    payload.line_items[1].price = 24.5;
    delete payload.line_items[0].quantity;
    payload.email = 12345;
    const result = parseOrderWebhook(payload);
    if (result.ok) throw new Error('expected problems');
    const fields = result.problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['name', 'order_number', 'updated_at', 'line_items.0.quantity', 'line_items.1.price', 'email']));
    const text = result.problems.join('\n');
    expect(text).not.toContain('one thousand');
    expect(text).not.toContain('yesterday-ish');
    expect(text).not.toContain('12345');
  });

  test('something that is not an order at all', () => {
    const result = parseOrderWebhook('not json object');
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^\(body\): /)] });
  });
});

describe('privacy payloads', () => {
  test('parse the three mandatory topics', () => {
    expect(
      customersDataRequestSchema.parse({
        shop_id: 954889,
        shop_domain: 'demo.myshopify.com',
        orders_requested: [299938, 280263],
        customer: { id: 191167, email: 'john@example.com', phone: '555-625-1199' },
        data_request: { id: 9999 },
      }),
    ).toMatchObject({ orders_requested: ['299938', '280263'], customer: { id: '191167' }, data_request: { id: '9999' } });
    expect(
      customersRedactSchema.parse({
        shop_id: 954889,
        shop_domain: 'demo.myshopify.com',
        customer: { id: 191167, email: null, phone: null },
        orders_to_redact: [299938],
      }),
    ).toMatchObject({ orders_to_redact: ['299938'] });
    expect(shopRedactSchema.parse({ shop_id: 954889, shop_domain: 'demo.myshopify.com' })).toEqual({ shop_id: '954889', shop_domain: 'demo.myshopify.com' });
    expect(customersRedactSchema.safeParse({ shop_domain: 'demo.myshopify.com' }).success).toBe(false);
  });
});

describe('64-bit ids', () => {
  const big = '820982911946154508';
  const payload = () => {
    const store = new ShopifyStore();
    store.setNextIds({ order: big, lineItem: '866550311766439020', customer: '115310627314723954' });
    return restJson(store.create({ line_items: [{ sku: 'CAB-2021-750', quantity: 2, price: '42.00' }] }).order);
  };

  test('the REST JSON carries them as numbers, which JSON.parse would round', () => {
    const text = payload();
    expect(text).toContain(`"id":${big},`);
    expect(String((JSON.parse(text) as { id: number }).id)).not.toBe(big);
  });

  test('parseShopifyJson keeps them exact and every other number a number', () => {
    const parsed = parseOrderWebhook(parseShopifyJson(payload()));
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.snapshot.shopifyOrderId).toBe(big);
    expect(parsed.snapshot.lineItems[0]).toMatchObject({ id: '866550311766439020', quantity: 2 });
    expect(parseShopifyJson('{"a":1.5,"b":42,"c":9007199254740993}')).toEqual({ a: 1.5, b: 42, c: '9007199254740993' });
  });

  test('ids that are not positive 64-bit integers are refused, naming the field', () => {
    for (const id of ['0', '007', '18446744073709551616', '-5', 0]) {
      const parsed = parseOrderWebhook({ ...(parseShopifyJson(payload()) as object), id });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problems.join()).toMatch(/^id: /);
    }
    expect(isShopifyId('18446744073709551615')).toBe(true);
  });

  test('invalid JSON still throws like JSON.parse', () => {
    expect(() => parseShopifyJson('{"id": 1,')).toThrow(SyntaxError);
  });
});
