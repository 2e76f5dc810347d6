// The witness's cosigning key: given by configuration, or generated once into its directory.
// Only its vkey (type 0x04, C2SP tlog-cosignature) is published to log operators.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSeed, toBase64 } from '../../ledger/index.js';
import { parseSeed } from '../keys.js';
import { ed25519Cosigner, encodeCosignerVkey, type Cosigner } from '../../ledger/cosignature.js';

export interface WitnessKey {
  cosigner: Cosigner;
  vkey: string;
}

export function loadWitnessKey(opts: { name: string; dir: string; configured?: string }): WitnessKey {
  let seed: Uint8Array;
  if (opts.configured) {
    seed = parseSeed(opts.configured, 'HAZLEDGER_WITNESS_KEY');
  } else {
    const path = join(opts.dir, 'witness.key');
    mkdirSync(opts.dir, { recursive: true });
    try {
      writeFileSync(path, `${toBase64(randomSeed())}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    seed = parseSeed(readFileSync(path, 'utf8'), path);
  }
  const cosigner = ed25519Cosigner(opts.name, seed);
  return { cosigner, vkey: encodeCosignerVkey(cosigner.name, cosigner.publicKey) };
}
