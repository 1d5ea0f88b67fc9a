// The grouped merchant alert: one email for every order that ran into the same cause within the
// window, with the seed's contents (order numbers, issue type, details, suggested steps, links).
// A group of one reads exactly like the per-order email; a follow-up adds orders to a cause the
// merchant already heard about. Order numbers, SKUs and wording only, never personal data.
import type { AlertDigestEmailInput, MerchantAlert } from '../../domain/alerts';
import { ISSUE_WORDING, describeCause } from '../../domain/issues';
import { EmailBuilder, type Cell } from './layout';
import { emailFooter, renderOrderIssueEmail, shopifyAdminOrderUrl, workflowListUrl, workflowUrl, type EmailContext, type RenderedEmail } from './templates';

export function renderAlertDigestEmail(input: AlertDigestEmailInput, ctx: EmailContext): RenderedEmail {
  const alerts = input.alerts;
  const [first] = alerts;
  if (!first) throw new RangeError('an alert digest email needs at least one alert');
  if (alerts.length === 1 && !input.followUp) {
    return renderOrderIssueEmail(
      {
        kind: first.kind,
        shopifyOrderId: first.shopifyOrderId,
        shopifyOrderName: first.shopifyOrderName,
        issueType: first.issueType,
        subjectLine: first.subjectLine,
        details: first.details,
        steps: first.steps,
        workflowId: first.orderWorkflowId,
        idempotencyKey: input.idempotencyKey,
      },
      ctx,
    );
  }

  const n = alerts.length;
  const cause = input.kind === 'notice' ? first.subjectLine : describeCause(input.cause);
  const wording = input.issueType ? ISSUE_WORDING[input.issueType] : null;
  const mail = new EmailBuilder().paragraph(intro(input, cause));
  if (wording) mail.paragraph(`Issue: ${wording.title} (${wording.scenario})`);

  const sameDetails = alerts.every((a) => a.details === first.details);
  if (sameDetails && first.details) mail.heading('Details').block(first.details);
  const common = first.steps.filter((step) => alerts.every((a) => a.steps.includes(step)));
  if (common.length) mail.heading('Suggested steps').list(common, { ordered: true });

  mail.heading(n === 1 ? 'Order' : `Orders (${n}, oldest first)`);
  mail.table(
    ['Order', 'Raised', 'Details', 'Links'],
    alerts.map((a): Cell[] => [
      { text: a.shopifyOrderName, href: shopifyAdminOrderUrl(ctx.shopDomain, a.shopifyOrderId) },
      a.raisedAt.replace(/\.\d{3}Z$/, 'Z'),
      orderNotes(a, sameDetails, common),
      { text: 'workflow history', href: workflowUrl(ctx, a.orderWorkflowId) },
    ]),
  );

  if (input.issueType && input.kind !== 'notice') {
    const query = `WorkflowType="orderWorkflow" AND OrderStatus="needs_attention" AND IssueType="${input.issueType}"`;
    mail.action(`See every order with this issue in the Temporal Web UI`, workflowListUrl(ctx, query));
  } else {
    mail.action(`Open order ${first.shopifyOrderName} in Shopify`, shopifyAdminOrderUrl(ctx.shopDomain, first.shopifyOrderId));
  }
  return mail.build(subject(input, cause), emailFooter(ctx));
}

function subject(input: AlertDigestEmailInput, cause: string): string {
  const n = input.alerts.length;
  const orders = input.followUp ? `${n} more ${n === 1 ? 'order' : 'orders'}` : `${n} orders`;
  switch (input.kind) {
    case 'issue':
      return `[Action required] ${orders}: ${cause}`;
    case 'reminder':
      return `[Reminder] ${orders} still ${n === 1 ? 'needs' : 'need'} attention: ${cause}`;
    case 'notice':
      return `[cellarhand] ${orders}: ${cause}`;
  }
}

function intro(input: AlertDigestEmailInput, cause: string): string {
  const n = input.alerts.length;
  const earlier = `the ${input.earlierOrders === 1 ? 'order' : `${input.earlierOrders} orders`} in our earlier email`;
  const these = n === 1 ? 'One more order' : `${n} more orders`;
  switch (input.kind) {
    case 'issue':
      return input.followUp
        ? `${these} ${n === 1 ? 'is' : 'are'} blocked by the same cause as ${earlier}: ${cause}. Fixing the cause fixes them all.`
        : `${n} orders need your attention before they can ship. They have one cause: ${cause}. Fixing it fixes them all.`;
    case 'reminder':
      return `${input.followUp ? these : `${n} orders`} still ${n === 1 ? 'needs' : 'need'} your attention: the issue below is not resolved yet (${cause}).`;
    case 'notice':
      return `An update on ${input.followUp ? these.toLowerCase() : `${n} orders`}: ${cause}.`;
  }
}

/** What only this order has: its own details when they differ, and its own steps (e.g. an ID upload link). */
function orderNotes(alert: MerchantAlert, sameDetails: boolean, common: string[]): string {
  const own = alert.steps.filter((step) => !common.includes(step));
  return [...(sameDetails ? [] : [alert.details]), ...own].filter(Boolean).join(' — ');
}
