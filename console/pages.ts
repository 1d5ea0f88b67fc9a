// The console's pages and the fragments its script polls for live updates. The inbox reads Temporal
// visibility only (search attributes: no personal data); one order's page runs the order's `status`
// query, decoded here on the server through the payload codec.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { ORDER_STATUSES } from '../domain';
import { orderId, parse } from '../api/ops';
import { HttpError } from '../api/errors';
import { ORDER_SEARCH, OrderWorkflowFailingError, UnknownOrderError, type OrderWorkflows } from '../temporal/order-workflows';
import { INBOX_LIMIT, STATUS_LIMIT, type ConsoleFeed } from './feed';
import { signedIn } from './guard';
import { groupByCause, stuckBySku } from './inbox';
import { orderLinks } from './links';
import type { PageChrome } from './views/layout';
import { inboxLive, inboxPage, type InboxView } from './views/inbox';
import { orderLive, orderPage, type OrderPageView } from './views/order';
import { STATUS_LABELS } from './views/words';

/** How long one order's page waits for its `status` query (the worker answers it). */
const QUERY_DEADLINE_MS = 5_000;

const inboxQuery = z.object({
  status: z.enum(ORDER_STATUSES).default('needs_attention'),
  q: z
    .string()
    .trim()
    .max(41)
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export function pageRoutes(config: Config, orders: OrderWorkflows, feed: ConsoleFeed): Router {
  const router = Router();
  const chrome = (res: Response, title: string, search?: string): PageChrome => {
    const { session, csrfToken } = signedIn(res);
    return { title, shopDomain: config.shopify.shopDomain, signedIn: { csrfToken, name: session.name }, search };
  };

  async function inbox(req: Request): Promise<InboxView> {
    const { status, q } = parse(inboxQuery, req.query, 'query');
    const [settings, stuck, failing, catalog] = await Promise.all([orders.settingsView(), feed.needsAttention(), feed.workflowsFailing(), feed.catalog()]);
    const skippedWaiting = settings.syncEnabled ? 0 : await feed.skippedWaiting();
    const counts = { needsAttention: stuck.length, skippedWaiting };
    const workflowsFailing = failing && failing.map((order) => ({ order, webUi: orderLinks(config, order).webUi }));
    const base = { status, counts, settings, workflowsFailing, catalog: { ...catalog, stuckBySku: stuckBySku(stuck) } };
    if (q !== undefined) {
      if (!ORDER_SEARCH.test(q)) throw new HttpError(400, `“${q}” is not an order name or number: search like #1036 or 1036`);
      const found = await orders.list({ search: q, limit: 20 });
      return { ...base, groups: [], orders: found, truncated: false, search: q };
    }
    if (status === 'needs_attention') {
      return { ...base, groups: groupByCause(stuck), orders: [], truncated: stuck.length >= INBOX_LIMIT };
    }
    const listed = await feed.list({ status, limit: STATUS_LIMIT });
    return { ...base, groups: [], orders: listed, truncated: listed.length >= STATUS_LIMIT };
  }

  router.get('/console', async (req, res) => {
    const view = await inbox(req);
    // A search that finds exactly one order opens it.
    if (view.search !== undefined && view.orders.length === 1) {
      res.redirect(303, `/console/orders/${view.orders[0].shopifyOrderId}`);
      return;
    }
    const title = view.search !== undefined ? `Find ${view.search}` : view.status === 'needs_attention' ? 'Inbox' : STATUS_LABELS[view.status];
    res.type('html').send(inboxPage(chrome(res, title, view.search), view));
  });

  // Live: the same part of the page, answered 304 when nothing changed (express's ETag).
  router.get('/console/live', async (req, res) => {
    res.type('html').send(inboxLive(await inbox(req)).text);
  });

  async function order(req: Request): Promise<OrderPageView> {
    const id = parse(orderId, req.params.id, 'order id');
    try {
      const [view, description] = await orders.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => Promise.all([orders.status(id), orders.describe(id)]));
      return {
        order: view,
        running: description.status.name === 'RUNNING',
        links: orderLinks(config, { shopifyOrderId: id, vinoshipperOrderNumber: view.vinoshipperOrderNumber, workflowId: description.workflowId }),
      };
    } catch (err) {
      if (err instanceof UnknownOrderError) throw new HttpError(404, `cellarhand knows no order ${id}`);
      if (err instanceof OrderWorkflowFailingError) {
        const { webUi } = orderLinks(config, { shopifyOrderId: id, vinoshipperOrderNumber: null, workflowId: err.workflowId });
        throw new HttpError(503, `${err.message} Its workflow in the Web UI: ${webUi}`);
      }
      throw err;
    }
  }

  router.get('/console/orders/:id', async (req, res) => {
    const view = await order(req);
    res.type('html').send(orderPage(chrome(res, `Order ${view.order.shopifyOrderName}`), view));
  });

  router.get('/console/live/orders/:id', async (req, res) => {
    res.type('html').send(orderLive(await order(req)).text);
  });
  return router;
}
