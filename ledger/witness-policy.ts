// A verification policy for cosigned checkpoints: "signed by the log, and cosigned by at least
// k of these n witnesses". Pure: the same code runs in `hazledger`, in tests and in a browser.
import { toHex } from './bytes.js';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { CosignatureError, openCosignatures, parseCosignerVkey, type CosignatureOptions, type CosignerVerifier } from './cosignature.js';
import { verifyEvidence, type EvidenceReport } from './evidence.js';
import { encodeVkey, NoteError, parseVkey, type NoteVerifier } from './note.js';

export interface WitnessPolicy {
  log: NoteVerifier;
  /** The origin line the checkpoint must carry; the log key's name when absent. */
  origin?: string;
  witnesses: CosignerVerifier[];
  /** How many distinct witnesses must have cosigned (0 ≤ quorum ≤ witnesses.length). */
  quorum: number;
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Build a policy from vkeys: the log's (type 0x01) and the witnesses' (type 0x04). */
export function witnessPolicy(opts: { log: string; witnesses: readonly string[]; quorum: number; origin?: string }): WitnessPolicy {
  let log: NoteVerifier;
  let witnesses: CosignerVerifier[];
  try {
    log = parseVkey(opts.log);
    witnesses = opts.witnesses.map(parseCosignerVkey);
  } catch (e) {
    throw new PolicyError(`bad key in the policy: ${(e as Error).message}`);
  }
  const ids = new Set(witnesses.map((w) => `${w.name}+${toHex(w.keyId)}`));
  if (ids.size !== witnesses.length) throw new PolicyError('a witness key is listed twice');
  if (!Number.isInteger(opts.quorum) || opts.quorum < 0 || opts.quorum > witnesses.length) {
    throw new PolicyError(`quorum ${opts.quorum} is not between 0 and the ${witnesses.length} witnesses`);
  }
  return { log, witnesses, quorum: opts.quorum, origin: opts.origin };
}

export type PolicyFailure = 'CHECKPOINT_INVALID' | 'COSIGNATURE_INVALID' | 'COSIGNATURE_FUTURE' | 'QUORUM_NOT_MET';

export interface PolicyVerdict {
  ok: boolean;
  code?: PolicyFailure;
  detail: string;
  checkpoint?: Checkpoint;
  /** The policy's witnesses whose cosignature verified, with the time each signed. */
  cosignedBy: { name: string; timestamp: number }[];
}

/**
 * Verify a cosigned checkpoint note under a policy: the log's signature (and origin) first, then
 * every cosignature line by a policy witness (a bad one fails the whole note: someone tampered
 * with it), then the count of distinct witnesses against the quorum. Lines by other keys are ignored.
 */
export function verifyCosignedCheckpoint(note: string, policy: WitnessPolicy, opts: CosignatureOptions = {}): PolicyVerdict {
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(note, policy.log, policy.origin ?? policy.log.name);
  } catch (e) {
    return { ok: false, code: 'CHECKPOINT_INVALID', detail: e instanceof NoteError ? e.message : String(e), cosignedBy: [] };
  }
  let cosignedBy: PolicyVerdict['cosignedBy'];
  try {
    cosignedBy = openCosignatures(note, policy.witnesses, opts).cosignatures.map((c) => ({ name: c.name, timestamp: c.timestamp }));
  } catch (e) {
    if (!(e instanceof CosignatureError)) throw e;
    const code = e.code === 'COSIGNATURE_FUTURE' ? 'COSIGNATURE_FUTURE' : 'COSIGNATURE_INVALID';
    return { ok: false, code, detail: e.message, checkpoint, cosignedBy: [] };
  }
  const summary = `${cosignedBy.length} of ${policy.witnesses.length} witnesses cosigned (${policy.quorum} required)`;
  if (cosignedBy.length < policy.quorum) return { ok: false, code: 'QUORUM_NOT_MET', detail: summary, checkpoint, cosignedBy };
  return { ok: true, detail: summary, checkpoint, cosignedBy };
}

/**
 * An evidence bundle checked as `verifyEvidence` does, against the policy's log key, plus the
 * policy on its checkpoint: a checkpoint short of the witness quorum is one more break.
 */
export function verifyWitnessedEvidence(bundle: unknown, policy: WitnessPolicy, opts: CosignatureOptions = {}): EvidenceReport & { witnesses?: PolicyVerdict } {
  const report = verifyEvidence(bundle, encodeVkey(policy.log.name, policy.log.publicKey));
  const note = (bundle as { checkpoint?: unknown } | null)?.checkpoint;
  if (typeof note !== 'string' || !report.checkpoint) return report;
  const witnesses = verifyCosignedCheckpoint(note, policy, opts);
  if (!witnesses.ok) report.breaks.push({ index: -1, code: 'CHECKPOINT_INVALID', detail: `witness policy: ${witnesses.code}: ${witnesses.detail}` });
  return { ...report, witnesses };
}
