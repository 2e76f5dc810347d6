// On PostgreSQL one server writes a database's log: a second server (or `hazledger rebuild`) on
// the same database is refused with the holder named, while `hazledger verify` (read only) runs
// beside it; a killed server's lock goes with its session, so a restart takes it at once.
import { afterAll, describe, expect, it } from 'vitest';
import { hazledger, killServers, serverPlace, startServer } from '../helpers/process.js';

afterAll(killServers);

describe('a second writer on a PostgreSQL database in use', () => {
  it('is refused with exit code 1 and the holder named; verify runs beside the server; a restart after a kill is not refused', async () => {
    const place = await serverPlace('postgres');
    try {
      const first = await startServer(place.env);
      const pid = first.child.pid;
      const holder = new RegExp(`in use by hazledger server \\(pid ${pid} on [^)]+\\)( connected from [^,]+)?, PostgreSQL backend \\d+`);
      const second = await hazledger(['start'], { ...place.env, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^hazledger start: the database is in use by /m);
      expect(second.stderr).toMatch(holder);
      const rebuild = await hazledger(['rebuild'], place.env);
      expect(rebuild.code).toBe(1);
      expect(rebuild.stderr).toMatch(holder);
      const verify = await hazledger(['verify'], place.env);
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);

      expect(first.child.exitCode).toBeNull();
      expect((await fetch(`${first.url}/ledger/checkpoint`)).status).toBe(200);
      await first.kill('SIGKILL');
      const restarted = await startServer(place.env);
      expect((await fetch(`${restarted.url}/ledger/checkpoint`)).status).toBe(200);
      await restarted.kill('SIGTERM');
      // Stopped cleanly, it leaves the database free for the next writer.
      const rebuilt = await hazledger(['rebuild'], place.env);
      expect(rebuilt.stderr).toBe('');
      expect(rebuilt.code).toBe(0);
    } finally {
      await place.dispose();
    }
  }, 240_000);
});
