// The server-crash scenario of server-crash.test.ts, on either driver: the real server under
// write load from concurrent HTTP clients, SIGKILLed at random points, restarted, and checked
// after every restart.
import { expect } from 'vitest';
import { leafHash, toBase64, utf8 } from '../../ledger/index.js';
import { num } from '../../ledger/store/sql.js';
import { openDatabase } from '../../server/db/open.js';
import { Rng } from '../../server/seeded-random.js';
import { hazledger, killServers, serverPlace, startServer, type ServerProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/witness.js';
import { readLog, WriteLoad, type AckedStep } from '../helpers/write-load.js';

type Place = Awaited<ReturnType<typeof serverPlace>>;

/** Rows committed to the intake and not yet sealed: work the sequencer had in hand. */
async function intakePending(place: Place): Promise<number> {
  const db = await openDatabase({ url: place.url, dataDir: place.url ? undefined : place.dataDir, poolSize: 1 });
  try {
    const [row] = await db.sql.query('SELECT count(*) AS n FROM ledger_intake');
    return num(row.n);
  } finally {
    await db.close();
  }
}

/** Every acknowledged step is in the log once, at the index and with the leaf hash it was acknowledged with; no event id twice. */
export async function expectLogHolds(server: ServerProcess, acked: AckedStep[]): Promise<number> {
  let log: Awaited<ReturnType<typeof readLog>> = [];
  let missing: AckedStep[] = acked;
  // Steps committed before the kill but not yet sealed are sealed by the restarted sequencer.
  for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    log = await readLog(server.url);
    const have = new Set(log.map((e) => e.eventId));
    missing = acked.filter((s) => !have.has(s.eventId));
    if (missing.length === 0) break;
  }
  expect(missing, 'acknowledged steps missing from the log').toEqual([]);
  const seen = new Map<string, number>();
  for (const e of log) if (e.eventId) seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1);
  expect([...seen].filter(([, n]) => n > 1), 'event ids sealed twice').toEqual([]);
  for (const s of acked) {
    const e = log[s.index];
    expect(e?.eventId, `entry ${s.index}`).toBe(s.eventId);
    expect(toBase64(leafHash(utf8(e.body)))).toBe(s.leafHash);
  }
  return log.length;
}

async function expectVerifies(place: Place): Promise<void> {
  const v = await hazledger(['verify'], place.env);
  expect(v.stdout + v.stderr).toMatch(/^OK: \d+ entries, \d+ checkpoints and the read side checked/m);
  expect(v.code).toBe(0);
}

/**
 * `rounds` times: start the server (after the first, check the log and run `hazledger verify`),
 * put it under load and SIGKILL it after a random delay — except in round 1, where the server
 * kills itself inside a batch, just before its write (HAZLEDGER_CRASH_IN_BATCH). Returns the intake
 * rows left at each kill and the crash point's line.
 */
export async function crashRounds(driver: 'pglite' | 'postgres', rounds: number, seed: number) {
  const place = await serverPlace(driver);
  const rng = new Rng(seed);
  const load = new WriteLoad(6);
  const pendingAtKill: number[] = [];
  let crashLine = '';
  let size = 0;
  const t0 = Date.now();
  const mark = (what: string) => console.log(`${driver} ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  try {
    for (let round = 0; round <= rounds; round++) {
      let server: ServerProcess | undefined;
      if (round > 0) {
        server = await startServer(place.env);
        size = await expectLogHolds(server, load.acked);
        // PGlite is one process's: the audit runs with the server stopped (it is idle, SIGKILL is as
        // good); round 1 needs a server started with the crash point.
        if (driver === 'pglite' || round === rounds || round === 1) {
          await server.kill();
          server = undefined;
        }
        await expectVerifies(place);
        mark(`round ${round}: restarted, log checked and verified at size ${size}`);
      }
      if (round === rounds) break;
      const crash = round === 1;
      server ??= await startServer(crash ? { ...place.env, HAZLEDGER_CRASH_IN_BATCH: '0.03' } : place.env);
      await load.start(server.url);
      const before = load.acked.length;
      if (crash) {
        const { signal } = await server.exited;
        expect(signal).toBe('SIGKILL');
        crashLine = /^crash point: .*$/m.exec(server.output())?.[0] ?? '';
      } else {
        // Some steps through, then a random moment: the load is in full flow when the kill lands.
        await waitFor('steps acknowledged in this round', async () => load.acked.length >= before + 3, 60_000);
        await new Promise((r) => setTimeout(r, rng.next() * 1500));
        await server.kill('SIGKILL');
      }
      await load.stop();
      pendingAtKill.push(await intakePending(place));
      mark(`round ${round}: killed with ${load.acked.length} acknowledged, ${pendingAtKill.at(-1)} in intake${crash ? ` (${crashLine})` : ''}`);
    }
    expect(load.refused).toEqual([]);
    expect(load.failed).toEqual([]);
    return { pendingAtKill, crashLine, acked: load.acked.length, size };
  } finally {
    await killServers();
    await place.dispose();
  }
}
