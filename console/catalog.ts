// The catalogue check from the console: the latest result (read through the feed, with the inbox)
// and "Run the check now", which waits a little for the run's report like POST /api/catalog/check.
import { Router } from 'express';
import { RUN_NOW_WAIT_MS, type CatalogChecks } from '../temporal/catalog-checks';
import type { ConsoleFeed } from './feed';

export function catalogRoutes(checks: CatalogChecks, feed: ConsoleFeed): Router {
  const router = Router();
  router.post('/console/catalog/check', async (_req, res) => {
    const run = await checks.runNow(RUN_NOW_WAIT_MS);
    feed.invalidate();
    if (run.outcome === 'done') {
      res.json({ outcome: 'done', report: run.report, summary: `Catalogue check: ${run.report.summary}`, tone: run.report.mismatches.length ? 'mixed' : 'ok' });
    } else if (run.outcome === 'running') {
      res.json({ outcome: 'waiting', summary: 'Catalogue check: still checking; the result shows here once it is done.', tone: 'waiting' });
    } else {
      res.status(502).json({ outcome: 'failed', summary: `Catalogue check: it failed — ${run.message}`, tone: 'failed' });
    }
  });
  return router;
}
