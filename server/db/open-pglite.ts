// The embedded database: PGlite in the data directory (locked against a second process), or in
// memory without one, with the drizzle-kit migrations applied. Loaded by open.ts only when used.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Sql } from '../../ledger/store/sql.js';
import { lockDataDir } from './lock.js';
import { MIGRATIONS, noNesting, wrap, type Database } from './open.js';

export async function openPglite(dataDir?: string): Promise<Database> {
  let release = () => {};
  let db: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
    try {
      db = await PGlite.create(join(dataDir, 'pglite'));
    } catch (e) {
      release();
      throw e;
    }
  } else {
    db = await PGlite.create();
  }
  await migratePglite(drizzlePglite(db), { migrationsFolder: MIGRATIONS });
  const transaction: Sql['transaction'] = (fn) => db.transaction((tx) => fn(wrap('pglite', tx, noNesting)));
  const sql = wrap('pglite', db, transaction);
  return {
    sql,
    writer: sql, // PGlite has one connection: everything already takes turns on it
    close: async () => {
      await db.close();
      release();
    },
  };
}
