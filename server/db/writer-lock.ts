// One server writes a database's log. For PGlite the lock file in the data directory sees to it
// (lock.ts); on PostgreSQL a server holds a session advisory lock, on a connection of its own,
// for as long as it runs. Without it, a second server on the same database would seal the first
// one's intake rows, and the first would answer those commands with an error though they were
// sealed. `hazledger rebuild` takes it too; `hazledger verify` only reads, and does not. (Behind
// a pooler in transaction mode, such as PgBouncer's, a session lock means nothing: connect the
// server to PostgreSQL directly or through session pooling.)
import { hostname } from 'node:os';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseOptions } from './open.js';

/** Beside the migrations' 7262001 (open.ts). */
const WRITER_LOCK = 7262002;

export class DatabaseInUseError extends Error {
  constructor(holder: string) {
    super(`the database is in use by ${holder}: one server writes a log; stop it first or use another DATABASE_URL`);
    this.name = 'DatabaseInUseError';
  }
}

/** The database opened as its log's one writer (`role`: server, rebuild): the lock held until it closes. */
export async function openAsWriter(opts: DatabaseOptions, role: string): Promise<Database> {
  if (!opts.url) return openDatabase(opts); // PGlite: the data directory's lock file
  const release = await lockLogWriter(opts.url, role);
  try {
    const db = await openDatabase(opts);
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          await release();
        }
      },
    };
  } catch (e) {
    await release();
    throw e;
  }
}

/**
 * Take the writer lock of the database at `url`, waiting up to `waitMs` for a holder that is going
 * away (a killed server's session ends a moment after it); returns what releases it. Should the
 * lock's connection drop (PostgreSQL restarted, the session terminated), PostgreSQL frees the lock:
 * it is taken again on a new connection, retried until it is, and each change is logged.
 */
async function lockLogWriter(url: string, role: string, waitMs = 5000): Promise<() => Promise<void>> {
  const name = `hazledger ${role} (pid ${process.pid} on ${hostname()})`;
  let client = await takeLock(url, name, waitMs);
  let released = false;
  let retry: NodeJS.Timeout | undefined;
  const watch = (c: pg.Client) => {
    c.once('end', () => {
      if (released || c !== client) return;
      console.error('hazledger: the connection holding the database writer lock dropped; taking the lock again');
      again(0);
    });
  };
  const again = (delayMs: number) => {
    retry = setTimeout(async () => {
      try {
        const c = await takeLock(url, name, 0);
        if (released) return void (await c.end().catch(() => {}));
        client = c;
        watch(c);
        console.error('hazledger: the database writer lock is held again');
      } catch (e) {
        console.error(`hazledger: cannot take the database writer lock again (${(e as Error).message}); retrying`);
        again(Math.min(Math.max(1000, delayMs * 2), 30_000));
      }
    }, delayMs);
    retry.unref();
  };
  watch(client);
  return async () => {
    released = true;
    clearTimeout(retry);
    await client.end().catch(() => {}); // the session's end releases the lock
  };
}

/** A new connection holding the lock, or DatabaseInUseError once `waitMs` has passed. */
async function takeLock(url: string, name: string, waitMs: number): Promise<pg.Client> {
  // Keepalive: a holder whose host vanished is found dead in minutes, not the OS's hours.
  const client = new pg.Client({ connectionString: url, application_name: name, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  client.on('error', () => {}); // 'end' follows a lost connection: the holder's watch takes it from there
  await client.connect();
  try {
    for (const deadline = Date.now() + waitMs; ; ) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [WRITER_LOCK]);
      if (rows[0].locked) return client;
      if (Date.now() >= deadline) throw new DatabaseInUseError(await holder(client));
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
}

/** Who holds the lock, as PostgreSQL knows the session. */
async function holder(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ name: string; addr: string | null; pid: number }>(
    `SELECT a.application_name AS name, host(a.client_addr) AS addr, a.pid
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [WRITER_LOCK],
  );
  const h = rows[0];
  if (!h) return 'another server';
  return `${h.name || 'another client'}${h.addr ? ` connected from ${h.addr}` : ''}, PostgreSQL backend ${h.pid}`;
}
