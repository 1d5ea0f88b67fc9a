// Emails about Shopify's privacy requests: a customer data request to answer, and a redaction that
// cannot finish because orders still run. Ids, order names and statuses only: the customer's email
// and phone never reach cellarhand's workflows, so they cannot reach an email either.
import type { PrivacyEmailInput } from '../../domain/privacy';
import { escapeHtml, shopifyAdminOrderUrl, workflowUrl, type EmailContext, type RenderedEmail } from './templates';

const LIST_LIMIT = 100;

export function renderPrivacyEmail(input: PrivacyEmailInput, ctx: EmailContext): RenderedEmail {
  const body = input.kind === 'data_request' ? dataRequest(input, ctx) : redactionPending(input, ctx);
  const footer = `Sent by cellarhand for ${ctx.shopDomain}. Privacy requests: see the README section “Privacy webhooks”.`;
  const text = [...body.paragraphs.flatMap((p) => [p, '']), `Request record: ${workflowUrl(ctx, input.workflowId)}`, '', footer].join('\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5;max-width:600px">',
    ...body.paragraphs.map((p) => `<p style="white-space:pre-wrap">${e(p)}</p>`),
    `<p><a href="${e(workflowUrl(ctx, input.workflowId))}">The request’s record in Temporal</a></p>`,
    `<p style="color:#59636e;font-size:12px">${e(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { subject: body.subject.replace(/\s+/g, ' ').trim(), text, html };
}

function dataRequest(input: Extract<PrivacyEmailInput, { kind: 'data_request' }>, ctx: EmailContext) {
  const count = input.held.length === 1 ? '1 order' : `${input.held.length} orders`;
  const subject = `[cellarhand] Customer data request ${input.dataRequestId}: ${count} held`;
  const orders = input.held.slice(0, LIST_LIMIT).map((o) => {
    const name = o.shopifyOrderName ?? `order ${o.shopifyOrderId}`;
    return `- ${name} (Shopify order ${o.shopifyOrderId}, ${o.status ?? 'status unknown'}${o.running ? ', still syncing' : ''}): ${shopifyAdminOrderUrl(ctx.shopDomain, o.shopifyOrderId)}\n  workflow ${o.workflowId}: ${workflowUrl(ctx, o.workflowId)}`;
  });
  if (input.held.length > LIST_LIMIT) orders.push(`- … and ${input.held.length - LIST_LIMIT} more (see the request record)`);
  const paragraphs = [
    `Shopify forwarded a customer data request (request ${input.dataRequestId}, Shopify customer ${input.customerId}, received ${input.receivedAt}). The store owner provides the customer’s data; Shopify expects it within 30 days.`,
    input.held.length
      ? `cellarhand holds these orders of this customer:\n${orders.join('\n')}`
      : 'cellarhand holds none of the orders Shopify listed for this customer.',
  ];
  if (input.notHeldOrderIds.length) paragraphs.push(`Orders Shopify listed that cellarhand does not hold: ${input.notHeldOrderIds.join(', ')}.`);
  if (input.held.length) {
    paragraphs.push(
      'What cellarhand holds for each order: the order as Shopify sent it (customer name, email, phone, shipping and billing address, line items, note attributes such as the date of birth from the age gate), the Vinoshipper order number and the sync’s timeline, in the order’s Temporal workflow history.',
      [
        'Export it via:',
        '1. the Temporal Web UI: open each workflow above and download its history (decoded through the codec server), or',
        "2. the CLI: temporal workflow show --workflow-id '<workflow id>' --output json (with the codec server's --codec-endpoint), and",
        '3. the ops API for the status and timeline: GET /api/orders/<Shopify order id>.',
        'Shopify’s own customer export covers the same order data; Vinoshipper holds its own copy of the orders sent to it.',
      ].join('\n'),
    );
  }
  return { subject, paragraphs };
}

function redactionPending(input: Extract<PrivacyEmailInput, { kind: 'redaction_pending' }>, _ctx: EmailContext) {
  const count = input.running.length === 1 ? '1 order' : `${input.running.length} orders`;
  const what =
    input.requestKind === 'shop_redact' ? 'shop data erasure (shop/redact)' : `customer data erasure (customers/redact, Shopify customer ${input.customerId})`;
  const subject = `[Action required] Privacy request: ${count} still running, not erased yet`;
  const list = input.running.slice(0, LIST_LIMIT).map((id) => `- ${id}`);
  if (input.running.length > LIST_LIMIT) list.push(`- … and ${input.running.length - LIST_LIMIT} more (see the request record)`);
  const paragraphs = [
    `Shopify asked cellarhand on ${input.receivedAt} for a ${what}; Shopify’s deadline is ${input.deadline}. Everything finished is erased, but these order workflows are still running and cellarhand does not delete a running order:\n${list.join('\n')}`,
    'What to do: bring each order to an end (it ships and is fulfilled, or send “cancel” from the ops API / the Web UI). cellarhand checks again every day and erases each one as soon as it has finished; send the “recheck” signal to the request’s workflow to check at once.',
  ];
  return { subject, paragraphs };
}
