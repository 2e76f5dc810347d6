// PostgreSQL crashes and comes back under a running server (a private cluster: `pg_ctl -m immediate
// stop`, then start): the server stays up, reconnects by itself, seals new steps, and loses
// nothing it acknowledged — before, during or after the outage; the log then verifies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registration } from '../helpers/api.js';
import { privatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { hazledger, HttpClient, killServers, startServer, type Env } from '../helpers/process.js';
import { waitFor } from '../helpers/witness.js';
import { WriteLoad } from '../helpers/write-load.js';
import { expectLogHolds } from './crash-rounds.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarted under the server', () => {
  let pg: PrivatePostgres | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'hz-pgrestart-'));
  afterAll(async () => {
    await killServers();
    pg?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reconnects, seals new steps and keeps every acknowledged one', async () => {
    pg = await privatePostgres();
    const env: Env = { ...(process.env as Env), DATABASE_URL: pg.url, HAZLEDGER_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', HAZLEDGER_DEMO: '0', HAZLEDGER_FINDINGS: '0', HAZLEDGER_WEB_BUILD: '0' };
    const server = await startServer(env);
    const load = new WriteLoad(4);
    await load.start(server.url);
    for (let outage = 0; outage < 2; outage++) {
      await sleep(1500);
      const before = load.acked.length;
      pg.crash(); // under load: transactions and batches cut off mid-way
      await sleep(1500);
      pg.start();
      // The server is still there, and new steps are sealed again without a restart.
      expect(server.child.exitCode, server.output()).toBeNull();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const producer = await HttpClient.login(server.url, 'producer').catch(() => undefined);
      await waitFor('a step sealed after the restart', async () => (await producer?.request('POST', '/api/units', registration()))?.status === 201, 60_000);
      await waitFor('the load to be acknowledged again', async () => load.acked.length > before + 5, 60_000);
    }
    await load.stop();
    expect(load.refused).toEqual([]);
    await expectLogHolds(server, load.acked);
    expect(server.output()).not.toMatch(/uncaught|unhandled/i);
    await server.kill('SIGTERM');
    const v = await hazledger(['verify'], env);
    expect(v.stdout).toMatch(/^OK: \d+ entries, \d+ checkpoints and the read side checked/m);
    console.log(`postgres restarts: ${load.acked.length} steps acknowledged, ${load.failed.length} answered 5xx during the outages`);
  }, 240_000);
});
