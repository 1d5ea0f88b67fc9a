import {
  VinoshipperError,
  checkCatalog,
  classifyProblem,
  classifyRejection,
  isTransient,
  networkFailure,
  readAnswer,
  toOrderView,
} from '../../integrations/vinoshipper/classify';
import { orderSchema, type VinoshipperProduct, type VinoshipperRejection } from '../../integrations/vinoshipper/types';
import { orderSnapshot } from './vinoshipper-fixtures';

function thrown(fn: () => unknown): VinoshipperError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VinoshipperError) return err;
    throw err;
  }
  throw new Error('expected a VinoshipperError');
}

const answer = (status: number, body: unknown, missingMeans?: 'not_found' | 'configuration') =>
  thrown(() => readAnswer('PUT /orders/CH-1', status, typeof body === 'string' ? body : JSON.stringify(body), orderSchema, missingMeans));

describe('readAnswer: HTTP answers by kind', () => {
  test.each([
    [500, 'transient'],
    [503, 'transient'],
    [429, 'transient'],
    [408, 'transient'],
    [400, 'rejected'],
    [422, 'rejected'],
    [401, 'configuration'],
    [403, 'configuration'],
    [405, 'configuration'],
    [404, 'not_found'],
    [409, 'conflict'],
  ])('%i is %s', (status, kind) => {
    const err = answer(status, { message: 'nope' });
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(isTransient(err)).toBe(kind === 'transient');
  });

  test('a 404 on a route that always exists points at the API URL', () => {
    const err = answer(404, '<html>Not Found</html>', 'configuration');
    expect(err.kind).toBe('configuration');
    expect(err.message).toContain('VINOSHIPPER_API_URL');
  });

  test('a 2xx that is not JSON, or not an order, is transient', () => {
    expect(answer(200, '<html>Just a moment...</html>')).toMatchObject({ kind: 'transient', code: 'INVALID_RESPONSE', status: 200 });
    const wrongShape = answer(200, { status: 'PENDING' });
    expect(wrongShape).toMatchObject({ kind: 'transient', code: 'INVALID_RESPONSE' });
    expect(wrongShape.message).toContain('orderNumber');
  });

  test('parses a lenient order and keeps unknown fields', () => {
    const order = readAnswer('GET /orders/CH-1', 200, JSON.stringify({ orderNumber: 'CH-1', status: 'SOMETHING_NEW', extra: { a: 1 } }), orderSchema);
    expect(order).toEqual({ orderNumber: 'CH-1', status: 'SOMETHING_NEW', extra: { a: 1 } });
  });

  test('normalises error bodies into rejections, whatever their shape', () => {
    const structured = answer(422, {
      message: 'Not enough inventory',
      errors: [{ code: 'INSUFFICIENT_INVENTORY', productId: 'CAB', requested: 3, available: 1, message: 'Only 1 left' }],
    });
    expect(structured.code).toBe('INSUFFICIENT_INVENTORY');
    expect(structured.details).toEqual([
      { code: 'INSUFFICIENT_INVENTORY', type: null, message: 'Only 1 left', field: null, productId: 'CAB', requested: 3, available: 1 },
    ]);
    expect(answer(400, { errors: ['first', 'second'] }).details.map((d) => d.message)).toEqual(['first', 'second']);
    expect(answer(400, { error: 'Bad thing', code: 'BAD' }).details).toEqual([expect.objectContaining({ code: 'BAD', message: 'Bad thing' })]);
    expect(answer(400, 'plain text').details).toEqual([]);
  });

  test('keeps customer email addresses out of messages', () => {
    const err = answer(400, { message: 'Customer ada@example.com already exists under another producer' });
    expect(err.message).not.toContain('ada@example.com');
    expect(err.message).toContain('Customer [email] already exists');
    expect(err.details[0]!.message).toBe('Customer [email] already exists under another producer');
  });
});

describe('networkFailure', () => {
  test('a timeout and a refused connection are both transient, told apart by code', () => {
    const timeout = networkFailure('GET /products', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 250);
    expect(timeout).toMatchObject({ kind: 'transient', code: 'TIMEOUT', status: null });
    expect(timeout.message).toBe('Vinoshipper did not answer GET /products within 250 ms');
    const refused = networkFailure(
      'GET /products',
      new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }),
      250,
    );
    expect(refused).toMatchObject({ kind: 'transient', code: 'NETWORK_ERROR' });
    expect(refused.message).toContain('ECONNREFUSED');
  });

  test('isTransient is false for anything that is not a VinoshipperError', () => {
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient({ kind: 'transient' })).toBe(false);
  });
});

describe('classifyRejection', () => {
  const rejection = (fields: Partial<VinoshipperRejection>): VinoshipperRejection => ({
    code: null,
    type: null,
    message: null,
    field: null,
    productId: null,
    requested: null,
    available: null,
    ...fields,
  });
  const rejected = (details: VinoshipperRejection[]) => new VinoshipperError('rejected', 'refused', { status: 422, details });

  test('unknown products name every SKU, even next to other reasons', () => {
    const err = rejected([
      rejection({ code: 'PRODUCT_NOT_FOUND', productId: 'NOPE-1' }),
      rejection({ code: 'INSUFFICIENT_INVENTORY', productId: 'CAB', requested: 2, available: 0 }),
      rejection({ code: 'PRODUCT_NOT_FOUND', productId: 'NOPE-2' }),
    ]);
    expect(classifyRejection(err)).toEqual({
      issueType: 'product_missing',
      details: 'SKU NOPE-1 is not in Vinoshipper\nSKU NOPE-2 is not in Vinoshipper',
      causeKey: 'NOPE-1,NOPE-2',
      vague: false,
    });
  });

  test('short inventory names SKU, requested and available', () => {
    const err = rejected([rejection({ code: 'INSUFFICIENT_INVENTORY', productId: 'CAB-2021-750', requested: 3, available: 1 })]);
    expect(classifyRejection(err)).toEqual({
      issueType: 'inventory_unavailable',
      details: 'SKU CAB-2021-750: ordered 3, available 1',
      causeKey: 'CAB-2021-750',
      vague: false,
    });
  });

  test('field errors on an address are an invalid address', () => {
    const err = rejected([
      rejection({ code: 'INVALID_FIELD', field: 'customer.email', message: 'is required' }),
      rejection({ code: 'INVALID_FIELD', field: 'shipToAddress.street1', message: 'is required' }),
    ]);
    expect(classifyRejection(err)).toEqual({
      issueType: 'invalid_address',
      details: 'customer.email: is required\nshipToAddress.street1: is required',
      causeKey: null,
      vague: false,
    });
  });

  test('a refusal typed as a compliance violation is a compliance failure', () => {
    const err = rejected([rejection({ type: 'COMPLIANCE_VIOLATION', message: 'Cannot ship to UT' })]);
    expect(classifyRejection(err)).toEqual({ issueType: 'compliance_failed', details: 'Cannot ship to UT', causeKey: null, vague: false });
  });

  test('anything else is an order item issue carrying Vinoshipper’s message', () => {
    expect(classifyRejection(rejected([rejection({ code: 'WEIRD', message: 'Discount above 60%' })]))).toEqual({
      issueType: 'order_item_issue',
      details: 'Discount above 60%',
      causeKey: null,
      vague: true, // then the catalogue may name what Vinoshipper did not
    });
    expect(classifyRejection(rejected([]))).toEqual({
      issueType: 'order_item_issue',
      details: 'Vinoshipper refused the order (HTTP 422) without giving a reason',
      causeKey: null,
      vague: true,
    });
  });
});

describe('checkCatalog', () => {
  const product = (sku: string, amount: number | null, soldOut = false): VinoshipperProduct => ({
    id: 1,
    status: 'APPROVED',
    detail: { name: sku, sku },
    summary: { name: sku, sku, hidden: false },
    inventory: { soldOut, amount },
  });
  const catalogue = [product('CAB', 10), product('ROSE', 1), product('SYRAH', 5, true), product('UNTRACKED', null)];
  const lines = (...items: Array<[string | null, number, string?]>) =>
    orderSnapshot({ lineItems: items.map(([sku, quantity, title], i) => ({ id: String(i), sku, title: title ?? `Item ${i}`, quantity, price: '10.00' })) });

  test('passes when every SKU exists with enough inventory (untracked inventory is not judged)', () => {
    expect(checkCatalog(lines(['CAB', 10], ['UNTRACKED', 500]), catalogue)).toEqual({ ok: true });
  });

  test('sums quantities per SKU across lines', () => {
    expect(checkCatalog(lines(['ROSE', 1], ['ROSE', 1], ['CAB', 2]), catalogue)).toEqual({
      ok: false,
      issueType: 'inventory_unavailable',
      details: 'SKU ROSE: ordered 2, available 1',
      skus: ['ROSE'],
    });
  });

  test('a sold-out product has nothing available', () => {
    expect(checkCatalog(lines(['SYRAH', 1]), catalogue)).toMatchObject({ issueType: 'inventory_unavailable', details: 'SKU SYRAH: ordered 1, available 0' });
  });

  test('lists every missing product, a line without SKU by its title, before any inventory problem', () => {
    expect(checkCatalog(lines(['ROSE', 5], [null, 1, 'Gift wrap'], ['NOPE', 1], ['cab', 1]), catalogue)).toEqual({
      ok: false,
      issueType: 'product_missing',
      details: '"Gift wrap" has no SKU, so it cannot be matched to a Vinoshipper product\nSKU NOPE is not in Vinoshipper\nSKU cab is not in Vinoshipper',
      skus: ['NOPE', 'cab'],
    });
  });

  test('ignores lines removed by an order edit', () => {
    expect(checkCatalog(lines(['NOPE', 0], ['CAB', 1]), catalogue)).toEqual({ ok: true });
  });

  test('details carry no personal data', () => {
    const check = checkCatalog(lines(['NOPE', 1]), catalogue);
    expect(JSON.stringify(check)).not.toMatch(/Ada|Lovelace|example\.com|Vine St/);
  });
});

describe('classifyProblem', () => {
  test.each([
    ['COMPLIANCE_VIOLATION', 'compliance_failed'],
    ['CUSTOMER_VERIFICATION', 'customer_verification_failed'],
    ['AGE_VERIFICATION', 'customer_verification_failed'],
    ['INVALID_ADDRESS', 'invalid_address'],
    ['address', 'invalid_address'],
    ['ORDER_ITEM', 'order_item_issue'],
    ['PRODUCT', 'order_item_issue'],
    ['INVENTORY', 'order_item_issue'],
  ])('type %s → %s', (type, issueType) => {
    expect(classifyProblem({ code: 'X1', type, description: 'Something happened' })).toEqual({ issueType, code: 'X1', message: 'Something happened' });
  });

  test.each([
    ['The customer’s date of birth does not match', 'customer_verification_failed'],
    ['Customer is under the legal age', 'customer_verification_failed'],
    ['Identity could not be confirmed', 'customer_verification_failed'],
    ['Address could not be verified', 'customer_verification_failed'],
    ['ZIP code does not match the city', 'invalid_address'],
    ['Deliveries to a PO Box are not possible', 'invalid_address'],
    ['Street is missing', 'invalid_address'],
    ['Shipping to this state is prohibited', 'compliance_failed'],
    ['Not compliant with annual volume limits', 'compliance_failed'],
  ])('an unknown type falls back on the description: %p → %s', (description, issueType) => {
    expect(classifyProblem({ code: 'NEW_CODE', type: 'NEW_TYPE', description })).toMatchObject({ issueType, code: 'NEW_CODE', message: description });
  });

  test('words that merely contain a keyword do not count ("Estate", "package")', () => {
    expect(classifyProblem({ type: 'MYSTERY', description: 'Estate Cabernet package damaged' })).toEqual({
      issueType: 'order_item_issue',
      code: 'MYSTERY',
      message: 'Unrecognised Vinoshipper problem (MYSTERY): Estate Cabernet package damaged',
    });
  });

  test('never throws, even on an empty problem', () => {
    expect(classifyProblem({})).toEqual({
      issueType: 'order_item_issue',
      code: null,
      message: 'Unrecognised Vinoshipper problem (no type): no description given',
    });
    expect(classifyProblem({ code: null, type: null, description: null }).issueType).toBe('order_item_issue');
  });
});

describe('toOrderView', () => {
  const order = (fields: Record<string, unknown>) => orderSchema.parse({ orderNumber: 'CH-1001', ...fields });

  test.each([
    [{ status: 'PENDING', orderStatus: 'OPEN' }, 'pending'],
    [{ status: 'SOMETHING_NEW' }, 'pending'],
    [{ status: 'APPROVED' }, 'accepted'],
    [{ status: 'accepted' }, 'accepted'],
    [{ status: 'SUCCESS', orderStatus: 'PROCESSING' }, 'accepted'],
    [{ status: 'APPROVED', shippedAt: '2025-03-02T00:00:00Z' }, 'shipped'],
    [{ status: 'APPROVED', shipping: { packages: [{ trackingNumber: '1Z' }] } }, 'shipped'],
    [{ status: 'APPROVED', shipping: { packages: [{ trackingNumber: null }] } }, 'accepted'],
    [{ status: 'CANCELED' }, 'cancelled'],
    [{ orderStatus: 'CANCELLED' }, 'cancelled'],
    [{ status: 'SHIPPED', shippedAt: '2025-03-02T00:00:00Z', canceledAt: '2025-03-03T00:00:00Z' }, 'cancelled'],
  ])('%j → %s', (fields, state) => {
    expect(toOrderView(order(fields)).state).toBe(state);
  });

  test('reads the full answer', () => {
    const view = toOrderView(
      order({
        status: 'PENDING',
        isCompliant: false,
        shipToAddress: { stateCode: 'UT' },
        shipping: { carrier: 'UPS', packages: [{ trackingNumber: '1Z1' }, { trackingNumber: '1Z2' }] },
        orderProblems: [{ code: 'STATE_PROHIBITED', type: 'COMPLIANCE_VIOLATION', description: 'Direct shipments of wine to UT are not permitted' }],
        ageVerification: { verified: false, idScanUrl: 'https://vs.example/id/CH-1001' },
      }),
    );
    expect(view).toEqual({
      orderNumber: 'CH-1001',
      state: 'shipped',
      problems: [
        { issueType: 'compliance_failed', code: 'STATE_PROHIBITED', message: 'Direct shipments of wine to UT are not permitted' },
        { issueType: 'customer_verification_failed', code: null, message: 'Vinoshipper could not verify the customer’s age or identity' },
      ],
      isCompliant: false,
      idScanUrl: 'https://vs.example/id/CH-1001',
      trackingNumbers: ['1Z1', '1Z2'],
      carrier: 'UPS',
      shipToStateCode: 'UT',
    });
  });

  test('adds a compliance problem only when non-compliance is not already explained', () => {
    expect(toOrderView(order({ isCompliant: false })).problems).toEqual([
      { issueType: 'compliance_failed', code: null, message: 'Vinoshipper marked the order non-compliant' },
    ]);
    const explained = toOrderView(
      order({ isCompliant: false, ageVerification: { verified: false }, orderProblems: [{ type: 'AGE_VERIFICATION', description: 'Too young' }] }),
    );
    expect(explained.problems.map((p) => p.issueType)).toEqual(['customer_verification_failed', 'compliance_failed']);
  });

  test('a bare answer has no problems and nulls where Vinoshipper said nothing', () => {
    expect(toOrderView(order({}))).toEqual({
      orderNumber: 'CH-1001',
      state: 'pending',
      problems: [],
      isCompliant: null,
      idScanUrl: null,
      trackingNumbers: [],
      carrier: null,
      shipToStateCode: null,
    });
  });
});
