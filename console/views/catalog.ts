// The inbox's catalogue check section (SKU early warning): the latest check's open mismatches with
// their products and the orders stuck on them right now, what was resolved, and "Run the check now".
import { MISMATCH_WORDING, type CatalogCheckReport, type SkuMismatch } from '../../domain';
import type { OrderListing } from '../../temporal/order-workflows';
import { actionButton } from './controls';
import { html, timeAgo, type Html } from './html';

export interface CatalogView {
  latest: CatalogCheckReport | null;
  /** Checks running now (the schedule's or one asked for). */
  running: { startedAt: string }[];
  /** The orders stuck now for each SKU (from the inbox's own list, so as fresh as it). */
  stuckBySku: Map<string, OrderListing[]>;
}

export function catalogSection(view: CatalogView): Html {
  const { latest } = view;
  return html`<section class="card catalog" id="catalog" aria-labelledby="catalog-heading">
    <h2 id="catalog-heading">Catalogue check</h2>
    <p class="meta">
      Shopify’s SKUs against Vinoshipper’s products, before an order fails on a mismatch.
      ${latest ? html`Last checked ${timeAgo(latest.checkedAt)}: ${latest.summary}` : 'No check has run yet.'}
      ${view.running.length ? html`<strong>A check is running</strong> (started ${timeAgo(view.running[0].startedAt)}).` : ''}
    </p>
    ${
      latest?.mismatches.length
        ? html`<ul class="mismatches">
            ${latest.mismatches.map((m) => mismatchItem(m, latest.newKeys.includes(m.key), view.stuckBySku))}
          </ul>`
        : ''
    }
    ${
      latest?.resolved.length
        ? html`<p class="hint">Resolved since the check before: ${latest.resolved.map((m) => m.sku ?? m.variants[0]?.productTitle ?? m.key).join(', ')}.</p>`
        : ''
    }
    <div class="buttons">${actionButton({ id: 'catalog-run', label: 'Run the check now', url: '/console/catalog/check', result: '#bulk-result' })}</div>
  </section>`;
}

function mismatchItem(m: SkuMismatch, isNew: boolean, stuckBySku: Map<string, OrderListing[]>): Html {
  const stuck = m.sku ? (stuckBySku.get(m.sku) ?? []) : [];
  const products = m.variants.map((v) => (v.variantTitle && v.variantTitle !== 'Default Title' ? `${v.productTitle} — ${v.variantTitle}` : v.productTitle));
  return html`<li class="mismatch">
    <p>
      <strong>${MISMATCH_WORDING[m.kind].title}${m.sku ? html`: <code>${m.sku}</code>` : ''}</strong>
      ${isNew ? html`<span class="badge">new</span>` : ''}
      <span class="hint">(${products.join(', ')}; since ${timeAgo(m.firstSeenAt)})</span>
    </p>
    ${m.nearMatch ? html`<p>Vinoshipper has <code>${m.nearMatch.sku}</code>, which differs only in ${m.nearMatch.differsIn}.</p>` : ''}
    <p>
      ${
        stuck.length
          ? html`Orders stuck on it now:
            ${stuck.map((o, i) => html`${i ? ', ' : ''}<a href="/console/orders/${o.shopifyOrderId}">${o.shopifyOrderName ?? o.shopifyOrderId}</a>`)}.`
          : 'No order is stuck on it now.'
      }
      ${MISMATCH_WORDING[m.kind].steps.join(' ')}
    </p>
  </li>`;
}

/** For a stuck order's group: the catalogue check's word on its SKU, when it has one. */
export function catalogNote(latest: CatalogCheckReport | null, skus: string[]): Html {
  const found = latest?.mismatches.filter((m) => m.sku && skus.includes(m.sku)) ?? [];
  if (!found.length) return html``;
  return html`<p class="hint">
    The <a href="#catalog">catalogue check</a> reports ${found.map((m, i) => html`${i ? ', ' : ''}<code>${m.sku}</code>`)} since
    ${timeAgo(found[0].firstSeenAt)}: ${MISMATCH_WORDING[found[0].kind].title.toLowerCase()}.
  </p>`;
}
