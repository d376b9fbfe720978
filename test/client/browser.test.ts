import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageApi } from './browser/page.js';
import { useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { startPageServer, type PageServer } from '../support/page-server.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const PAGE_ENTRY = fileURLToPath(new URL('./browser/page.ts', import.meta.url));

/** Calls `window.mutual[method](...args)` in the page. */
function call<M extends keyof PageApi>(page: Page, method: M, ...args: Parameters<PageApi[M]>): Promise<Awaited<ReturnType<PageApi[M]>>> {
  if (process.env.MUTUAL_DEBUG) console.error(new Date().toISOString(), 'page call', method, JSON.stringify(args));
  return page.evaluate(([name, params]) => (window.mutual[name] as (...a: unknown[]) => Promise<unknown>)(...params),
    [method, args] as const) as Promise<Awaited<ReturnType<PageApi[M]>>>;
}

describe('client in a real browser (Chromium, IndexedDB)', () => {
  const server = useServer();
  let pages: PageServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!hasChromium) return;
    const bundle = await build({
      entryPoints: [PAGE_ENTRY], bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false,
      define: { 'process.env.NODE_ENV': '"development"' }, logLevel: 'silent',
    });
    pages = await startPageServer(bundle.outputFiles[0]!.text, () => server.current.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  it.skipIf(!hasChromium)(
    hasChromium ? 'pays offline, commits when back online, and keeps a pending payment across a reload'
      : `pays offline in Chromium — SKIPPED: ${CHROMIUM} does not exist (.ci/run installs Debian's chromium)`,
    async () => {
      const code = await createGroup(server.current, 'alice', ['bob']);
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error));
      if (process.env.MUTUAL_DEBUG) page.on('console', (message) => console.error(new Date().toISOString(), 'page:', message.text()));
      await page.exposeFunction('mutualToken', () => server.current.token('alice'));
      await page.goto(pages.url);
      await page.waitForFunction(() => window.mutual !== undefined);

      await call(page, 'start', code);
      const bob = await call(page, 'accountOf', 'bob');
      await call(page, 'waitStatus', 'online');

      // The browser goes offline; the payment is written to IndexedDB.
      await context.setOffline(true);
      const payment = await call(page, 'pay', bob, 120, 'offline in the browser');
      expect(payment.state).toBe('new');
      await call(page, 'waitStatus', 'offline');
      expect(await call(page, 'balance')).toEqual({ committed: 0, pendingOutgoing: 120 });

      await context.setOffline(false);
      expect(await call(page, 'waitDecided', payment.id)).toMatchObject({ state: 'committed', amount: 120, sequence: expect.any(Number) });
      await call(page, 'waitStatus', 'online');
      expect(await call(page, 'balance')).toEqual({ committed: -120, pendingOutgoing: 0 });

      // Mutual becomes unreachable; a second payment waits in IndexedDB through a reload of the page.
      pages.cut();
      const second = await call(page, 'pay', bob, 30, 'before the reload');
      await call(page, 'waitStatus', 'offline');
      await call(page, 'close');
      await page.reload();
      await page.waitForFunction(() => window.mutual !== undefined);
      await call(page, 'start', code);
      const afterReload = await call(page, 'transfers');
      expect(afterReload.find((view) => view.id === second.id)).toMatchObject({ state: 'new', amount: 30 });
      pages.restore();
      expect(await call(page, 'waitDecided', second.id)).toMatchObject({ state: 'committed', amount: 30 });
      expect(await call(page, 'balance')).toEqual({ committed: -150, pendingOutgoing: 0 });
      await call(page, 'close');
      await context.close();
    },
    60_000,
  );
});
