// The console's doors over real HTTP, mounted in the real API app: HTTPS-only and Secure `__Host-`
// cookies in production (behind the TLS proxy API_TRUST_PROXY names), the sign-in form's own CSRF
// token, sessions that cannot be forged, outlive their time, or survive a password change or
// sign-out, and no open redirect after sign-in. No page here reaches Temporal: the order workflows
// are never called (the pages behind sign-in are tested in test/e2e/console.test.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { loadConfig, type Config } from '../../config';
import { ConsoleSessions } from '../../console/session';
import type { OrderWorkflows } from '../../temporal/order-workflows';
import { PRODUCTION } from '../helpers/production-env';

const servers: Server[] = [];
async function start(config: Config): Promise<string> {
  const server = createServer(createApp({ config, orders: {} as OrderWorkflows }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const PASSWORD = 'the console password 0123';
const HTTPS = { 'x-forwarded-proto': 'https' };

/** Opens the sign-in form and posts it; returns the answer and the cookies the browser would hold. */
async function signIn(base: string, password: string, opts: { headers?: Record<string, string>; next?: string } = {}) {
  const form = await fetch(`${base}/console/sign-in`, { headers: opts.headers });
  const loginCookie = cookiesOf(form)[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...opts.headers, 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie.split(';')[0] },
    body: new URLSearchParams({ _csrf: token, password, name: 'Ana', next: opts.next ?? '/console' }).toString(),
  });
  return { res, loginCookie, session: cookiesOf(res).find((c) => !c.includes('-login=')) ?? null };
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie();
}

describe('production: HTTPS only, behind the TLS proxy', () => {
  let base: string;
  beforeAll(async () => {
    base = await start(loadConfig({ ...PRODUCTION, CONSOLE_PASSWORD: PASSWORD }));
  });

  test('a page asked for over HTTP goes to the https address; a change over HTTP is refused', async () => {
    const page = await fetch(`${base}/console/sign-in?next=%2Fconsole`, { redirect: 'manual' });
    expect(page.status).toBe(308);
    expect(page.headers.get('location')).toBe('https://orders.napacellars.com/console/sign-in?next=%2Fconsole');
    const post = await fetch(`${base}/console/sign-in`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(403);
    expect(((await post.json()) as { error: string }).error).toBe('The console answers over HTTPS only');
  });

  test('over HTTPS: Secure, HttpOnly, SameSite=Strict __Host- cookies and HSTS', async () => {
    const { res, loginCookie, session } = await signIn(base, PASSWORD, { headers: HTTPS });
    expect(loginCookie).toMatch(/^__Host-cellarhand-console-login=[\w-]+; Max-Age=3600; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Strict$/);
    expect(res.status).toBe(303);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(session).toMatch(/^__Host-cellarhand-console=[\w-]+\.[\w-]+; Max-Age=43200; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Strict$/);
  });
});

describe('sign-in and sessions', () => {
  const config = loadConfig({ NODE_ENV: 'test', CONSOLE_PASSWORD: PASSWORD });
  let base: string;
  beforeAll(async () => {
    base = await start(config);
  });
  const open = (cookie: string | null, path = '/console/orders/5000000001') =>
    fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie: cookie.split(';')[0] } : {} });

  test('the right password signs in and goes back where the person was going; the wrong one is answered 401', async () => {
    const ok = await signIn(base, PASSWORD, { next: '/console/orders/5000000001' });
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get('location')).toBe('/console/orders/5000000001');
    expect(ok.session).toMatch(/^cellarhand-console=.*; HttpOnly; SameSite=Strict$/);
    const wrong = await signIn(base, 'sandbox-ops-token');
    expect(wrong.res.status).toBe(401);
    expect(wrong.session).toBeNull();
    expect(await wrong.res.text()).toContain('Wrong password.');
  });

  test('after sign-in only a console page of this site: no open redirect', async () => {
    for (const next of ['https://evil.example/console', '//evil.example/console', '/consolex', '/api/orders']) {
      expect((await signIn(base, PASSWORD, { next })).res.headers.get('location')).toBe('/console');
    }
  });

  test('the sign-in form needs its own token, bound to its cookie (no sign-in posted from another site)', async () => {
    const res = await fetch(`${base}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: PASSWORD }).toString(),
    });
    expect(res.status).toBe(403);
    expect(cookiesOf(res).some((c) => c.startsWith('cellarhand-console='))).toBe(false);
  });

  test('no session, a forged one, or one signed with another password: the page sends the person to sign in', async () => {
    const { session } = await signIn(base, PASSWORD);
    const [value] = session!.split(';')[0].split('=').slice(1);
    const [body, mac] = value.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `cellarhand-console=${Buffer.from(JSON.stringify({ ...claims, name: 'Mallory' })).toString('base64url')}.${mac}`;
    for (const cookie of [null, forged, 'cellarhand-console=garbage']) {
      const res = await open(cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Forders%2F5000000001');
    }
    // Changing the password signs everyone out: the same cookie means nothing to an API with another.
    const other = await start(loadConfig({ NODE_ENV: 'test', CONSOLE_PASSWORD: 'a different password 456' }));
    const elsewhere = await fetch(`${other}/console`, { redirect: 'manual', headers: { cookie: session!.split(';')[0] } });
    expect(elsewhere.status).toBe(303);
    // A script's call without a session is told so, not redirected.
    expect((await fetch(`${base}/console/live`, { headers: { accept: 'application/json' } })).status).toBe(401);
  });

  test('a session ends when its time is up, and on sign-out even if its cookie is sent again', async () => {
    const short = await start({ ...config, console: { ...config.console, sessionTtlMs: 50 } });
    const { session } = await signIn(short, PASSWORD);
    await new Promise((r) => setTimeout(r, 80));
    expect((await fetch(`${short}/console`, { redirect: 'manual', headers: { cookie: session!.split(';')[0] } })).status).toBe(303);

    const signedIn = await signIn(base, PASSWORD);
    const cookie = signedIn.session!.split(';')[0];
    const page = await fetch(`${base}/console/sign-in`, { redirect: 'manual', headers: { cookie } });
    expect(page.status).toBe(303); // signed in: the sign-in page sends on
    // Sign-out needs the session's CSRF token, which only its pages show: without it, nothing ends.
    expect((await fetch(`${base}/console/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie } })).status).toBe(403);
    // With it (as the page's Sign out button sends it), the session ends here for good.
    const claims = JSON.parse(Buffer.from(cookie.split('=')[1].split('.')[0], 'base64url').toString());
    const token = new ConsoleSessions(config.console).csrfToken(claims);
    const out = await fetch(`${base}/console/sign-out`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(out.status).toBe(303);
    expect(cookiesOf(out).find((c) => c.startsWith('cellarhand-console='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await fetch(`${base}/console/sign-in`, { redirect: 'manual', headers: { cookie } })).status).toBe(200);
    expect((await open(cookie)).status).toBe(303);
  });
});
