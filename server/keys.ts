// The checkpoint signing key: given by configuration, or generated once into the data directory.
// It never leaves the server; only the verifier key (vkey) is published.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519NoteSigner, encodeVkey, fromBase64, randomSeed, toBase64, type NoteSigner } from '../ledger/index.js';

export interface CheckpointKey {
  signer: NoteSigner;
  vkey: string;
}

/** A 32-byte Ed25519 seed in base64 (a key file's text or a configured value). */
export function parseSeed(text: string, where: string): Uint8Array {
  let seed: Uint8Array;
  try {
    seed = fromBase64(text.trim());
  } catch {
    throw new Error(`${where} is not base64`);
  }
  if (seed.length !== 32) throw new Error(`${where} must hold a 32-byte Ed25519 seed`);
  return seed;
}

/** The key, generated into the data directory on first use unless `mustExist` (for audits). */
export function loadCheckpointKey(opts: { origin: string; dataDir: string; configured?: string; mustExist?: boolean }): CheckpointKey {
  let seed: Uint8Array;
  if (opts.configured) {
    seed = parseSeed(opts.configured, 'HAZLEDGER_CHECKPOINT_KEY');
  } else {
    const path = join(opts.dataDir, 'checkpoint.key');
    if (opts.mustExist && !existsSync(path)) {
      throw new Error(`no checkpoint key in ${opts.dataDir}: pass the log's --vkey=… (or HAZLEDGER_CHECKPOINT_KEY)`);
    }
    mkdirSync(opts.dataDir, { recursive: true });
    try {
      writeFileSync(path, `${toBase64(randomSeed())}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    seed = parseSeed(readFileSync(path, 'utf8'), path);
  }
  const signer = ed25519NoteSigner(opts.origin, seed);
  return { signer, vkey: encodeVkey(signer.name, signer.publicKey) };
}
