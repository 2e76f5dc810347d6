// One Vite build of the web app for all the browser test files of a run: they run in separate
// processes, so the build goes into a folder named by the hash of the web sources, made by the
// first file to get there (a mkdir lock) while the others wait for it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildWeb, WEB_DIR } from '../../server/web-build.js';

function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else h.update(relative(WEB_DIR, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts']) walk(join(WEB_DIR, p));
  return h.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The folder holding a build of the current web sources (built now if no file has yet). */
export async function sharedWebBuild(): Promise<string> {
  const dir = join(tmpdir(), `hz-web-build-${sourcesHash()}`);
  const lock = `${dir}.lock`;
  for (const end = Date.now() + 300_000; Date.now() < end; await sleep(200)) {
    if (existsSync(join(dir, 'index.html'))) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another file is building; a lock older than five minutes was left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      continue;
    }
    try {
      const partial = `${dir}.partial-${process.pid}`;
      await buildWeb(partial);
      renameSync(partial, dir); // whole or not at all: a waiting file never sees half a build
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('the web build did not appear within five minutes');
}
