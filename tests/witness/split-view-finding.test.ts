// A witness that holds another view of this log refuses the log's checkpoint: the refusal
// surfaces as a LEDGER_TAMPERED finding for the regulators, and the log signs nothing the witness
// could not accept (both drivers, the server's own wiring: config witnesses, the probe at start,
// the witnessing loop, the finding engine).
import { afterAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey, randomSeed, signCheckpoint, toBase64 } from '../../ledger/index.js';
import { encodeAddCheckpoint } from '../../ledger/witness-protocol.js';
import { DEFAULT_ORIGIN } from '../../server/config.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { startWitness, waitFor, type RunningWitness } from '../helpers/witness.js';

describe.each(DRIVERS)('a split view on %s', (driver) => {
  let opened: TestApp | undefined;
  let witness: RunningWitness | undefined;
  afterAll(async () => {
    await opened?.close();
    await witness?.close();
  });

  it('is refused by the witness and raised as LEDGER_TAMPERED', async () => {
    const seed = randomSeed();
    const signer = ed25519NoteSigner(DEFAULT_ORIGIN, seed);
    witness = await startWitness('witness.bureau/w', encodeVkey(signer.name, signer.publicKey));
    // The log's key signed a tree of size 1 that is not this log's: the witness saw it first.
    const fork = signCheckpoint({ origin: DEFAULT_ORIGIN, size: 1, root: new Uint8Array(32).fill(9) }, signer);
    expect((await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: fork }) })).status).toBe(200);
    opened = await openTestApp(driver, { checkpointKey: toBase64(seed), findings: true, witnesses: [{ url: witness.url, vkey: witness.vkey }] });
    const ctx = opened.ctx;
    const found = await waitFor('the finding', async () => {
      const rows = await ctx.db.sql.query<{ code: string; detail: string; org_ids: string[] }>(`SELECT code, detail, org_ids FROM findings WHERE key LIKE 'LEDGER_TAMPERED:WITNESS:%'`);
      return rows[0];
    });
    expect(found).toMatchObject({ code: 'LEDGER_TAMPERED', org_ids: ['org-linhai-eeb'] });
    expect(found.detail).toMatch(/witness .* has seen more of this log than the log now holds .* the log is at size 0, the witness at 1/);
    // Asked at start, before the first batch: the registry waits in intake, nothing is signed.
    await ctx.sequencer.idle();
    expect((await ctx.reader.head()).size).toBe(0);
    const [{ n }] = await ctx.db.sql.query<{ n: unknown }>('SELECT count(*) AS n FROM ledger_intake');
    expect(Number(n)).toBeGreaterThan(0);
  });
});
