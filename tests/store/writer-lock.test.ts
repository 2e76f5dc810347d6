// The PostgreSQL writer lock (server/db/writer-lock.ts) outlives its connection: when the session
// holding it is terminated, PostgreSQL frees the lock, and the holder takes it again on a new
// connection before another writer can.
import { hostname } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { DatabaseInUseError, openAsWriter } from '../../server/db/writer-lock.js';
import { createPgDatabase } from '../helpers/databases.js';
import { SHARED_PG } from '../helpers/process.js';

let place: { url: string; drop(): Promise<void> };
let admin: pg.Client;
beforeAll(async () => {
  place = await createPgDatabase(SHARED_PG, 'hz_lock');
  admin = new pg.Client({ connectionString: place.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await place?.drop();
});

/** The backend pids of this process's lock sessions, as PostgreSQL shows them. */
const lockSessions = async () =>
  (
    await admin.query<{ pid: number }>(
      `SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = 7262002 AND a.application_name = $1`,
      [`hazledger server (pid ${process.pid} on ${hostname()})`],
    )
  ).rows.map((r) => r.pid);

it('takes the lock again when its session is terminated, so a second writer is still refused; frees it on close', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const first = await openAsWriter({ url: place.url, poolSize: 2 }, 'server');
    const [held] = await lockSessions();
    expect(held).toBeGreaterThan(0);
    await admin.query('SELECT pg_terminate_backend($1)', [held]);
    await vi.waitFor(async () => expect((await lockSessions()).filter((pid) => pid !== held)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect(logged.mock.calls.flat().join('\n')).toMatch(/writer lock dropped; taking the lock again[\s\S]*writer lock is held again/);
    await expect(openAsWriter({ url: place.url }, 'server')).rejects.toThrow(DatabaseInUseError);
    expect((await first.sql.query<{ one: number }>('SELECT 1 AS one'))[0].one).toBe(1); // the first writer carries on
    await first.close();
    const second = await openAsWriter({ url: place.url }, 'server');
    await second.close();
    expect(await lockSessions()).toEqual([]);
  } finally {
    logged.mockRestore();
  }
}, 60_000);
