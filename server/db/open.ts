// Opens the configured database — PostgreSQL through `pg` when a URL is given, otherwise the
// embedded PGlite — and applies the drizzle-kit migrations before anything else touches it.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { Row, Sql } from '../../ledger/store/sql.js';
import { lockDataDir } from './lock.js';

export const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface Database {
  sql: Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL. Without it: PGlite in `dataDir`, or in memory when there is no dataDir. */
  url?: string;
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 16) : openPglite(opts.dataDir);
}

type Queryable = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };
type PgQueryable = { query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[] }> };

function wrap(driver: Sql['driver'], q: Queryable, transaction: Sql['transaction']): Sql {
  const query =
    driver === 'postgres'
      ? async (text: string, values?: unknown[], name?: string) => (await (q as unknown as PgQueryable).query({ text, values, name })).rows
      : async (text: string, params?: unknown[]) => (await q.query(text, params)).rows;
  return { driver, query: query as Sql['query'], transaction };
}

const noNesting: Sql['transaction'] = () => Promise.reject(new Error('nested transactions are not supported'));

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // an idle client dropped by the server: the pool replaces it
  const client = await pool.connect();
  try {
    // One migrator at a time across processes.
    await client.query('SELECT pg_advisory_lock(7262001)');
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS });
    await client.query('SELECT pg_advisory_unlock(7262001)');
  } finally {
    client.release();
  }
  const transaction: Sql['transaction'] = async (fn) => {
    const c = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this, the server dropping the connection
    // (a restart, a failover) would be an uncaught 'error' event and take the process down. The
    // query in flight fails by itself; the client is then released as broken.
    const onError = (e: Error) => (broken = e);
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const result = await fn(wrap('postgres', c, noNesting));
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw e;
    } finally {
      c.removeListener('error', onError);
      c.release(broken);
    }
  };
  return { sql: wrap('postgres', pool, transaction), close: () => pool.end() };
}

async function openPglite(dataDir?: string): Promise<Database> {
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
  return {
    sql: wrap('pglite', db, transaction),
    close: async () => {
      await db.close();
      release();
    },
  };
}
