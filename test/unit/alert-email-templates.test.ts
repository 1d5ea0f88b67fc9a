// The grouped alert email's words and links: a group of one reads like the per-order email, a group
// names every order once with what they share said once, a follow-up refers to the earlier email.
import type { AlertDigestEmailInput, MerchantAlert } from '../../domain/alerts';
import { ISSUE_WORDING } from '../../domain/issues';
import { renderAlertDigestEmail } from '../../integrations/email/alert-digest-template';
import { renderOrderIssueEmail, type EmailContext } from '../../integrations/email/templates';

const ctx: EmailContext = { shopDomain: 'napa-cellars.myshopify.com', temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };
const wording = ISSUE_WORDING.product_missing;

function alert(n: number, overrides: Partial<MerchantAlert> = {}): MerchantAlert {
  return {
    kind: 'issue',
    cause: 'product_missing:NOPE-3',
    issueType: 'product_missing',
    shopifyOrderId: String(5_000_000_000 + n),
    shopifyOrderName: `#${1000 + n}`,
    orderWorkflowId: `order:napa-cellars.myshopify.com:${5_000_000_000 + n}`,
    subjectLine: wording.title,
    details: 'SKU NOPE-3 is not in Vinoshipper',
    steps: wording.steps,
    key: `k${n}`,
    raisedAt: `2026-01-01T10:0${n}:00.000Z`,
    ...overrides,
  };
}

function input(alerts: MerchantAlert[], extra: Partial<AlertDigestEmailInput> = {}): AlertDigestEmailInput {
  return {
    kind: 'issue',
    cause: 'product_missing:NOPE-3',
    issueType: 'product_missing',
    followUp: false,
    earlierOrders: 0,
    alerts,
    idempotencyKey: 'alerts/run/1',
    ...extra,
  };
}

test('a group of one is exactly the per-order email', () => {
  const a = alert(1);
  expect(renderAlertDigestEmail(input([a]), ctx)).toEqual(
    renderOrderIssueEmail(
      {
        kind: 'issue',
        shopifyOrderId: a.shopifyOrderId,
        shopifyOrderName: a.shopifyOrderName,
        issueType: 'product_missing',
        subjectLine: a.subjectLine,
        details: a.details,
        steps: a.steps,
        workflowId: a.orderWorkflowId,
        idempotencyKey: 'alerts/run/1',
      },
      ctx,
    ),
  );
});

test('a group names every order once, with the shared details and steps said once', () => {
  const mail = renderAlertDigestEmail(input([alert(1), alert(2), alert(3)]), ctx);
  expect(mail.subject).toBe('[Action required] 3 orders: SKU NOPE-3 is not in Vinoshipper');
  expect(mail.text).toContain('3 orders need your attention before they can ship. They have one cause: SKU NOPE-3 is not in Vinoshipper.');
  expect(mail.text).toContain(`Issue: ${wording.title} (${wording.scenario})`);
  expect(mail.text.split('SKU NOPE-3 is not in Vinoshipper\n')).toHaveLength(2); // the details once
  expect(mail.text.split(wording.steps[0])).toHaveLength(2);
  for (const n of [1, 2, 3]) {
    expect(mail.text).toContain(`- #${1000 + n}: https://admin.shopify.com/store/napa-cellars/orders/${5_000_000_000 + n}`);
    expect(mail.html).toContain(`order%3Anapa-cellars.myshopify.com%3A${5_000_000_000 + n}`);
  }
  expect(mail.html).toContain(
    'workflows?query=WorkflowType%3D%22orderWorkflow%22%20AND%20OrderStatus%3D%22needs_attention%22%20AND%20IssueType%3D%22product_missing%22',
  );
});

test('what differs per order (details, an ID upload link) stays with its order', () => {
  const a = alert(1, { details: 'Date of birth could not be verified', steps: [...wording.steps, 'ID upload link for the customer: https://vs.test/id/1'] });
  const b = alert(2, { details: 'Name could not be verified' });
  const mail = renderAlertDigestEmail(input([a, b]), ctx);
  expect(mail.text).not.toContain('Details:');
  expect(mail.text).toMatch(
    /#1001: \S+ · 2026-01-01T10:01:00Z · Date of birth could not be verified — ID upload link for the customer: https:\/\/vs.test\/id\/1/,
  );
  expect(mail.text).toMatch(/#1002: \S+ · 2026-01-01T10:02:00Z · Name could not be verified · workflow history/);
});

test('a follow-up refers to the earlier email; reminders and notices have their own words', () => {
  expect(renderAlertDigestEmail(input([alert(4)], { followUp: true, earlierOrders: 20 }), ctx)).toMatchObject({
    subject: '[Action required] 1 more order: SKU NOPE-3 is not in Vinoshipper',
    text: expect.stringContaining('One more order is blocked by the same cause as the 20 orders in our earlier email'),
  });
  expect(renderAlertDigestEmail(input([alert(1), alert(2)], { kind: 'reminder' }), ctx).subject).toBe(
    '[Reminder] 2 orders still need attention: SKU NOPE-3 is not in Vinoshipper',
  );
  const notice = renderAlertDigestEmail(
    input(
      [
        alert(1, { kind: 'notice', subjectLine: 'Refunded, cancel it in Vinoshipper' }),
        alert(2, { kind: 'notice', subjectLine: 'Refunded, cancel it in Vinoshipper' }),
      ],
      {
        kind: 'notice',
        cause: 'notice:refund-notice',
        issueType: null,
      },
    ),
    ctx,
  );
  expect(notice.subject).toBe('[cellarhand] 2 orders: Refunded, cancel it in Vinoshipper');
  expect(notice.html).toContain('Open order #1001 in Shopify');
});

test('values are escaped in HTML and the subject is one line', () => {
  const mail = renderAlertDigestEmail(input([alert(1, { details: '<script>x</script>' }), alert(2, { shopifyOrderName: '#1002 "quoted"' })]), ctx);
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).toContain('&lt;script&gt;');
  expect(mail.html).toContain('#1002 &quot;quoted&quot;');
  expect(renderAlertDigestEmail(input([alert(1), alert(2)], { cause: 'product_missing:A\nB' }), ctx).subject).not.toContain('\n');
});
