// Evidence bundles: every entry of a chain (a unit's, or a manifest's and its units'), as the
// exact stored bytes, each with an inclusion proof against one signed checkpoint, plus the log's
// verifier key. It verifies offline — here, in `hazledger verify-bundle`, and in a browser —
// and reports each break at the entry where it is.
import { fromBase64, fromUtf8, toBase64, type Bytes } from './bytes.js';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { leafHash } from './hash.js';
import { NoteError, parseVkey, type NoteVerifier } from './note.js';
import { verifyInclusion } from './verify.js';

export const EVIDENCE_FORMAT = 'hazledger-evidence/v1';

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  subject: { kind: 'unit' | 'manifest'; id: string };
  vkey: string;
  checkpoint: string;
  entries: { index: number; body: string; proof: string[] }[];
}

export type EvidenceBreakCode =
  | 'BUNDLE_MALFORMED'
  | 'VKEY_NOT_TRUSTED'
  | 'CHECKPOINT_INVALID'
  | 'ENTRY_NOT_INCLUDED'
  | 'ENTRY_MALFORMED'
  | 'ENTRY_ORDER'
  | 'CHAIN_BROKEN'
  | 'CHAIN_INCOMPLETE';

export interface EvidenceBreak {
  /** Log index of the entry, or −1 for the bundle as a whole. */
  index: number;
  code: EvidenceBreakCode;
  detail: string;
}

export interface EvidenceReport {
  checkpoint?: Checkpoint;
  entries: number;
  breaks: EvidenceBreak[];
}

/**
 * Verify a bundle. `trustedVkey` is the log key the inspector already holds; without it the
 * bundle's own key is used, which proves consistency but not who signed.
 */
export function verifyEvidence(bundle: unknown, trustedVkey?: string): EvidenceReport {
  const breaks: EvidenceBreak[] = [];
  const b = bundle as EvidenceBundle;
  if (!b || b.format !== EVIDENCE_FORMAT || !Array.isArray(b.entries) || typeof b.checkpoint !== 'string' || typeof b.vkey !== 'string') {
    return { entries: 0, breaks: [{ index: -1, code: 'BUNDLE_MALFORMED', detail: `not a ${EVIDENCE_FORMAT} bundle` }] };
  }
  let key: NoteVerifier;
  try {
    key = parseVkey(trustedVkey ?? b.vkey);
    if (trustedVkey && trustedVkey.trim() !== b.vkey.trim()) {
      breaks.push({ index: -1, code: 'VKEY_NOT_TRUSTED', detail: 'the bundle names another log key than the trusted one; checking against the trusted key' });
    }
  } catch (e) {
    return { entries: 0, breaks: [{ index: -1, code: 'BUNDLE_MALFORMED', detail: `bad vkey: ${(e as Error).message}` }] };
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(b.checkpoint, key);
  } catch (e) {
    const detail = e instanceof NoteError ? e.message : String(e);
    return { entries: b.entries.length, breaks: [...breaks, { index: -1, code: 'CHECKPOINT_INVALID', detail }] };
  }
  const last = new Map<string, string>(); // chain → leaf hash of its latest entry in the bundle
  let previousIndex = -1;
  for (const e of b.entries) {
    if (!e || typeof e !== 'object' || !Number.isSafeInteger(e.index) || typeof e.body !== 'string' || !Array.isArray(e.proof)) {
      breaks.push({ index: -1, code: 'BUNDLE_MALFORMED', detail: 'an entry needs an index, a base64 body and a proof list' });
      continue;
    }
    let body: Bytes;
    let proof: Bytes[];
    try {
      body = fromBase64(e.body);
      proof = e.proof.map(fromBase64);
    } catch {
      breaks.push({ index: e.index, code: 'BUNDLE_MALFORMED', detail: 'body or proof is not base64' });
      continue;
    }
    if (!(e.index > previousIndex)) breaks.push({ index: e.index, code: 'ENTRY_ORDER', detail: `entries must be in log order; ${e.index} follows ${previousIndex}` });
    previousIndex = e.index;
    const leaf = leafHash(body);
    const v = verifyInclusion(e.index, checkpoint.size, leaf, proof, checkpoint.root);
    if (!v.ok) breaks.push({ index: e.index, code: 'ENTRY_NOT_INCLUDED', detail: `${v.code}: these bytes are not entry ${e.index} of the signed tree` });
    let entry: { unit?: string; manifest?: string; prev?: Record<string, string> };
    try {
      entry = JSON.parse(fromUtf8(body));
    } catch {
      breaks.push({ index: e.index, code: 'ENTRY_MALFORMED', detail: 'not UTF-8 JSON' });
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      breaks.push({ index: e.index, code: 'ENTRY_MALFORMED', detail: 'not a JSON object' });
      continue;
    }
    if (b.subject?.kind === 'unit' && entry.unit !== b.subject.id) {
      breaks.push({ index: e.index, code: 'ENTRY_MALFORMED', detail: `not an entry of unit ${b.subject.id}` });
    }
    if (b.subject?.kind === 'manifest' && entry.manifest !== b.subject.id && typeof entry.unit !== 'string') {
      breaks.push({ index: e.index, code: 'ENTRY_MALFORMED', detail: `neither an entry of manifest ${b.subject.id} nor of one of its units` });
    }
    for (const chain of ['unit', 'manifest'] as const) {
      const subject = entry[chain];
      if (typeof subject !== 'string') continue;
      const key = `${chain}:${subject}`;
      const prev = entry.prev?.[chain];
      const seen = last.get(key);
      if (seen === undefined && prev !== undefined) {
        breaks.push({ index: e.index, code: 'CHAIN_INCOMPLETE', detail: `${chain} ${subject}: the entry before this one is not in the bundle` });
      } else if (seen !== undefined && prev !== seen) {
        breaks.push({ index: e.index, code: 'CHAIN_BROKEN', detail: `${chain} ${subject}: prev is ${prev ?? 'absent'}, the previous entry in the bundle hashes to ${seen}` });
      }
      last.set(key, toBase64(leaf));
    }
  }
  return { checkpoint, entries: b.entries.length, breaks };
}
