// `npm run screenshots`: each role's main page (and a drum's public page) on the demo pilot park,
// in Chinese and English, as PNGs in web/screenshots/ (linked from the README). A fresh PGlite data
// directory with the demo seed, the web app built into a temp folder, headless Chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createContext } from '../server/context.js';
import { buildWeb } from '../server/web-build.js';
import { launchChromium } from '../tests/helpers/browser.js';

const OUT = fileURLToPath(new URL('../web/screenshots/', import.meta.url));
/** Without a CJK font, headless Chromium draws Chinese as boxes: say so before spending a minute. */
function warnWithoutCjkFont(): void {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig: Chromium will say it with boxes
  }
  if (!fonts.trim()) process.stderr.write('screenshots: no Chinese font found (fc-list :lang=zh); install one, e.g. `apt-get install fonts-wqy-zenhei`\n');
}

const ROLES = [
  { user: 'producer', home: '/producer' },
  { user: 'driver', home: '/driver' },
  { user: 'operator', home: '/operator' },
  { user: 'inspector', home: '/inspector' },
  { user: 'admin', home: '/admin' },
];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hz-shots-'));
  const distDir = join(dataDir, 'dist');
  const step = (m: string) => process.stderr.write(`screenshots: ${m}\n`);
  warnWithoutCjkFont();
  step('building the web app and seeding the demo park…');
  const config = loadConfig({ ...process.env, HAZLEDGER_DEMO: '1' }, { dataDir, databaseUrl: undefined, port: 0, logLevel: 'silent', webBuild: false });
  const [ctx] = await Promise.all([createContext(config), buildWeb(distDir)]);
  const app = await buildApp(ctx, { logger: false, webDist: distDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
  try {
    for (const lang of ['zh', 'en'] as const) {
      for (const { user, home } of ROLES) {
        const context = await browser.newContext({ serviceWorkers: 'block', timezoneId: 'Asia/Shanghai', locale: lang === 'zh' ? 'zh-CN' : 'en-GB', viewport: user === 'driver' ? { width: 412, height: 915 } : { width: 1280, height: 860 } });
        const page = await context.newPage();
        await page.addInitScript((l) => localStorage.setItem('hazledger.lang', l), lang);
        await page.goto(`${base}/login`);
        await page.fill('input[name=username]', user);
        await page.fill('input[name=password]', `${user}-demo`);
        await page.click('button[type=submit]');
        await page.waitForURL(`**${home}`);
        await page.waitForLoadState('networkidle');
        await page.waitForFunction(() => !document.querySelector('.loading'), undefined, { timeout: 15_000 }).catch(() => step(`${user}: still loading after 15 s`));
        await page.evaluate(() => document.fonts.ready);
        await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: join(OUT, `${user}-${lang}.png`) });
        step(`${user}-${lang}.png`);
        await context.close();
      }
      const [drum] = await ctx.db.sql.query<{ grai: string }>(`SELECT grai FROM units WHERE state = 'in_transit' OR state = 'stored' ORDER BY registered_at LIMIT 1`);
      const context = await browser.newContext({ serviceWorkers: 'block', locale: lang === 'zh' ? 'zh-CN' : 'en-GB', viewport: { width: 412, height: 915 } });
      const page = await context.newPage();
      await page.addInitScript((l) => localStorage.setItem('hazledger.lang', l), lang);
      await page.goto(`${base}/8003/${drum.grai}`, { waitUntil: 'networkidle' });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: join(OUT, `public-${lang}.png`) });
      step(`public-${lang}.png`);
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  step(`done: ${OUT}`);
}

await main();
