// /console: the winery's page for stuck orders, served by the API on its own origin. Assembled here
// in the order requests meet it: headers and HTTPS, assets, sign-in, then only with a session and
// (for every change) a CSRF token: pages, order requests, the sync switch, the catalogue check.
import { join } from 'node:path';
import express, { Router, type ErrorRequestHandler } from 'express';
import { ServiceError, isGrpcServiceError } from '@temporalio/client';
import type { Config } from '../config';
import { HttpError } from '../api/errors';
import { requestLogger } from '../api/logging';
import { CatalogChecks } from '../temporal/catalog-checks';
import type { OrderWorkflows } from '../temporal/order-workflows';
import { actionRoutes } from './actions';
import { catalogRoutes } from './catalog';
import { ConsoleFeed } from './feed';
import { consoleHeaders, httpsOnly, requireCsrf, requireSession, wantsJson } from './guard';
import { pageRoutes } from './pages';
import { ConsoleSessions } from './session';
import { signInRoutes } from './sign-in';
import { syncSwitchRoutes } from './sync-switch';
import { errorPage } from './views/error';

/** The stylesheet and script, as they are in the source tree (copied next to the build by `npm run build`). */
export const CONSOLE_ASSETS = join(__dirname, 'assets');

export function consoleRoutes(config: Config, orders: OrderWorkflows): Router {
  const sessions = new ConsoleSessions(config.console);
  const catalogChecks = new CatalogChecks(orders.client, config.temporal.taskQueue);
  const feed = new ConsoleFeed(orders, catalogChecks);
  const router = Router();
  router.use('/console', consoleHeaders(config.console.secure), httpsOnly(config.console.secure, config.api.publicUrl));
  router.use('/console/assets', express.static(CONSOLE_ASSETS, { index: false, fallthrough: false }));
  router.use('/console', express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }));
  router.use(signInRoutes(sessions, config.shopify.shopDomain));
  router.use('/console', requireSession(sessions), requireCsrf(sessions));
  router.use(pageRoutes(config, orders, feed));
  router.use(actionRoutes(orders, feed));
  router.use(syncSwitchRoutes(orders, feed));
  router.use(catalogRoutes(catalogChecks, feed));
  router.use('/console', (req) => {
    throw new HttpError(404, `The console has no page ${req.path}`);
  });
  router.use('/console', consoleErrors(config.shopify.shopDomain));
  return router;
}

/** Errors as people see them: a page for a page, JSON with a `summary` for the page's script. */
function consoleErrors(shopDomain: string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let message = 'Something went wrong on cellarhand’s side; nothing was changed. Try again.';
    const details = err instanceof HttpError ? err.details : undefined;
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (err instanceof ServiceError || isGrpcServiceError(err)) {
      status = 503;
      message = 'Temporal did not answer (is it running, and is the worker up?). Nothing was changed; try again in a moment.';
      requestLogger(req).error({ err, path: req.path }, 'console: Temporal unavailable');
    } else if (typeof err?.status === 'number' && err.status < 500) {
      status = err.status;
      message = err.type === 'entity.too.large' ? 'That is more text than the console takes.' : 'The request could not be read.';
    } else {
      requestLogger(req).error({ err, path: req.path }, 'console: request failed');
    }
    const problems = Array.isArray(details?.problems) ? ` (${details.problems.join('; ')})` : '';
    if (wantsJson(req) || req.method !== 'GET') {
      res.status(status).json({ error: message, ...details, summary: `${message}${problems}`, tone: 'refused' });
      return;
    }
    res
      .status(status)
      .type('html')
      .send(errorPage(shopDomain, status, message));
  };
}
