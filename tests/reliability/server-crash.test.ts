// SIGKILL of the server (and with it the sequencer, mid-batch) under write load, on PGlite and on
// PostgreSQL: after every restart each acknowledged step is in the log once and `hazledger verify`
// passes. Both drivers always, as the other reliability files (serverPlace uses the shared cluster).
import { afterAll, describe, expect, it } from 'vitest';
import { killServers } from '../helpers/process.js';
import { crashRounds } from './crash-rounds.js';

afterAll(killServers);

// PGlite takes two kills (a random one, then the crash point inside a batch): each of its restarts
// and audits costs several times PostgreSQL's, and a third kill there adds time, not a new case.
describe.each([
  ['PGlite', 'pglite', 2, 420_000],
  ['PostgreSQL', 'postgres', 3, 240_000],
] as const)('the server SIGKILLed under load on %s', (_name, driver, kills, timeout) => {
  it(`keeps every acknowledged step across ${kills} kills, none twice, and verifies after each restart`, async () => {
    const seed = Date.now() % 1_000_000;
    const r = await crashRounds(driver, kills, seed);
    console.log(`${driver} crash rounds (seed ${seed}): ${r.acked} steps acknowledged, log size ${r.size}, intake rows pending at each kill: ${r.pendingAtKill.join(', ')}`);
    // The crash point fired inside a batch: its transaction rolled back, and the intake rows it
    // was sealing were still there for the restarted sequencer (checked by the next round).
    expect(r.crashLine).toMatch(/^crash point: SIGKILL inside the batch sealing up to size \d+$/);
    expect(r.pendingAtKill[1]).toBeGreaterThan(0);
  }, timeout);
});
