// Console sessions without a session store: the cookie holds the session (id, the person's name,
// expiry) signed with a key derived from the console password, so any API process can check it and
// changing the password signs everyone out. CSRF tokens are an HMAC of the session id (OWASP's
// "signed token" pattern): a page of this session can show one, another site cannot make one.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ConsoleConfig } from '../config';

export interface ConsoleSession {
  id: string;
  /** Who signed in, as they gave it (recorded with their requests); null when they gave none. */
  name: string | null;
  /** ms since the epoch. */
  expiresAt: number;
}

/** Before sign-in: the sign-in form's own CSRF token is bound to this cookie's nonce. */
const LOGIN_TTL_MS = 60 * 60_000;

export class ConsoleSessions {
  private readonly key: Buffer;
  /** Signed-out sessions of this process, until they would have expired anyway. */
  private readonly revoked = new Map<string, number>();
  readonly cookieName: string;
  readonly loginCookieName: string;

  constructor(private readonly config: Pick<ConsoleConfig, 'password' | 'sessionTtlMs' | 'secure'>) {
    this.key = Buffer.from(hkdfSync('sha256', config.password, 'cellarhand-console', 'session-v1', 32));
    // `__Host-`: the browser only keeps it when Secure, host-only and for the whole site.
    this.cookieName = config.secure ? '__Host-cellarhand-console' : 'cellarhand-console';
    this.loginCookieName = `${this.cookieName}-login`;
  }

  /** Signs a person in: sets the session cookie. */
  start(res: Response, name: string | null): ConsoleSession {
    const session: ConsoleSession = { id: randomBytes(18).toString('base64url'), name, expiresAt: Date.now() + this.config.sessionTtlMs };
    this.setCookie(res, this.cookieName, this.seal(session), this.config.sessionTtlMs);
    res.clearCookie(this.loginCookieName, this.cookieOptions());
    return session;
  }

  /** The request's session, or null: no cookie, a forged or old one, expired, or signed out. */
  read(req: Request): ConsoleSession | null {
    const value = readCookie(req, this.cookieName);
    const session = value ? this.unseal<ConsoleSession>(value) : null;
    if (!session || typeof session.id !== 'string' || typeof session.expiresAt !== 'number') return null;
    if (session.expiresAt <= Date.now() || this.revoked.has(session.id)) return null;
    return session;
  }

  /** Signs out: forgets the cookie, and this process refuses the session even if it is sent again. */
  end(res: Response, session: ConsoleSession | null): void {
    if (session) {
      this.revoked.set(session.id, session.expiresAt);
      for (const [id, expiresAt] of this.revoked) if (expiresAt <= Date.now()) this.revoked.delete(id);
    }
    res.clearCookie(this.cookieName, this.cookieOptions());
  }

  csrfToken(session: ConsoleSession): string {
    return this.mac(`csrf:${session.id}`);
  }

  checkCsrf(session: ConsoleSession, token: unknown): boolean {
    return typeof token === 'string' && same(token, this.csrfToken(session));
  }

  /** The sign-in form's token: sets (or keeps) the login cookie it is bound to. */
  loginToken(req: Request, res: Response): string {
    let nonce = readCookie(req, this.loginCookieName);
    if (!nonce || !/^[\w-]{20,40}$/.test(nonce)) {
      nonce = randomBytes(18).toString('base64url');
      this.setCookie(res, this.loginCookieName, nonce, LOGIN_TTL_MS);
    }
    return this.mac(`login:${nonce}`);
  }

  checkLoginToken(req: Request, token: unknown): boolean {
    const nonce = readCookie(req, this.loginCookieName);
    return !!nonce && typeof token === 'string' && same(token, this.mac(`login:${nonce}`));
  }

  /** The password, compared in constant time (through a MAC, so lengths do not leak either). */
  checkPassword(given: unknown): boolean {
    return typeof given === 'string' && same(this.mac(`password:${given}`), this.mac(`password:${this.config.password}`));
  }

  private seal(value: unknown): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  private unseal<T>(sealed: string): T | null {
    const dot = sealed.indexOf('.');
    if (dot < 0 || !same(sealed.slice(dot + 1), this.mac(sealed.slice(0, dot)))) return null;
    try {
      return JSON.parse(Buffer.from(sealed.slice(0, dot), 'base64url').toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  private setCookie(res: Response, name: string, value: string, maxAgeMs: number): void {
    res.cookie(name, value, { ...this.cookieOptions(), maxAge: maxAgeMs });
  }

  private cookieOptions() {
    // SameSite=Strict: the browser never sends it with a request another site starts.
    return { httpOnly: true, sameSite: 'strict' as const, secure: this.config.secure, path: '/' };
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** One cookie's value from the Cookie header (ours are base64url, so no decoding is needed). */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
