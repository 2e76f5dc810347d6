// PGlite's first open runs initdb inside WebAssembly: 3–5 s on a CI core, for every test database.
// The suite instead makes one migrated data directory before any test file runs (vitest's
// globalSetup) and copies it for each PGlite place (~0.3 s). What is under test is unchanged:
// the server still opens the directory and applies the migrations (already there, a no-op), and
// the first start on an empty directory is exercised where a test makes its own (server/start).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../../server/db/open.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/** vitest globalSetup: build the template, hand its path to the test files, remove it at the end. */
export default async function setup({ provide }: { provide(key: 'pgliteTemplate', value: string): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'hz-pglite-template-'));
  const db = await openDatabase({ dataDir: dir });
  await db.close();
  provide('pgliteTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** Put a migrated, empty PGlite database into `dataDir`, where the server looks for it. */
export function seedPglite(dataDir: string): void {
  let template: string | undefined;
  try {
    template = inject('pgliteTemplate');
  } catch {
    return; // outside vitest (the bench): the server makes its own
  }
  if (template && existsSync(join(template, 'pglite'))) cpSync(join(template, 'pglite'), join(dataDir, 'pglite'), { recursive: true });
}
