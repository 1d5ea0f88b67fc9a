// The order-issue email's words and links.
import type { OrderIssueEmailInput } from '../../domain/activities';
import { ISSUE_WORDING } from '../../domain/issues';
import { renderOrderIssueEmail, type EmailContext } from '../../integrations/email/templates';

const ctx: EmailContext = { shopDomain: 'napa-cellars.myshopify.com', temporalUiUrl: 'http://localhost:8233/', temporalNamespace: 'default' };

const input: OrderIssueEmailInput = {
  kind: 'issue',
  shopifyOrderId: '5000000001',
  shopifyOrderName: '#1001',
  issueType: 'product_missing',
  subjectLine: 'a product is missing in Vinoshipper',
  details: 'SKU CAB-2021-750 (2 bottles) is not in the Vinoshipper catalogue.\nSecond line.',
  steps: ['Check the SKU.', 'Add the product in Vinoshipper.'],
  workflowId: 'order:napa-cellars.myshopify.com:5000000001',
  idempotencyKey: 'order-issue/5000000001/product_missing/1/issue',
};

const ORDER_URL = 'https://admin.shopify.com/store/napa-cellars/orders/5000000001';
const WORKFLOW_URL = 'http://localhost:8233/namespaces/default/workflows/order%3Anapa-cellars.myshopify.com%3A5000000001';

test.each([
  ['issue', '[Action required] Order #1001: a product is missing in Vinoshipper'],
  ['reminder', '[Reminder] Order #1001: a product is missing in Vinoshipper'],
  ['notice', '[cellarhand] Order #1001: a product is missing in Vinoshipper'],
] as const)('the %s subject', (kind, subject) => {
  expect(renderOrderIssueEmail({ ...input, kind }, ctx).subject).toBe(subject);
});

test('the body names the order and the issue in plain words, the details, numbered steps and both links', () => {
  const { html, text } = renderOrderIssueEmail(input, ctx);
  const wording = ISSUE_WORDING.product_missing;
  for (const body of [html, text]) {
    expect(body).toContain('#1001');
    expect(body).toContain(wording.title);
    expect(body).toContain(wording.scenario);
    expect(body).toContain('SKU CAB-2021-750 (2 bottles)');
    expect(body).toContain(ORDER_URL);
    expect(body).toContain(WORKFLOW_URL);
  }
  expect(text).toContain('1. Check the SKU.\n2. Add the product in Vinoshipper.');
  expect(html).toMatch(/<ol[^>]*><li>Check the SKU\.<\/li><li>Add the product in Vinoshipper\.<\/li><\/ol>/);
  // One primary call to action: the order in Shopify comes first.
  expect(html.indexOf(ORDER_URL)).toBeLessThan(html.indexOf(WORKFLOW_URL));
});

test('a notice without an issue type or steps leaves those parts out', () => {
  const { html, text } = renderOrderIssueEmail({ ...input, kind: 'notice', issueType: null, steps: [], details: 'Refunded in full.' }, ctx);
  expect(text).not.toContain('Issue:');
  expect(text).not.toContain('Suggested steps');
  expect(html).not.toContain('<ol');
  expect(text).toContain('Refunded in full.');
});

test('everything interpolated is HTML-escaped, and the subject stays on one line', () => {
  const hostile = {
    ...input,
    shopifyOrderName: '#1001<script>',
    subjectLine: 'bad\r\nBcc: someone@example.com',
    details: '<img src=x onerror=alert(1)> & "quotes"',
    steps: ['<b>bold</b>'],
    workflowId: 'order:"><script>',
  };
  const { subject, html } = renderOrderIssueEmail(hostile, ctx);
  expect(subject).toBe('[Action required] Order #1001<script>: bad Bcc: someone@example.com');
  expect(html).not.toMatch(/<script|<img|<b>/);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
  expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
  expect(html).toContain('workflows/order%3A%22%3E%3Cscript%3E');
});
