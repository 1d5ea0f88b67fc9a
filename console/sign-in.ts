// Signing in and out. Wrong passwords are rate-limited per client address (express-rate-limit:
// only failed attempts count), and the sign-in form carries its own CSRF token, so another site
// cannot sign a browser in either.
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../api/errors';
import type { ConsoleSessions } from './session';
import { signInPage } from './views/sign-in';

/** Wrong passwords allowed per client address per window; then 429 until the window ends. */
export const SIGN_IN_ATTEMPTS = 10;
const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** Where to go after signing in: a console page of this site, nothing else. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[\w\-/?=&%#.]*)?$/.test(next) && !next.startsWith('//') ? next : '/console';
}

export function signInRoutes(sessions: ConsoleSessions, shopDomain: string): Router {
  const router = Router();
  const failedSignIns = rateLimit({
    windowMs: SIGN_IN_WINDOW_MS,
    limit: SIGN_IN_ATTEMPTS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      res
        .status(429)
        .type('html')
        .send(
          signInPage({
            shopDomain,
            loginToken: sessions.loginToken(req, res),
            next: safeNext(req.body?.next),
            problem: `Too many wrong passwords from your address: try again in ${Math.ceil(SIGN_IN_WINDOW_MS / 60_000)} minutes.`,
          }),
        );
    },
  });

  router.get('/console/sign-in', (req, res) => {
    if (sessions.read(req)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    res.type('html').send(signInPage({ shopDomain, loginToken: sessions.loginToken(req, res), next: safeNext(req.query.next) }));
  });

  router.post('/console/sign-in', failedSignIns, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const name = typeof body.name === 'string' ? body.name.trim().replace(/\s+/g, ' ').slice(0, 60) : '';
    if (!sessions.checkLoginToken(req, body._csrf)) {
      res
        .status(403)
        .type('html')
        .send(signInPage({ shopDomain, loginToken: sessions.loginToken(req, res), next, name, problem: 'The sign-in form expired: please try again.' }));
      return;
    }
    if (!sessions.checkPassword(body.password)) {
      res
        .status(401)
        .type('html')
        .send(signInPage({ shopDomain, loginToken: sessions.loginToken(req, res), next, name, problem: 'Wrong password.' }));
      return;
    }
    sessions.start(res, name || null);
    res.redirect(303, next);
  });

  router.post('/console/sign-out', (req, res) => {
    // An expired session just loses its cookie; a live one is only ended from its own pages.
    const session = sessions.read(req);
    if (session && !sessions.checkCsrf(session, req.body?._csrf)) throw new HttpError(403, 'Refused: sign out with the button on a console page');
    sessions.end(res, session);
    res.redirect(303, '/console/sign-in');
  });
  return router;
}
