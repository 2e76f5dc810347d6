// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and the pure ledger
// bundled for it by Vite, as a browser would load it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

/** `extraArgs`: more Chromium switches (a fake camera: --use-file-for-fake-video-capture=…). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
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
