// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and the pure ledger
// bundled for it by Vite, as a browser would load it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { build } from 'vite';

/** `extraArgs`: more Chromium switches (a fake camera: --use-file-for-fake-video-capture=…). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** A phone: small screen, touch. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

export interface PageOptions extends BrowserContextOptions {
  /** Names the page in its collected errors (one role's page of several). */
  label?: string;
  /** Collect console errors too, not only uncaught exceptions (default true). */
  consoleErrors?: boolean;
  /** Where to collect the errors (one list for several pages); a new list by default. */
  errors?: string[];
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Errors the page logged: each test file ends expecting none. */
  errors: string[];
}

/**
 * A page in a context of its own (China Standard Time and zh-CN unless `options` say otherwise),
 * waiting 15 s by default, its errors collected. Requests refused (a 401, offline) are logged by
 * the browser itself as "Failed to load resource": those are not the page's errors.
 */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<OpenedPage> {
  const { label, consoleErrors = true, errors = [], ...contextOptions } = options;
  const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => errors.push(`${label ? `${label} ` : ''}pageerror: ${e.message}`));
  if (consoleErrors) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(label ? `${label}: ${m.text()}` : m.text());
    });
  }
  return { context, page, errors };
}

/** `ledger/index.ts` as one ES module for the browser (no Node built-ins may leak into it). */
export async function ledgerBrowserBundle(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'hz-ledger-web-'));
  await build({
    logLevel: 'silent',
    configFile: false,
    build: {
      outDir,
      minify: false,
      lib: { entry: join(process.cwd(), 'ledger/index.ts'), formats: ['es'], fileName: () => 'ledger.js' },
    },
  });
  return readFileSync(join(outDir, 'ledger.js'), 'utf8');
}
