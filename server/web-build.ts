// `npm start` builds the web app (web/ → web/dist) when dist is missing or older than its sources,
// so a fresh clone serves pages with nothing but `npm ci && npm start`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));
export const WEB_CONFIG = join(WEB_DIR, 'vite.config.ts');

/** Where the built app is served from. */
export const webDistDir = (): string => join(WEB_DIR, 'dist');

export interface BuildLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Newest modification time under `path` (a file, or a folder walked recursively); 0 if missing. */
function newest(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

/** Whether `outDir` lacks a build, or one of the sources changed after it was made. */
export function webBuildStale(outDir = webDistDir()): boolean {
  const built = newest(join(outDir, 'index.html'));
  if (built === 0) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => newest(join(WEB_DIR, p)));
  return Math.max(...sources) > built;
}

/** Build the web app with Vite into `outDir` (web/dist by default). */
export async function buildWeb(outDir = webDistDir()): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: WEB_CONFIG, root: WEB_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/**
 * Build when stale. Never fatal: without Vite (npm ci --omit=dev) or on a failed build the
 * server still starts, and the pages answer 503 until `npm run build:web` is run.
 */
export async function ensureWebBuilt(log: BuildLog = console, outDir = webDistDir()): Promise<boolean> {
  if (!webBuildStale(outDir)) return true;
  const started = Date.now();
  log.info('web: building the web app (web/dist is missing or older than web/src)');
  try {
    await buildWeb(outDir);
  } catch (e) {
    log.warn(`web: build failed, pages are not served until \`npm run build:web\` succeeds: ${(e as Error).message}`);
    return false;
  }
  log.info(`web: built in ${Date.now() - started} ms`);
  return true;
}
