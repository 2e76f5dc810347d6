// `hazledger verify-bundle … --witness=VKEY --quorum=K`: a bundle whose checkpoint a witness
// cosigned passes a 1-of-1 policy and fails a 2-of-2 one, offline.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeAddCheckpoint } from '../../ledger/witness-protocol.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { startWitness, type RunningWitness } from '../helpers/witness.js';

const run = promisify(execFile);

describe('verify-bundle with a witness policy', () => {
  let opened: TestApp | undefined;
  const witnesses: RunningWitness[] = [];
  afterAll(async () => {
    await opened?.close();
    for (const w of witnesses) await w.close();
  });

  it('accepts the log and k of n witnesses, and refuses a quorum the cosignatures do not reach', async () => {
    opened = await openTestApp('pglite');
    const vkey = opened.ctx.key.vkey;
    for (const name of ['witness.one/w', 'witness.two/w']) witnesses.push(await startWitness(name, vkey));
    const producer = await Client.as(opened.app, 'producer');
    const { unit } = await producer.register();
    await opened.ctx.sequencer.idle();
    const bundle = (await producer.request('GET', `/api/units/${unit.id}/evidence`)).json();
    // The first witness cosigns the bundle's checkpoint (from size 0: no proof needed).
    const res = await fetch(`${witnesses[0].url}/add-checkpoint`, { method: 'POST', body: encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: bundle.checkpoint }) });
    expect(res.status).toBe(200);
    const cosigned = { ...bundle, checkpoint: `${bundle.checkpoint}${await res.text()}` };
    const file = join(mkdtempSync(join(tmpdir(), 'hz-wb-')), 'bundle.json');
    writeFileSync(file, JSON.stringify(cosigned));
    const cli = (...args: string[]): Promise<{ code?: number; stdout: string }> =>
      run('node', ['bin/hazledger.mjs', 'verify-bundle', file, `--vkey=${vkey}`, ...args]).catch((e) => e as { code: number; stdout: string });
    const ok = await cli(`--witness=${witnesses[0].vkey}`);
    expect(ok.stdout).toMatch(/^OK: 1 entries proven/m);
    const oneOfTwo = await cli(`--witness=${witnesses[0].vkey}`, `--witness=${witnesses[1].vkey}`, '--quorum=1');
    expect(oneOfTwo.stdout).toMatch(/^OK/m);
    const twoOfTwo = await cli(`--witness=${witnesses[0].vkey}`, `--witness=${witnesses[1].vkey}`);
    expect(twoOfTwo.code).toBe(1);
    expect(twoOfTwo.stdout).toMatch(/CHECKPOINT_INVALID — witness policy/);
    expect((await cli(`--witness=${witnesses[0].vkey}`, '--quorum=3')).code).toBe(2);
  });
});
