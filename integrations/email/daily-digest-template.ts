// The daily digest: every order still waiting for the merchant, grouped by cause, oldest first,
// each cause with what to do. Order numbers, causes and links only.
import type { DailyDigestEmailInput } from '../../domain/daily-digest';
import { ISSUE_WORDING } from '../../domain/issues';
import { EmailBuilder } from './layout';
import { emailFooter, shopifyAdminOrderUrl, workflowListUrl, workflowUrl, type EmailContext, type RenderedEmail } from './templates';

export function renderDailyDigestEmail(input: DailyDigestEmailInput, ctx: EmailContext): RenderedEmail {
  const n = input.total;
  const orders = `${input.truncated ? 'More than ' : ''}${n} order${n === 1 ? '' : 's'}`;
  const mail = new EmailBuilder().paragraph(
    `${orders} still ${n === 1 && !input.truncated ? 'needs' : 'need'} your attention in cellarhand, grouped by cause, oldest first.`,
  );
  for (const group of input.groups) {
    mail.heading(`${group.description} (${group.orders.length})`);
    const steps = group.steps ?? (group.issueType ? ISSUE_WORDING[group.issueType].steps : null);
    if (steps) mail.list(steps, { ordered: true });
    mail.table(
      ['Order', 'Waiting since', 'History'],
      group.orders.map((o) => [
        { text: o.shopifyOrderName, href: shopifyAdminOrderUrl(ctx.shopDomain, o.shopifyOrderId) },
        `${o.since.slice(0, 16).replace('T', ' ')} UTC`,
        { text: 'workflow', href: workflowUrl(ctx, o.workflowId) },
      ]),
    );
  }
  if (input.truncated) mail.paragraph('This email lists the oldest ones; the Web UI lists them all.', { muted: true });
  mail.action(
    'See every order that needs attention in the Temporal Web UI',
    workflowListUrl(ctx, 'WorkflowType="orderWorkflow" AND OrderStatus="needs_attention"'),
  );
  return mail.build(`[cellarhand] Daily digest: ${orders} need${n === 1 && !input.truncated ? 's' : ''} attention`, emailFooter(ctx));
}
