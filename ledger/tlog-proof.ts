// C2SP tlog-proof@v1: an offline proof that one entry is in a signed checkpoint.
import { equalBytes, fromBase64, toBase64, type Bytes } from './bytes.js';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { leafHash } from './hash.js';
import { NoteError, type NoteVerifier } from './note.js';
import { MAX_PATH, verifyInclusion, type Verdict } from './verify.js';

const HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  extra?: Bytes;
  index: number;
  path: Bytes[];
  checkpoint: string; // the signed note, signature lines included
}

export function encodeTlogProof({ extra, index, path, checkpoint }: TlogProof): string {
  const lines = [HEADER];
  if (extra) lines.push(`extra ${toBase64(extra)}`);
  lines.push(`index ${index}`, ...path.map(toBase64));
  return `${lines.join('\n')}\n\n${checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new NoteError('NOTE_MALFORMED', 'tlog-proof has no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines.shift() !== HEADER) throw new NoteError('NOTE_MALFORMED', `first line must be ${HEADER}`);
  let extra: Bytes | undefined;
  try {
    if (lines[0]?.startsWith('extra ')) extra = fromBase64(lines.shift()!.slice(6));
    const m = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
    if (!m) throw new Error('missing index line');
    if (lines.length > MAX_PATH) throw new Error('inclusion path too long');
    return { extra, index: Number(m[1]), path: lines.map(fromBase64), checkpoint };
  } catch (e) {
    throw new NoteError('NOTE_MALFORMED', `bad tlog-proof: ${(e as Error).message}`);
  }
}

/**
 * Verify a tlog-proof for an entry's exact bytes: the checkpoint signature first, then the
 * inclusion of the entry's leaf hash at the stated index in the checkpoint's tree.
 */
export function verifyTlogProof(
  text: string,
  entry: Bytes,
  log: NoteVerifier,
): { checkpoint: Checkpoint; index: number; verdict: Verdict } {
  const proof = parseTlogProof(text);
  const checkpoint = openCheckpoint(proof.checkpoint, log);
  const verdict = verifyInclusion(proof.index, checkpoint.size, leafHash(entry), proof.path, checkpoint.root);
  return { checkpoint, index: proof.index, verdict };
}

export const sameCheckpoint = (a: Checkpoint, b: Checkpoint) =>
  a.origin === b.origin && a.size === b.size && equalBytes(a.root, b.root);
