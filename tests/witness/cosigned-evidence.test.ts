// With witnesses configured, an evidence bundle from the API is proven against the latest
// checkpoint they cosigned, so `verify-bundle --witness` passes on it offline (the server's own
// wiring end to end: config, witnessing loop, evidence route).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey, randomSeed, toBase64 } from '../../ledger/index.js';
import { DEFAULT_ORIGIN } from '../../server/config.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { startWitness, waitFor, type RunningWitness } from '../helpers/witness.js';

const run = promisify(execFile);

describe('evidence under witnesses', () => {
  let opened: TestApp | undefined;
  let witness: RunningWitness | undefined;
  afterAll(async () => {
    await opened?.close();
    await witness?.close();
  });

  it('proves a unit\'s chain against a cosigned checkpoint that verify-bundle accepts under the witness policy', async () => {
    const seed = randomSeed();
    const signer = ed25519NoteSigner(DEFAULT_ORIGIN, seed);
    const vkey = encodeVkey(signer.name, signer.publicKey);
    witness = await startWitness('witness.bureau/w', vkey);
    opened = await openTestApp('pglite', { checkpointKey: toBase64(seed), witnesses: [{ url: witness.url, vkey: witness.vkey }] });
    const producer = await Client.as(opened.app, 'producer');
    const { unit, entry } = await producer.register();
    await waitFor('a cosigned checkpoint holding the unit', async () => ((await opened!.ctx.witnessing.store.cosigned())?.size ?? 0) > entry.index);
    const bundle = (await producer.request('GET', `/api/units/${unit.id}/evidence`)).json();
    expect(bundle.checkpoint).toContain('— witness.bureau/w ');
    const file = join(mkdtempSync(join(tmpdir(), 'hz-ce-')), 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const ok = await run('node', ['bin/hazledger.mjs', 'verify-bundle', file, `--vkey=${vkey}`, `--witness=${witness.vkey}`]);
    expect(ok.stdout).toMatch(/^OK: 1 entries proven/m);
  });
});
