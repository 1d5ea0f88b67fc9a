// The inbox page: the sync switch, the status tabs, and the stuck orders grouped by cause with a
// bulk retry and resolve per group; other statuses list their newest orders. The part inside
// #live is re-rendered by /console/live and swapped in by console.js every few seconds.
import type { OrderStatus } from '../../domain';
import type { OrderListing } from '../../temporal/order-workflows';
import type { InboxCounts } from '../feed';
import { causeSkus, type CauseGroup } from '../inbox';
import { catalogNote, catalogSection, type CatalogView } from './catalog';
import { actionButton, actionDialog, liveParts, resultRegion } from './controls';
import { html, timeAgo, timeAt, type Html } from './html';
import { page, type PageChrome } from './layout';
import { STATUS_LABELS, STATUS_TABS, plural } from './words';

/** A group lists this many orders; the rest are counted. */
const GROUP_SHOWS = 50;

export interface SyncSettingsView {
  syncEnabled: boolean;
  excludeTag: string;
  ordersCreatedAfter: string | null;
  changedAt: string | null;
  changedBy: string | null;
}

export interface InboxView {
  status: OrderStatus;
  counts: InboxCounts;
  settings: SyncSettingsView;
  /** needs_attention: the groups; another status: its newest orders. */
  groups: CauseGroup[];
  orders: OrderListing[];
  /** More orders exist than were read. */
  truncated: boolean;
  /** A search's text, when this is a search's result. */
  search?: string;
  /** The catalogue check, shown under the stuck orders. */
  catalog: CatalogView;
  /** Orders whose workflow Temporal reports failing, with their Web UI page; null when the server cannot say. */
  workflowsFailing: Array<{ order: OrderListing; webUi: string }> | null;
}

export function inboxPage(chrome: PageChrome, view: InboxView): string {
  const query = view.search !== undefined ? `q=${encodeURIComponent(view.search)}` : `status=${view.status}`;
  return page(
    chrome,
    html`<h1 class="visually-hidden">Orders</h1>
      ${resultRegion('bulk-result')}
      <div data-live="/console/live?${query}"><div data-live-part="inbox">${inboxContent(view)}</div></div>
      ${actionDialog()}`,
  );
}

/** What /console/live answers: the inbox's live part. */
export function inboxLive(view: InboxView): Html {
  return liveParts({ inbox: inboxContent(view) });
}

function inboxContent(view: InboxView): Html {
  return html`${syncPanel(view.settings, view.counts.skippedWaiting)} ${failingSection(view.workflowsFailing)}
    <nav class="tabs" aria-label="Orders by status">
      <ul>
        ${STATUS_TABS.map((status) => {
          const current = view.search === undefined && status === view.status;
          return html`<li>
            <a href="/console?status=${status}" ${current ? html`aria-current="page"` : ''} class="tab s-${status}"
              >${STATUS_LABELS[status]} ${status === 'needs_attention' ? html` <span class="count">${view.counts.needsAttention}</span>` : ''}</a
            >
          </li>`;
        })}
      </ul>
    </nav>
    ${view.search !== undefined ? searchResult(view) : view.status === 'needs_attention' ? groupsSection(view) : ordersSection(view)} `;
}

function syncPanel(settings: SyncSettingsView, skippedWaiting: number): Html {
  const on = settings.syncEnabled;
  const waiting = plural(skippedWaiting, 'skipped order');
  const toggle = on
    ? actionButton({
        id: 'sync-toggle',
        label: 'Turn sync off…',
        url: '/console/settings/sync',
        body: { enabled: false },
        result: '#bulk-result',
        confirm: {
          title: 'Turn sync to Vinoshipper off?',
          text: 'New orders are still received and kept, but none is sent to Vinoshipper: each is “skipped” until you turn sync back on. Orders already in Vinoshipper carry on.',
          button: 'Turn sync off',
          danger: true,
        },
      })
    : actionButton({
        id: 'sync-toggle',
        label: 'Turn sync on…',
        url: '/console/settings/sync',
        body: { enabled: true },
        result: '#bulk-result',
        kind: 'primary',
        confirm: {
          title: 'Turn sync to Vinoshipper on?',
          text: `${waiting} will resume and be sent to Vinoshipper${skippedWaiting ? ` (those tagged “${settings.excludeTag}” stay skipped)` : ''}, and new orders are sent again.`,
          button: 'Turn sync on',
        },
      });
  return html`<section class="sync ${on ? 'on' : 'off'}" aria-labelledby="sync-heading">
    <div>
      <h2 id="sync-heading">Sync to Vinoshipper is <strong>${on ? 'on' : 'off'}</strong></h2>
      <p>
        ${on ? 'New paid orders are sent to Vinoshipper.' : html`New orders are received but not sent: they wait as skipped (${waiting} now).`} Orders tagged
        <code>${settings.excludeTag}</code> in Shopify are never sent.
        ${settings.ordersCreatedAfter ? html`Orders placed before ${timeAt(settings.ordersCreatedAfter)} (the cut-off) are never sent.` : ''}
        ${settings.changedAt ? html`<span class="hint">Switched ${timeAgo(settings.changedAt)}${settings.changedBy ? ` by ${settings.changedBy}` : ''}.</span>` : ''}
      </p>
    </div>
    ${toggle}
  </section>`;
}

/**
 * Above everything, on every tab: orders cellarhand cannot run. Their workflow fails in Temporal (a
 * bug, a change that breaks replay, the server), so they cannot raise an issue of their own, and no
 * button here can help: a developer can, from the Web UI's failure.
 */
function failingSection(failing: InboxView['workflowsFailing']): Html {
  if (!failing?.length) return html``;
  const shown = failing.slice(0, GROUP_SHOWS);
  return html`<section class="group card failing" id="workflows-failing" aria-labelledby="workflows-failing-h">
    <h3 id="workflows-failing-h">
      <span class="headline">cellarhand cannot run ${plural(failing.length, 'order')}: their workflow fails in Temporal</span>
    </h3>
    <p>
      A developer is needed. Each order’s page in the Temporal Web UI shows the failure (an error in cellarhand’s workflow code, a change that cannot replay the
      order’s history, or the Temporal server). Nothing is lost meanwhile: once the workflow runs again, the order carries on where it stopped, with every
      message it received.
    </p>
    <ul class="order-list">
      ${shown.map(
        ({ order, webUi }) =>
          html`<li>
            <a href="/console/orders/${order.shopifyOrderId}">${order.shopifyOrderName ?? order.shopifyOrderId}</a>
            <a href="${webUi}" rel="noreferrer">the failure in the Web UI</a>
            <span class="hint">${order.status ?? ''} · received ${timeAgo(order.startedAt)}</span>
          </li>`,
      )}
    </ul>
    ${failing.length > shown.length ? html`<p class="hint">and ${failing.length - shown.length} more</p>` : ''}
  </section>`;
}

function groupsSection(view: InboxView): Html {
  const total = view.groups.reduce((n, g) => n + g.orders.length, 0);
  if (!view.groups.length) {
    return html`<section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">Needs attention</h2>
        <p class="empty">Nothing is stuck. Every order is on its way.</p>
      </section>
      ${catalogSection(view.catalog)}`;
  }
  return html`<section aria-labelledby="inbox-heading">
      <h2 id="inbox-heading">Needs attention: ${plural(total, 'order')} in ${plural(view.groups.length, 'group')}, waiting longest first</h2>
      ${view.truncated ? html`<p class="hint">Showing the first ${total}; more orders need attention.</p>` : ''}
      ${view.groups.map((g) => groupCard(g, view.catalog))}
    </section>
    ${catalogSection(view.catalog)}`;
}

function groupCard(group: CauseGroup, catalog: CatalogView): Html {
  const n = group.orders.length;
  const shown = group.orders.slice(0, GROUP_SHOWS);
  return html`<section class="group card" id="${group.id}" data-cause="${group.cause}" aria-labelledby="${group.id}-h">
    <h3 id="${group.id}-h"><span class="headline">${group.headline}</span> — <span class="count">${plural(n, 'order')}</span></h3>
    <p class="meta">${group.title ?? ''}${group.title ? ' · ' : ''}oldest ${timeAgo(group.orders[0].startedAt)}</p>
    ${catalogNote(catalog.latest, causeSkus(group.cause))}
    <ul class="order-list">
      ${shown.map(
        (o) =>
          html`<li>
            <a href="/console/orders/${o.shopifyOrderId}">${o.shopifyOrderName ?? o.shopifyOrderId}</a>
            <span class="hint">${o.vinoshipperOrderNumber ?? ''} received ${timeAgo(o.startedAt)}</span>
          </li>`,
      )}
    </ul>
    ${n > shown.length ? html`<p class="hint">and ${n - shown.length} more (find one by its name above)</p>` : ''}
    <div class="buttons">
      ${actionButton({ id: `${group.id}-retry`, label: `Retry all ${n}`, url: '/console/groups/retry', body: { cause: group.cause }, result: '#bulk-result', kind: 'primary' })}
      ${actionButton({
        id: `${group.id}-resolve`,
        label: 'Mark all resolved…',
        url: '/console/groups/resolve',
        body: { cause: group.cause },
        result: '#bulk-result',
        confirm: {
          title: `Mark ${plural(n, 'order')} resolved?`,
          text: `For “${group.headline}”: say it was fixed outside cellarhand. Each order clears its issue and carries on (an order not yet in Vinoshipper is sent again, and flagged again if it still fails).`,
          button: `Mark ${n} resolved`,
        },
        field: { name: 'note', label: 'Note (recorded on each order)' },
      })}
    </div>
  </section>`;
}

function ordersSection(view: InboxView): Html {
  return html`<section aria-labelledby="orders-heading">
    <h2 id="orders-heading">${STATUS_LABELS[view.status]}: newest first</h2>
    ${orderRows(view.orders)} ${view.truncated ? html`<p class="hint">Showing the newest ${view.orders.length}.</p>` : ''}
  </section>`;
}

function searchResult(view: InboxView): Html {
  return html`<section aria-labelledby="orders-heading">
    <h2 id="orders-heading">Orders matching “${view.search}”</h2>
    ${view.orders.length ? orderRows(view.orders) : html`<p class="empty">No order is named “${view.search}”. Try the number as Shopify shows it, e.g. #1036.</p>`}
  </section>`;
}

function orderRows(orders: OrderListing[]): Html {
  if (!orders.length) return html`<p class="empty">No orders.</p>`;
  return html`<ul class="order-list rows">
    ${orders.map(
      (o) =>
        html`<li>
          <a href="/console/orders/${o.shopifyOrderId}">${o.shopifyOrderName ?? o.shopifyOrderId}</a>
          ${o.status ? html`<span class="badge s-${o.status}">${STATUS_LABELS[o.status]}</span>` : ''}
          <span class="hint">${o.vinoshipperOrderNumber ?? ''} received ${timeAgo(o.startedAt)}</span>
        </li>`,
    )}
  </ul>`;
}
