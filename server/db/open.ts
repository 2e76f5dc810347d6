// Opens the configured database — PostgreSQL through `pg` when a URL is given, otherwise the
// embedded PGlite — and applies the drizzle-kit migrations before anything else touches it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { Writable } from 'node:stream';
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
  return { driver, query: query as Sql['query'], transaction, commitWith: query as Sql['commitWith'] };
}

export const noNesting: Sql['transaction'] = () => Promise.reject(new Error('nested transactions are not supported'));

/**
 * `fn` in a transaction on `c`, pipelined: BEGIN goes out in one write with the first statement
 * and COMMIT with the last (commitWith), two round trips fewer. Pipeline mode is on for the
 * transaction only (a COPY cannot run on a pipelined connection). A statement sent after
 * commitWith, or after the transaction ended, is refused. When `fn` throws after commitWith had
 * committed, the ROLLBACK is harmless and the error is passed on.
 */
async function pipelinedTransaction<T>(c: pg.PoolClient, fn: (tx: Sql) => Promise<T>, onBroken: (e: Error) => void): Promise<T> {
  pipelined(c, true);
  let held: (() => void) | undefined = holdWrites(c);
  const flush = () => {
    held?.();
    held = undefined;
  };
  let ended = false;
  let committing: Promise<void> | undefined;
  try {
    const begun = c.query('BEGIN').then(() => undefined, (e: Error) => e);
    const tx = wrap('postgres', c, noNesting);
    const query = tx.query;
    tx.query = ((text: string, params?: unknown[], name?: string) => {
      if (ended) return Promise.reject(new Error('the transaction has ended'));
      const rows = query(text, params, name);
      flush();
      return rows;
    }) as Sql['query'];
    tx.commitWith = async <T extends Row>(text: string, params?: unknown[], name?: string) => {
      if (ended) throw new Error('the transaction has ended');
      ended = true;
      held ??= holdWrites(c);
      const last = send<T>(c, text, params, name);
      // pg reports a statement it could not send (a value it cannot serialise) at once or on the
      // next tick; nothing has reached the server yet (writes are held), so a failure now is that.
      // No COMMIT may follow it, or the statements before it would commit alone.
      await new Promise((r) => process.nextTick(r));
      const unsent = last.failed();
      // Awaited again after `fn`, even if `fn` drops this statement's error: never a commit then.
      committing = unsent ? Promise.reject(unsent) : commit(c);
      committing.catch(() => {});
      flush();
      if (unsent) throw unsent;
      const [rows] = await Promise.all([last.rows, committing]);
      return rows;
    };
    const result = await fn(tx);
    ended = true;
    flush();
    const failedToBegin = await begun;
    if (failedToBegin) throw failedToBegin;
    await (committing ?? commit(c));
    return result;
  } catch (e) {
    ended = true;
    flush();
    // Still pipelined: the ROLLBACK queues behind whatever is in flight, and once it is answered
    // nothing is, so pipeline mode can go off.
    await c.query('ROLLBACK').catch(onBroken);
    throw e;
  } finally {
    pipelined(c, false);
  }
}

/** Send a statement: its rows, and its error as soon as it has failed. */
function send<T extends Row>(c: pg.PoolClient, text: string, values?: unknown[], name?: string): { rows: Promise<T[]>; failed(): Error | undefined } {
  let failed: Error | undefined;
  const rows = new Promise<T[]>((resolve, reject) => {
    c.query<T>({ text, values, name }, (err, res) => (err ? reject((failed = err)) : resolve(res.rows)));
  });
  rows.catch(() => {}); // a statement pg could not send is thrown by the caller instead
  return { rows, failed: () => failed };
}

/** COMMIT; PostgreSQL answers ROLLBACK when a statement of the transaction had failed. */
async function commit(c: pg.PoolClient): Promise<void> {
  const { command } = await c.query('COMMIT');
  if (command !== 'COMMIT') throw new Error(`the transaction did not commit (${command})`);
}

/** pg's pipeline mode (a constructor option) for one client, while it is checked out and idle. */
const pipelined = (c: pg.PoolClient, on: boolean) => ((c as { pipeline: boolean }).pipeline = on);

/** Buffer what the client writes until the returned function is called: then one write for all of it. */
function holdWrites(c: pg.PoolClient): () => void {
  const { stream } = (c as unknown as { connection: { stream: Writable } }).connection;
  stream.cork();
  return () => stream.uncork();
}

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
      return await pipelinedTransaction(c, fn, (err) => (broken = err));
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
