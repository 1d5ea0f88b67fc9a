// A real browser for the console's tests: Debian's Chromium (installed by .ci/run when missing),
// driven by playwright-core, which downloads nothing. Headless, in a fresh profile.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';

export const CHROMIUM = process.env.CELLARHAND_CHROMIUM ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh --user-data-dir of its own, removed again by close(). */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium; .ci/run does it) or set CELLARHAND_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'cellarhand-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the element's text (all matches' texts, joined by newlines and trimmed) equals
 * `expected`, contains it (`{ contains }`) or matches the expression; returns that text.
 * playwright-core has no test assertions: these poll the page as Playwright Test's would.
 */
export async function untilText(locator: Locator, expected: string | RegExp | { contains: string }, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    last = (await locator.allInnerTexts()).join('\n').trim();
    const ok = typeof expected === 'string' ? last === expected : expected instanceof RegExp ? expected.test(last) : last.includes(expected.contains);
    if (ok) return last;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${String(locator)} to read ${JSON.stringify(String(expected instanceof RegExp ? expected : typeof expected === 'string' ? expected : expected.contains))}; it reads ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the locator matches `n` elements. */
export async function untilCount(locator: Locator, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await locator.count();
    if (count === n) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${n} of ${String(locator)}; found ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
