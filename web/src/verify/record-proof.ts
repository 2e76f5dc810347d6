// The public page's proof: the drum's latest entry (its exact bytes from /ledger/entries/{index})
// is in the tree of a checkpoint signed by the log's key, by the ledger/ code's C2SP tlog-proof
// verifier, and it is the step the page says the drum was last seen at.
import { fromUtf8, parseVkey, verifyTlogProof, type Checkpoint } from '../../../ledger/index.ts';

export type ProofResult = { ok: true; checkpoint: Checkpoint; index: number } | { ok: false; reason: string };

export function verifyRecordProof(proof: string, entry: Uint8Array, vkey: string, lastSeen: { at: string; event: string; index: number }): ProofResult {
  try {
    const { checkpoint, index, verdict } = verifyTlogProof(proof, entry, parseVkey(vkey.trim()));
    if (!verdict.ok) return { ok: false, reason: `${verdict.code}: the entry is not in the signed tree` };
    if (index !== lastSeen.index) return { ok: false, reason: `the proof is for entry ${index}, not ${lastSeen.index}` };
    const env = JSON.parse(fromUtf8(entry)) as { at?: string; type?: string };
    if (env.at !== lastSeen.at || env.type !== lastSeen.event) return { ok: false, reason: 'the entry is not the step shown as last seen' };
    return { ok: true, checkpoint, index };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
