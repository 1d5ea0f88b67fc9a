// The shop's sync switch from the console: off, new orders wait as skipped; on again, the orders
// skipped meanwhile resume (temporal/shop-settings.ts). The answer says how many were waiting.
import { Router } from 'express';
import { z } from 'zod';
import { parse } from '../api/ops';
import type { OrderWorkflows } from '../temporal/order-workflows';
import type { ConsoleFeed } from './feed';
import { signedIn } from './guard';
import { plural } from './views/words';

const syncBody = z.object({ enabled: z.boolean() });

export function syncSwitchRoutes(orders: OrderWorkflows, feed: ConsoleFeed): Router {
  const router = Router();
  router.post('/console/settings/sync', async (req, res) => {
    const { enabled } = parse(syncBody, req.body, 'request');
    const { name } = signedIn(res).session;
    const before = await orders.shopSettings.current();
    // Only turning sync on resumes anything: only then are the skipped orders counted.
    const waiting = enabled && !before.syncEnabled ? await orders.count({ status: 'skipped', running: true }) : 0;
    const state = await orders.shopSettings.setSyncEnabled(enabled, name ? `${name} (console)` : 'console');
    feed.invalidate();
    const { excludeTag } = await orders.settingsView();
    const summary =
      before.syncEnabled === enabled
        ? `Sync was already ${enabled ? 'on' : 'off'}.`
        : enabled
          ? `Sync is on: ${plural(waiting, 'skipped order')} resuming (any tagged “${excludeTag}” stay skipped); new orders are sent again.`
          : 'Sync is off: new orders are kept as skipped until you turn it back on.';
    res.json({ ...state, summary, tone: 'ok' });
  });
  return router;
}
