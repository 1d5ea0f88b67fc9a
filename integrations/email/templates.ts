// The order-issue email: what went wrong with which order, in plain words, what to do, and one
// primary link to the order in Shopify. Inputs carry order numbers, issue wording and ids only,
// never a customer's personal data; keep it that way.
import type { OrderIssueEmailInput } from '../../domain/activities';
import { ISSUE_WORDING } from '../../domain/issues';

export interface EmailContext {
  shopDomain: string;
  temporalUiUrl: string;
  temporalNamespace: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const SUBJECT_PREFIX: Record<OrderIssueEmailInput['kind'], string> = {
  issue: '[Action required]',
  reminder: '[Reminder]',
  notice: '[cellarhand]',
};

const INTRO: Record<OrderIssueEmailInput['kind'], (order: string) => string> = {
  issue: (order) => `Order ${order} needs your attention before it can ship.`,
  reminder: (order) => `Order ${order} still needs your attention: the issue below is not resolved yet.`,
  notice: (order) => `An update on order ${order}.`,
};

function shopifyAdminUrl(shopDomain: string): string {
  const handle = shopDomain.replace(/\.myshopify\.com$/, '');
  return `https://admin.shopify.com/store/${encodeURIComponent(handle)}`;
}

export function shopifyAdminOrderUrl(shopDomain: string, shopifyOrderId: string): string {
  return `${shopifyAdminUrl(shopDomain)}/orders/${encodeURIComponent(shopifyOrderId)}`;
}

export function shopifyAdminProductUrl(shopDomain: string, productId: string): string {
  return `${shopifyAdminUrl(shopDomain)}/products/${encodeURIComponent(productId)}`;
}

export function workflowUrl(ctx: EmailContext, workflowId: string): string {
  const base = ctx.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(ctx.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The Web UI's workflow list filtered by a visibility query (e.g. every order blocked by one issue type). */
export function workflowListUrl(ctx: EmailContext, query: string): string {
  const base = ctx.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(ctx.temporalNamespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function emailFooter(ctx: EmailContext): string {
  return `Sent by cellarhand for ${ctx.shopDomain}. Commands such as “retry” and “refund” are signals: send them from the order’s workflow page in the Temporal Web UI.`;
}

export function renderOrderIssueEmail(input: OrderIssueEmailInput, ctx: EmailContext): RenderedEmail {
  const order = input.shopifyOrderName;
  const wording = input.issueType ? ISSUE_WORDING[input.issueType] : null;
  const orderUrl = shopifyAdminOrderUrl(ctx.shopDomain, input.shopifyOrderId);
  const historyUrl = workflowUrl(ctx, input.workflowId);
  const intro = INTRO[input.kind](order);
  const footer = emailFooter(ctx);

  // A header value: one line, whatever the inputs held.
  const subject = `${SUBJECT_PREFIX[input.kind]} Order ${order}: ${input.subjectLine}`.replace(/\s+/g, ' ').trim();

  const text = [
    intro,
    '',
    `Shopify order: ${order}`,
    ...(wording ? [`Issue: ${wording.title}`, `(${wording.scenario})`] : []),
    ...(input.details ? ['', 'Details:', input.details] : []),
    ...(input.steps.length ? ['', 'Suggested steps:', ...input.steps.map((step, i) => `${i + 1}. ${step}`)] : []),
    '',
    `Open the order in Shopify: ${orderUrl}`,
    `Workflow history: ${historyUrl}`,
    '',
    footer,
  ].join('\n');

  const e = escapeHtml;
  const html = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5;max-width:600px">',
    `<p>${e(intro)}</p>`,
    `<p><strong>Shopify order:</strong> ${e(order)}`,
    wording ? `<br><strong>Issue:</strong> ${e(wording.title)}<br><span style="color:#59636e">${e(wording.scenario)}</span>` : '',
    '</p>',
    input.details ? `<h3 style="margin-bottom:4px">Details</h3><p style="white-space:pre-wrap;margin-top:0">${e(input.details)}</p>` : '',
    input.steps.length
      ? `<h3 style="margin-bottom:4px">Suggested steps</h3><ol style="margin-top:0">${input.steps.map((step) => `<li>${e(step)}</li>`).join('')}</ol>`
      : '',
    `<p><a href="${e(orderUrl)}" style="display:inline-block;padding:10px 16px;background:#008060;color:#fff;border-radius:6px;text-decoration:none">Open order ${e(order)} in Shopify</a></p>`,
    `<p><a href="${e(historyUrl)}">Workflow history in Temporal</a></p>`,
    `<p style="color:#59636e;font-size:12px">${e(footer)}</p>`,
    '</body></html>',
  ].join('');

  return { subject, html, text };
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
