// What stands in front of every console route: strict browser headers, HTTPS only in production,
// a signed-in session, and a CSRF token on everything that changes something.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../api/errors';
import type { ConsoleSession, ConsoleSessions } from './session';

/** Pages and scripts come from this origin only: no CDN, no inline script, no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function consoleHeaders(secure: boolean): RequestHandler {
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // Links out (Shopify, Vinoshipper, the Web UI) do not tell those sites which order page they came from.
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    if (secure) res.set('Strict-Transport-Security', 'max-age=31536000');
    next();
  };
}

/**
 * In production the console answers over HTTPS only (as the TLS proxy in front tells it, see
 * API_TRUST_PROXY): a page asked for over HTTP is sent to the https address, anything else refused.
 */
export function httpsOnly(secure: boolean, publicUrl: string): RequestHandler {
  return (req, res, next) => {
    if (!secure || req.secure) return next();
    if ((req.method === 'GET' || req.method === 'HEAD') && publicUrl.startsWith('https://')) {
      res.redirect(308, `${publicUrl}${req.originalUrl}`);
      return;
    }
    throw new HttpError(403, 'The console answers over HTTPS only');
  };
}

export interface SignedInLocals {
  session: ConsoleSession;
  csrfToken: string;
}

export function signedIn(res: Response): SignedInLocals {
  return res.locals as SignedInLocals;
}

/** A page without a session goes to the sign-in page (and back after it); a script call gets 401. */
export function requireSession(sessions: ConsoleSessions): RequestHandler {
  return (req, res, next) => {
    const session = sessions.read(req);
    if (!session) {
      if (req.method === 'GET' && !wantsJson(req)) {
        res.redirect(303, `/console/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw new HttpError(401, 'Signed out: sign in to the console again');
    }
    res.locals.session = session;
    res.locals.csrfToken = sessions.csrfToken(session);
    next();
  };
}

/**
 * Every request that changes something carries the session's CSRF token (header `X-CSRF-Token`
 * from the page's script, or the form field `_csrf`), and, where the browser says where it comes
 * from, comes from a console page itself.
 */
export function requireCsrf(sessions: ConsoleSessions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin') throw new HttpError(403, 'Refused: the request did not come from a console page');
    const token = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!sessions.checkCsrf(signedIn(res).session, token)) {
      throw new HttpError(403, 'Refused: the request has no valid CSRF token (reload the page and try again)');
    }
    next();
  };
}

/** A script call (fetch) rather than a page the browser navigates to. */
export function wantsJson(req: Request): boolean {
  return (req.get('accept') ?? '').includes('application/json') || req.get('x-requested-with') === 'console';
}
