// The console in a real browser (Debian's Chromium through playwright-core) against the whole real
// stack: sign-in, the inbox grouped by cause, bulk retry after a fix in the Vinoshipper sandbox,
// a confirmed refund that happens once on a double click, refusals with their reason, live updates,
// the sync switch, CSRF, phone width and the sign-in rate limit. Saves the README's screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SIGN_IN_ATTEMPTS } from '../../console/sign-in';
import { StackDriver, type PlacedOrder } from '../../sandbox/driver';
import { launchBrowser, untilCount, untilText, type TestBrowser } from '../helpers/browser';
import { request } from '../helpers/http';
import { runScript } from '../helpers/scripts';
import { startStack, type Stack } from '../helpers/stack';

// Inside page.evaluate the code runs in the page; the test's own program has no DOM types.
declare const window: any;
declare const document: any;

const DOCS = join(__dirname, '..', '..', 'docs');
const MISSING_SKU = 'NOPE-3';

let stack: Stack;
let shop: StackDriver;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  shop = new StackDriver({ apiUrl: stack.apiUrl, sandboxUrl: stack.sandboxUrl, opsToken: stack.config.api.opsToken, timeoutMs: 30_000 });
  page = await browser.context.newPage();
  mkdirSync(DOCS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const url = (path: string) => `${stack.apiUrl}${path}`;
const line = (sku: string) => ({ sku, quantity: 1, price: '42.00' });

async function stuckOrder(sku: string): Promise<PlacedOrder> {
  const order = await shop.placeOrder({ line_items: [line(sku)] });
  await shop.waitForListing(order.id, 'needs_attention', 'product_missing');
  return order;
}

/** The group of stuck orders whose cause reads `headline`. */
const group = (headline: string) => page.locator('section.group', { has: page.locator('.headline', { hasText: headline }) });

test('sign-in: a wrong token is refused, the ops token signs in with an HttpOnly, SameSite session cookie', async () => {
  await page.goto(url('/console'));
  expect(new URL(page.url()).pathname).toBe('/console/sign-in');

  await page.getByLabel('Console password').fill('not-the-token-at-all');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  expect(refused.status()).toBe(401);
  await untilText(page.getByRole('alert'), 'Wrong password.');
  expect((await browser.context.cookies()).find((c) => c.name === 'cellarhand-console')).toBeUndefined();

  await page.getByLabel('Console password').fill(stack.config.api.opsToken);
  await page.getByLabel('Your name').fill('Ana');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url('/console'));
  await page.getByRole('heading', { name: /Sync to Vinoshipper is on/ }).waitFor();
  const cookie = (await browser.context.cookies()).find((c) => c.name === 'cellarhand-console');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
}, 30_000);

let blocked: PlacedOrder[];

test('three orders blocked by the same missing SKU appear as one group of 3', async () => {
  blocked = [];
  for (let i = 0; i < 3; i++) blocked.push(await stuckOrder(MISSING_SKU));
  await stuckOrder('CAB-2021-75O'); // another cause: its own group
  await page.goto(url('/console'));
  const nope = group(`SKU ${MISSING_SKU} is not in Vinoshipper`);
  await untilText(nope.locator('h3'), `SKU ${MISSING_SKU} is not in Vinoshipper — 3 orders`);
  expect(await nope.getByRole('link').allInnerTexts()).toEqual(blocked.map((o) => o.name)); // oldest first
  await nope.getByRole('button', { name: 'Retry all 3' }).waitFor();
  expect(await page.getByRole('link', { name: /Needs attention/ }).getAttribute('aria-current')).toBe('page');
  // Visibility only: no customer data in the inbox.
  const customer = (await shop.shopifyOrder(blocked[0].id)).customer;
  expect(await page.locator('main').innerText()).not.toContain(customer.last_name);
  await untilText(group('SKU CAB-2021-75O is not in Vinoshipper').locator('h3'), 'SKU CAB-2021-75O is not in Vinoshipper — 1 order');
  await page.screenshot({ path: join(DOCS, 'console-inbox.png'), fullPage: true });
}, 90_000);

test('after the product is added in the Vinoshipper sandbox, “Retry all” brings all three to submitted', async () => {
  await shop.setProduct(MISSING_SKU, { name: 'Nope Cabernet 2021', inventory: 24 });
  await group(`SKU ${MISSING_SKU} is not in Vinoshipper`).getByRole('button', { name: 'Retry all 3' }).click();
  const result = page.locator('#bulk-result');
  const summary = await untilText(result, { contains: `Retry all for “SKU ${MISSING_SKU} is not in Vinoshipper”: 3 orders asked — 3 done.` }, 30_000);
  for (const order of blocked) expect(summary).toContain(`${order.name}: done — Tried again: the order is submitted.`);
  for (const order of blocked) expect((await shop.status(order.id)).status).toBe('submitted');
  // The group leaves the inbox without a reload.
  await untilCount(group(`SKU ${MISSING_SKU} is not in Vinoshipper`), 0, 15_000);
}, 60_000);

let refunded: PlacedOrder;

test('refund needs confirmation, happens once even on a double click, and the order shows refunded', async () => {
  refunded = await stuckOrder('GONE-7');
  await page.goto(url(`/console/orders/${refunded.id}`));
  await page.getByRole('heading', { name: `Order ${refunded.name}` }).waitFor();
  await untilText(page.locator('#order-status'), 'Needs attention');
  await page.getByRole('heading', { name: 'A product on this order does not exist in Vinoshipper' }).waitFor();
  await untilText(page.locator('.details'), { contains: 'GONE-7' });
  await untilText(page.locator('.steps li').first(), 'Open the order in Shopify and review the product details (SKU).');
  expect(await page.getByRole('link', { name: 'Open in Shopify admin' }).getAttribute('href')).toBe(
    `${stack.config.sandbox.url}/sandbox/shopify/orders/${refunded.id}`,
  );
  expect(await page.getByRole('link', { name: 'Open in the Temporal Web UI' }).getAttribute('href')).toBe(
    `${stack.config.temporal.uiUrl}/namespaces/${stack.config.temporal.namespace}/workflows/${encodeURIComponent(stack.orders.workflowId(refunded.id))}`,
  );
  await page.screenshot({ path: join(DOCS, 'console-order.png'), fullPage: true });

  // The button only asks; going back changes nothing.
  await page.getByRole('button', { name: 'Refund…' }).click();
  const dialog = page.getByRole('dialog', { name: `Refund ${refunded.name} in full?` });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Go back' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect((await shop.shopifyOrder(refunded.id)).refunds ?? []).toHaveLength(0);

  // A reason is required; then a double click on the confirmation refunds once.
  const posted: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith(`/console/orders/${refunded.id}/refund`)) posted.push(r.postData() ?? '');
  });
  await page.getByRole('button', { name: 'Refund…' }).click();
  await dialog.getByLabel('Reason for the refund').fill('Customer asked to cancel');
  await dialog.getByRole('button', { name: `Refund ${refunded.name}` }).dblclick();
  await untilText(page.locator('#order-result'), { contains: 'Refund: done.' }, 30_000);
  await untilText(page.locator('#order-status'), 'Refunded');
  expect(posted).toHaveLength(1); // the second click found the button disabled
  const inShopify = await shop.shopifyOrder(refunded.id);
  expect(inShopify.refunds).toHaveLength(1);
  expect((await shop.status(refunded.id)).timeline.filter((e) => e.event === 'refund_requested')).toHaveLength(1);
  await untilText(page.locator('.timeline'), { contains: 'Refund requested by Ana (console): Customer asked to cancel.' });
}, 60_000);

test('one confirmation sent twice (same request id) is one request: both get the order’s one answer', async () => {
  const order = await stuckOrder('TWICE-2');
  await page.goto(url(`/console/orders/${order.id}`));
  const answers = await page.evaluate(async (id) => {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const send = () =>
      fetch(`/console/orders/${id}/refund`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ reason: 'sent twice', requestId: 'a1b2c3d4e5f60718' }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { outcome: string; status: string; message: string } }));
    return Promise.all([send(), send()]);
  }, order.id);
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  expect(answers[0].body).toMatchObject({ outcome: 'done', status: 'refunded' });
  expect(answers[1].body.message).toBe(answers[0].body.message);
  expect((await shop.shopifyOrder(order.id)).refunds).toHaveLength(1);
  expect((await shop.status(order.id)).timeline.filter((e) => e.event === 'refund_requested')).toHaveLength(1);
}, 40_000);

test('an action that does not apply shows the order’s reason', async () => {
  await page.goto(url(`/console/orders/${refunded.id}`));
  await page.getByRole('button', { name: 'Retry' }).click();
  await untilText(page.locator('#order-result'), 'Retry: not done — the order is already refunded');
  await page.getByRole('button', { name: 'Refund…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason for the refund').fill('again');
  await dialog.getByRole('button', { name: `Refund ${refunded.name}` }).click();
  await untilText(page.locator('#order-result'), /^Refund: not done — the order (was already|is already) refunded$/);
  expect((await shop.shopifyOrder(refunded.id)).refunds).toHaveLength(1);
}, 30_000);

test('the inbox updates live, without a reload, when a new order gets stuck', async () => {
  await page.goto(url('/console'));
  await page.evaluate(() => (window.stillHere = true));
  expect(await group('SKU LATE-1 is not in Vinoshipper').count()).toBe(0);
  const late = await shop.placeOrder({ line_items: [line('LATE-1')] });
  const headline = group('SKU LATE-1 is not in Vinoshipper');
  await untilText(headline.locator('h3'), 'SKU LATE-1 is not in Vinoshipper — 1 order', 20_000);
  await headline.getByRole('link', { name: late.name }).waitFor();
  expect(await page.evaluate(() => window.stillHere)).toBe(true);
}, 40_000);

test('the sync switch: shown with the skip tag, turned off and on with confirmation naming the skipped orders that resume', async () => {
  await untilText(page.locator('section.sync'), { contains: 'Orders tagged vinoshipper-skip in Shopify are never sent.' });
  await page.getByRole('button', { name: 'Turn sync off…' }).click();
  await page.getByRole('dialog', { name: 'Turn sync to Vinoshipper off?' }).getByRole('button', { name: 'Turn sync off' }).click();
  await untilText(page.locator('#bulk-result'), 'Sync is off: new orders are kept as skipped until you turn it back on.');
  await page.getByRole('heading', { name: /Sync to Vinoshipper is off/ }).waitFor({ timeout: 10_000 });

  const waiting = await shop.placeOrder({ line_items: [line('CAB-2021-750')] });
  await shop.waitForListing(waiting.id, 'skipped');
  await untilText(page.locator('section.sync'), { contains: '(1 skipped order now)' });
  await page.getByRole('button', { name: 'Turn sync on…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Turn sync to Vinoshipper on?' });
  await untilText(dialog, { contains: '1 skipped order will resume and be sent to Vinoshipper (those tagged “vinoshipper-skip” stay skipped)' });
  await dialog.getByRole('button', { name: 'Turn sync on' }).click();
  await untilText(page.locator('#bulk-result'), { contains: 'Sync is on: 1 skipped order resuming' });
  await shop.waitForOrder(waiting.id, 'resumed and submitted', (v) => v.status === 'submitted');
}, 60_000);

test('search by order name opens the order; phone width has no sideways scrolling and every control is labelled', async () => {
  await page.getByLabel('Find an order').fill(blocked[0].name);
  await page.getByLabel('Find an order').press('Enter');
  await page.waitForURL(url(`/console/orders/${blocked[0].id}`));
  await untilText(page.locator('#order-status'), 'Submitted');

  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/console', `/console/orders/${refunded.id}`]) {
    await page.goto(url(path));
    if (path === '/console') await page.screenshot({ path: join(DOCS, 'console-phone.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), textarea, button')]
        .filter((el) => !el.closest('dialog:not([open])'))
        .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent?.trim()))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  }
  // Keyboard: Tab from the top reaches the first action of the inbox.
  await page.goto(url('/console'));
  const reached: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
  }
  expect(reached).toEqual(expect.arrayContaining(['Skip to content', 'Find', 'Turn sync off…']));
  await page.setViewportSize({ width: 1280, height: 900 });
}, 40_000);

test('CSRF: an action posted without the token, or with another, is refused and changes nothing; a bad body or order id is named', async () => {
  const stuck = await stuckOrder('CSRF-1');
  await page.goto(url(`/console/orders/${stuck.id}`));
  const answers = await page.evaluate(async (id) => {
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(`/console/orders/${id}/refund`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ reason: 'forged' }),
      });
      return { status: res.status, body: (await res.json()) as { error: string; summary: string } };
    };
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const noReason = await fetch(`/console/orders/${id}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ reason: '  ' }),
    });
    return [
      await post({}),
      await post({ 'x-csrf-token': 'forged-token' }),
      { status: noReason.status, body: (await noReason.json()) as { error: string; summary: string } },
    ];
  }, stuck.id);
  for (const answer of answers.slice(0, 2)) {
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/no valid CSRF token/);
  }
  // With the token, a refund without a reason is refused for that.
  expect(answers[2].status).toBe(400);
  expect(answers[2].body.summary).toMatch(/^Invalid request \(reason: /);
  const badId = await page.goto(url('/console/orders/not-an-order'));
  expect(badId!.status()).toBe(400);
  await untilText(page.getByRole('alert'), { contains: 'Invalid order id' });
  const view = await shop.status(stuck.id);
  expect(view.status).toBe('needs_attention');
  expect(view.timeline.some((e) => e.event === 'refund_requested')).toBe(false);
}, 40_000);

test('the catalogue check: “Run the check now” reports a Shopify SKU Vinoshipper lacks, linked to the order stuck on it; resolved once added', async () => {
  await shop.setShopifyProduct('CAT-9', { title: 'Catalogue Cabernet 2023' });
  const stuck = await stuckOrder('CAT-9');
  await page.goto(url('/console'));
  const section = page.locator('section.catalog');
  await page.getByRole('button', { name: 'Run the check now' }).click();
  await untilText(
    page.locator('#bulk-result'),
    /^Catalogue check: Checked \d+ Shopify variants against \d+ Vinoshipper products: 1 SKU problem open \(1 new\)\.$/,
    30_000,
  );
  await untilText(section, { contains: 'Shopify sells a SKU that Vinoshipper does not know: CAT-9' });
  await untilText(section, { contains: `Orders stuck on it now: ${stuck.name}.` });
  expect(await section.getByRole('link', { name: stuck.name }).getAttribute('href')).toBe(`/console/orders/${stuck.id}`);
  await untilText(group('SKU CAT-9 is not in Vinoshipper'), { contains: 'The catalogue check reports CAT-9 since' });

  await shop.setProduct('CAT-9', { name: 'Catalogue Cabernet 2023', inventory: 12 });
  await page.getByRole('button', { name: 'Run the check now' }).click();
  await untilText(page.locator('#bulk-result'), { contains: 'no SKU problem, 1 resolved since the last check.' }, 30_000);
  await untilText(section, { contains: 'Resolved since the check before: CAT-9.' });
}, 60_000);

test('a seed scenario rehearsed with --console is resolved by pressing the console’s buttons', async () => {
  for (const [scenario, press] of [
    ['customer-verification', async () => page.getByRole('button', { name: 'Retry', exact: true }).click()],
    [
      'compliance-refund',
      async () => {
        await page.getByRole('button', { name: 'Refund…' }).click();
        await page.getByRole('dialog').getByLabel('Reason for the refund').fill('Cannot ship to CA any more');
        await page
          .getByRole('dialog')
          .getByRole('button', { name: /^Refund #/ })
          .click();
      },
    ],
  ] as const) {
    let asked: Promise<void> | null = null;
    const run = await runScript(
      'scripts/scenario.ts',
      [scenario, '--console', '--api', stack.apiUrl, '--sandbox', stack.sandboxUrl, '--token', stack.config.api.opsToken],
      { NO_COLOR: '1' },
      90_000,
      (soFar) => {
        const turn = /Your turn, in the console: open (\S+) /.exec(soFar);
        if (turn && !asked) asked = page.goto(turn[1]).then(press);
      },
    );
    await asked;
    if (run.status !== 0) throw new Error(`${scenario} --console exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toContain('In the console: Inbox group');
    expect(run.stdout).toMatch(/The order recorded it: (Retry|Refund) requested by Ana \(console\)/);
  }
}, 120_000);

test('the console over HTTP: strict headers; a signed-out script call gets 401; sign-out ends the session', async () => {
  const signInPage = await fetch(url('/console/sign-in'));
  expect(signInPage.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(signInPage.headers.get('x-frame-options')).toBe('DENY');
  expect((await request('GET', url('/console/live'), undefined, { accept: 'application/json' })).status).toBe(401);

  await page.goto(url('/console'));
  await page.getByRole('button', { name: /Sign out/ }).click();
  await page.waitForURL(/\/console\/sign-in$/);
  await page.goto(url('/console'));
  expect(new URL(page.url()).pathname).toBe('/console/sign-in');
}, 30_000);

test('wrong passwords are rate-limited per address: after SIGN_IN_ATTEMPTS (10), even the right one waits', async () => {
  const signIn = async (password: string) => {
    const form = await fetch(url('/console/sign-in'));
    const cookie = form.headers.get('set-cookie')!.split(';')[0];
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const res = await fetch(url('/console/sign-in'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: token, password, next: '/console' }).toString(),
      redirect: 'manual',
    });
    return res.status;
  };
  // The first test's wrong password counts too: the limit is per address, over 15 minutes.
  const statuses: number[] = [];
  for (let i = 1; i < SIGN_IN_ATTEMPTS; i++) statuses.push(await signIn(`wrong-password-${i}`));
  expect(statuses).toEqual(new Array(SIGN_IN_ATTEMPTS - 1).fill(401));
  expect(await signIn('wrong-again')).toBe(429);
  expect(await signIn(stack.config.api.opsToken)).toBe(429);
}, 30_000);
