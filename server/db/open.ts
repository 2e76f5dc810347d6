// Opens the configured database — PostgreSQL through `pg` when a URL is given, otherwise the
// embedded PGlite — and applies the drizzle-kit migrations before anything else touches it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { concat } from '../../ledger/bytes.js';
import type { Row, Sql } from '../../ledger/store/sql.js';

export const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface Database {
  sql: Sql;
  /**
   * For the log's one writer (the sequencer): on PostgreSQL a connection of its own, so that a
   * batch never waits in the pool's queue behind the command transactions whose entries it seals.
   */
  writer: Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL. Without it: PGlite in `dataDir`, or in memory when there is no dataDir. */
  url?: string;
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 16);
  // PGlite (its WebAssembly PostgreSQL, some 30 MB) is only loaded when it is the database.
  const { openPglite } = await import('./open-pglite.js');
  return openPglite(opts.dataDir);
}

type Queryable = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };
type PgQueryable = { query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[] }> };

export function wrap(driver: Sql['driver'], q: Queryable, transaction: Sql['transaction']): Sql {
  const query =
    driver === 'postgres'
      ? async (text: string, values?: unknown[], name?: string) => (await (q as unknown as PgQueryable).query({ text, values, name })).rows
      : async (text: string, params?: unknown[]) => (await q.query(text, params)).rows;
  return { driver, query: query as Sql['query'], transaction };
}

export const noNesting: Sql['transaction'] = () => Promise.reject(new Error('nested transactions are not supported'));

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
  const writer = new pg.Pool({ connectionString: url, max: 1 });
  writer.on('error', () => {});
  return {
    sql: pooledSql(pool),
    writer: pooledSql(writer),
    close: async () => {
      await Promise.all([pool.end(), writer.end()]);
    },
  };
}

function pooledSql(pool: pg.Pool): Sql {
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
  const copyOutBinary = async (query: string) => {
    const c = await pool.connect();
    let broken: Error | undefined;
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of c.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`))) chunks.push(chunk as Buffer);
      // A buffer of its own (never a slice of Node's shared pool), so it can be moved to a worker.
      return concat(...chunks);
    } catch (e) {
      broken = e as Error;
      throw e;
    } finally {
      c.release(broken);
    }
  };
  return { ...wrap('postgres', pool, transaction), copyOutBinary };
}
