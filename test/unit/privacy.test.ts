// Privacy webhooks' pure parts: payloads reduced to ids, and the merchant emails' words.
import type { PrivacyEmailInput } from '../../domain';
import { privacyWorkflowId } from '../../domain';
import { renderPrivacyEmail } from '../../integrations/email/privacy-templates';
import type { EmailContext } from '../../integrations/email/templates';
import { parsePrivacyWebhook } from '../../integrations/shopify/privacy-payload';

const SHOP = 'napa-cellars.myshopify.com';
const AT = new Date('2026-10-01T12:00:00.000Z');
const customer = { id: 7000000001, email: 'jane.doe@example.com', phone: '+1 707 555 0100' };

describe('parsePrivacyWebhook', () => {
  test('customers/redact → customer id and order ids; email and phone dropped', () => {
    const parsed = parsePrivacyWebhook(
      'customers/redact',
      { shop_id: 1, shop_domain: SHOP, customer, orders_to_redact: [5000000001, '5000000002', 5000000001] },
      SHOP,
      AT,
    );
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'customers_redact', shopDomain: SHOP, customerId: '7000000001', orderIds: ['5000000001', '5000000002'], receivedAt: AT.toISOString() },
    });
    expect(JSON.stringify(parsed)).not.toMatch(/jane|example\.com|555/);
  });

  test('customers/data_request → request id, customer id, orders', () => {
    const parsed = parsePrivacyWebhook(
      'customers/data_request',
      { shop_domain: SHOP, customer, orders_requested: [5000000003], data_request: { id: 9999 } },
      SHOP,
      AT,
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        kind: 'customers_data_request',
        shopDomain: SHOP,
        customerId: '7000000001',
        dataRequestId: '9999',
        orderIds: ['5000000003'],
        receivedAt: AT.toISOString(),
      },
    });
    expect(JSON.stringify(parsed)).not.toMatch(/jane|example\.com|555/);
  });

  test('shop/redact → the shop', () => {
    expect(parsePrivacyWebhook('shop/redact', { shop_id: 1, shop_domain: SHOP }, SHOP, AT)).toEqual({
      ok: true,
      request: { kind: 'shop_redact', shopDomain: SHOP, receivedAt: AT.toISOString() },
    });
  });

  test('a payload that is not the topic’s shape is refused, naming fields, not values', () => {
    const parsed = parsePrivacyWebhook('customers/redact', { shop_domain: SHOP, customer: { email: 'jane.doe@example.com' } }, SHOP, AT);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toMatch(/customer\.id/);
    expect(parsed.problems.join('\n')).not.toContain('jane');
    expect(parsePrivacyWebhook('customers/data_request', { shop_domain: SHOP, customer }, SHOP, AT).ok).toBe(false);
    expect(parsePrivacyWebhook('shop/redact', {}, SHOP, AT).ok).toBe(false);
  });

  test('a payload for another shop than the delivery’s is refused', () => {
    const parsed = parsePrivacyWebhook('shop/redact', { shop_domain: 'someone-else.myshopify.com' }, SHOP, AT);
    expect(parsed).toEqual({ ok: false, problems: [expect.stringMatching(/shop_domain/)] });
  });
});

test('privacy workflow ids name the shop and the customer or request by id', () => {
  expect(privacyWorkflowId('customers_redact', SHOP, '7000000001')).toBe(`privacy:customers_redact:${SHOP}:7000000001`);
  expect(privacyWorkflowId('shop_redact', SHOP, null)).toBe(`privacy:shop_redact:${SHOP}`);
});

const ctx: EmailContext = { shopDomain: SHOP, temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };

test('the data request email names the orders held and how to export them; the subject has ids only', () => {
  const input: PrivacyEmailInput = {
    kind: 'data_request',
    dataRequestId: '9999',
    customerId: '7000000001',
    held: [{ shopifyOrderId: '5000000001', shopifyOrderName: '#1001', status: 'submitted', running: true, workflowId: `order:${SHOP}:5000000001` }],
    notHeldOrderIds: ['5000000009'],
    receivedAt: AT.toISOString(),
    workflowId: `privacy:customers_data_request:${SHOP}:9999`,
    idempotencyKey: 'k',
  };
  const email = renderPrivacyEmail(input, ctx);
  expect(email.subject).toBe('[cellarhand] Customer data request 9999: 1 order held');
  for (const body of [email.text, email.html]) {
    expect(body).toContain('Shopify forwarded a customer data request');
    expect(body).toContain('cellarhand holds these orders');
    expect(body).toContain('#1001');
    expect(body).toContain('5000000009');
    expect(body).toContain('temporal workflow show');
  }
});

test('the pending-redaction alert lists what still runs and the deadline', () => {
  const email = renderPrivacyEmail(
    {
      kind: 'redaction_pending',
      requestKind: 'customers_redact',
      customerId: '7000000001',
      running: [`order:${SHOP}:5000000002`],
      receivedAt: AT.toISOString(),
      deadline: '2026-10-31T12:00:00.000Z',
      workflowId: `privacy:customers_redact:${SHOP}:7000000001`,
      idempotencyKey: 'k',
    },
    ctx,
  );
  expect(email.subject).toBe('[Action required] Privacy request: 1 order still running, not erased yet');
  expect(email.text).toContain(`order:${SHOP}:5000000002`);
  expect(email.text).toContain('2026-10-31T12:00:00.000Z');
  expect(email.text).toMatch(/recheck/);
});
