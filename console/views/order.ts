// One order: its status, the issue in plain words with its details and the email's suggested
// steps, the compliance events, the timeline, links to it in Shopify, Vinoshipper and the Web UI,
// and the four requests. The part inside #live is re-rendered by /console/live/orders/:id.
import { ISSUE_WORDING, describeCause, type OrderStatusView } from '../../domain';
import type { OrderLinks } from '../links';
import { actionButton, actionDialog, liveParts, resultRegion } from './controls';
import { html, timeAgo, timeAt, type Html } from './html';
import { page, type PageChrome } from './layout';
import { STATUS_LABELS, STATUS_MEANING } from './words';

export interface OrderPageView {
  order: OrderStatusView;
  /** The order's workflow still runs (a finished order takes no more requests). */
  running: boolean;
  links: OrderLinks;
}

export function orderPage(chrome: PageChrome, view: OrderPageView): string {
  const { order } = view;
  const id = order.shopifyOrderId;
  const name = order.shopifyOrderName;
  const url = (action: string) => `/console/orders/${id}/${action}`;
  return page(
    chrome,
    html`<p class="crumbs"><a href="/console">← Inbox</a></p>
      <h1>Order ${name}</h1>
      <nav class="links" aria-label="This order elsewhere">
        <a href="${view.links.shopify}" target="_blank" rel="noopener noreferrer">Open in Shopify admin</a>
        ${view.links.vinoshipper ? html`<a href="${view.links.vinoshipper}" target="_blank" rel="noopener noreferrer">Open in Vinoshipper</a>` : ''}
        <a href="${view.links.webUi}" target="_blank" rel="noopener noreferrer">Open in the Temporal Web UI</a>
      </nav>
      <div data-live="/console/live/orders/${id}">
        <div data-live-part="summary">${orderSummary(view)}</div>
        <section class="card actions" aria-labelledby="actions-heading">
          <h2 id="actions-heading">Act on ${name}</h2>
          <p class="hint">The order answers each request: what it did, or why the request does not apply now.</p>
          <div class="buttons">
            ${actionButton({ id: 'action-retry', label: 'Retry', url: url('retry'), result: '#order-result', kind: 'primary' })}
            ${actionButton({
              id: 'action-resolve',
              label: 'Mark resolved…',
              url: url('resolve'),
              result: '#order-result',
              confirm: {
                title: `Mark ${name} resolved?`,
                text: 'Say the issue was fixed outside cellarhand; the order clears it and carries on.',
                button: 'Mark resolved',
              },
              field: { name: 'note', label: 'Note: what was done (recorded on the order)' },
            })}
            ${actionButton({
              id: 'action-refund',
              label: 'Refund…',
              url: url('refund'),
              result: '#order-result',
              kind: 'danger',
              confirm: {
                title: `Refund ${name} in full?`,
                text: 'The customer is refunded in full in Shopify (once, however often this is asked) and the order is cancelled in Vinoshipper. This cannot be undone.',
                button: `Refund ${name}`,
                danger: true,
              },
              field: { name: 'reason', label: 'Reason for the refund (recorded on the order)' },
            })}
            ${actionButton({
              id: 'action-cancel',
              label: 'Cancel…',
              url: url('cancel'),
              result: '#order-result',
              kind: 'danger',
              confirm: {
                title: `Cancel ${name}?`,
                text: 'cellarhand stops syncing the order and cancels it in Vinoshipper if it is there. The customer is not refunded by this: refund in Shopify, or use Refund instead.',
                button: `Cancel ${name}`,
                danger: true,
              },
              field: { name: 'reason', label: 'Reason for cancelling (recorded on the order)' },
            })}
          </div>
          ${resultRegion('order-result')}
        </section>
        <div data-live-part="timeline">${orderTimeline(view)}</div>
      </div>
      ${actionDialog()}`,
  );
}

/** What /console/live/orders/:id answers: the page's live parts, swapped in by console.js. */
export function orderLive(view: OrderPageView): Html {
  return liveParts({ summary: orderSummary(view), timeline: orderTimeline(view) });
}

function orderSummary(view: OrderPageView): Html {
  const { order } = view;
  return html`<section class="card status" aria-labelledby="status-heading">
      <h2 id="status-heading">Status: <span class="badge s-${order.status}" id="order-status">${STATUS_LABELS[order.status]}</span></h2>
      <p>${STATUS_MEANING[order.status]}${view.running ? '' : ' This order is finished: it takes no more requests.'}</p>
      <dl class="facts">
        <dt>Vinoshipper order</dt>
        <dd>${order.vinoshipperOrderNumber ?? 'not in Vinoshipper yet'}</dd>
        <dt>Refunded</dt>
        <dd>${order.refunded ? 'yes' : 'no'}</dd>
      </dl>
    </section>
    ${order.issue ? issueSection(order.issue) : ''} ${order.complianceEvents.length ? complianceSection(order) : ''}`;
}

function orderTimeline({ order }: OrderPageView): Html {
  return html`<section class="card" aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">Timeline, newest first</h2>
    <ol class="timeline" reversed>
      ${[...order.timeline].reverse().map((e) => html`<li><span class="when">${timeAt(e.at)}</span> <span class="what">${e.message}</span></li>`)}
    </ol>
  </section>`;
}

function issueSection(issue: NonNullable<OrderStatusView['issue']>): Html {
  const wording = ISSUE_WORDING[issue.type];
  return html`<section class="card issue" aria-labelledby="issue-heading">
    <h2 id="issue-heading">${wording?.title ?? issue.type}</h2>
    <p class="meta">${describeCause(issue.cause)} · raised ${timeAgo(issue.since)} · ${wording?.scenario ?? ''}</p>
    <h3>Details</h3>
    <p class="details">${issue.details}</p>
    ${issue.idScanUrl ? html`<p>ID upload link for the customer: <a href="${issue.idScanUrl}" rel="noopener noreferrer" target="_blank">${issue.idScanUrl}</a></p>` : ''}
    <h3>What to do</h3>
    <ol class="steps">
      ${issue.steps.map((step) => html`<li>${step}</li>`)}
    </ol>
  </section>`;
}

function complianceSection(order: OrderStatusView): Html {
  return html`<section class="card" aria-labelledby="compliance-heading">
    <h2 id="compliance-heading">Compliance events</h2>
    <ul>
      ${order.complianceEvents.map(
        (e) =>
          html`<li>
            ${timeAt(e.at)} · destination ${e.destinationState ?? 'unknown'}
            <ul>
              ${e.problems.map((p) => html`<li>${p.code ? html`<code>${p.code}</code> ` : ''}${p.message}</li>`)}
            </ul>
          </li>`,
      )}
    </ul>
  </section>`;
}
