// The catalogue check's email: the SKU problems this run found for the first time, grouped by kind,
// each with its Shopify product, the near-match hint, the orders it already blocks and what to do;
// then what was resolved since the last check. SKUs, product titles and order numbers only.
import { MISMATCH_WORDING, type CatalogCheckReport, type SkuMismatch, type SkuMismatchKind } from '../../domain/catalog-check';
import { EmailBuilder, type Cell } from './layout';
import { emailFooter, shopifyAdminOrderUrl, shopifyAdminProductUrl, type EmailContext, type RenderedEmail } from './templates';

const KINDS: SkuMismatchKind[] = ['missing_in_vinoshipper', 'sold_out_in_vinoshipper', 'variant_without_sku'];

export function renderCatalogCheckEmail(report: CatalogCheckReport, ctx: EmailContext): RenderedEmail {
  const fresh = report.mismatches.filter((m) => report.newKeys.includes(m.key));
  const n = fresh.length;
  const mail = new EmailBuilder().paragraph(
    `cellarhand compared the SKUs of your active Shopify products with your Vinoshipper products and found ${n === 1 ? 'a new problem' : `${n} new problems`}. ` +
      'Fixing them now keeps orders from getting stuck.',
  );
  for (const kind of KINDS) {
    const ofKind = fresh.filter((m) => m.kind === kind);
    if (!ofKind.length) continue;
    const wording = MISMATCH_WORDING[kind];
    mail.heading(`${wording.title} (${ofKind.length})`).list(wording.steps);
    mail.table(
      ['SKU', 'Shopify product', 'Note', 'Orders already stuck'],
      ofKind.map((m): Cell[] => [
        m.sku ?? '(none)',
        { text: variantLabel(m), href: shopifyAdminProductUrl(ctx.shopDomain, m.variants[0].productId) },
        note(m),
        m.blockedOrders.map((o) => o.shopifyOrderName).join(', ') || '—',
      ]),
    );
    const stuck = ofKind.flatMap((m) => m.blockedOrders);
    if (stuck.length === 1) mail.link(`Open order ${stuck[0].shopifyOrderName} in Shopify`, shopifyAdminOrderUrl(ctx.shopDomain, stuck[0].shopifyOrderId));
  }
  if (report.resolved.length) {
    mail.heading('Resolved since the last check');
    mail.list(report.resolved.map((m) => `${MISMATCH_WORDING[m.kind].title}: ${m.sku ?? variantLabel(m)}`));
  }
  const open = report.mismatches.length - n;
  if (open > 0) mail.paragraph(`${open === 1 ? 'One problem' : `${open} problems`} reported earlier ${open === 1 ? 'is' : 'are'} still open.`, { muted: true });
  mail.paragraph(report.summary, { muted: true });

  const subject = `[cellarhand] Catalogue check: ${n === 1 ? `SKU problem: ${fresh[0].sku ?? variantLabel(fresh[0])}` : `${n} new SKU problems`}`;
  return mail.build(subject, emailFooter(ctx));
}

function variantLabel(m: SkuMismatch): string {
  const [first] = m.variants;
  const label = first.variantTitle && first.variantTitle !== 'Default Title' ? `${first.productTitle} – ${first.variantTitle}` : first.productTitle;
  return m.variants.length > 1 ? `${label} (+${m.variants.length - 1} more)` : label;
}

function note(m: SkuMismatch): string {
  if (m.nearMatch) return `Vinoshipper has “${m.nearMatch.sku}” (differs only in ${m.nearMatch.differsIn})`;
  return '';
}
