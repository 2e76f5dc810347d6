// PGlite takes no lock of its own: a second process on a data directory in use must be refused
// with a clear message — a second server as well as the CLI — while the first keeps serving.
import { afterAll, describe, expect, it } from 'vitest';
import { hazledger, killServers, serverPlace, startServer } from '../helpers/process.js';

afterAll(killServers);

describe('a second process on a PGlite data directory in use', () => {
  it('is refused with exit code 1 and the holder named, and the first server carries on', async () => {
    const place = await serverPlace('pglite');
    try {
      const first = await startServer(place.env);
      const pid = first.child.pid;
      const second = await hazledger(['start'], { ...place.env, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`hazledger start: .*data directory .* is in use by process ${pid}`));
      for (const command of ['verify', 'rebuild']) {
        const r = await hazledger([command], place.env);
        expect(r.code, command).toBe(1);
        expect(r.stderr, command).toMatch(new RegExp(`in use by process ${pid}`));
      }
      expect(first.child.exitCode).toBeNull();
      expect((await fetch(`${first.url}/ledger/checkpoint`)).status).toBe(200);
      await first.kill('SIGTERM');
    } finally {
      await place.dispose();
    }
  }, 240_000);
});
