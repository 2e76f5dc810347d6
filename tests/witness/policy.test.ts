// The verification policy "the log and at least k of these n witnesses", on cosigned checkpoints
// and on evidence bundles.
import { describe, expect, it } from 'vitest';
import {
  checkpointText, ed25519NoteSigner, encodeVkey, EVIDENCE_FORMAT, fromBase64, leafHash, MemoryTree, randomSeed, signCheckpoint, toBase64, utf8,
} from '../../ledger/index.js';
import { cosign, ed25519Cosigner, encodeCosignerVkey } from '../../ledger/cosignature.js';
import { appendSignatureLines } from '../../ledger/witness-protocol.js';
import { PolicyError, verifyCosignedCheckpoint, verifyWitnessedEvidence, witnessPolicy } from '../../ledger/witness-policy.js';

const log = ed25519NoteSigner('policy.hazledger.example/log', randomSeed());
const logVkey = encodeVkey(log.name, log.publicKey);
const [w1, w2, w3] = ['witness.one/w', 'witness.two/w', 'witness.three/w'].map((n) => ed25519Cosigner(n, randomSeed()));
const vk = (w: typeof w1) => encodeCosignerVkey(w.name, w.publicKey);

const body = utf8('{"unit":"U-1","v":1}');
const tree = new MemoryTree([leafHash(body)]);
const cp = { origin: log.name, size: 1, root: tree.root() };
const note = signCheckpoint(cp, log);
const text = checkpointText(cp);
const T = 1_800_000_000;

const policy = (k: number, ws = [w1, w2]) => witnessPolicy({ log: logVkey, witnesses: ws.map(vk), quorum: k });

describe('witness policy', () => {
  it('1 of 2: one witness suffices, none does not', () => {
    const one = appendSignatureLines(note, [cosign(text, w1, T)]);
    const r = verifyCosignedCheckpoint(one, policy(1));
    expect(r.ok).toBe(true);
    expect(r.cosignedBy).toEqual([{ name: w1.name, timestamp: T }]);
    expect(r.checkpoint?.size).toBe(1);
    expect(verifyCosignedCheckpoint(note, policy(1))).toMatchObject({ ok: false, code: 'QUORUM_NOT_MET' });
  });

  it('2 of 2: both are needed; the same witness twice counts once; an unknown witness not at all', () => {
    const both = appendSignatureLines(note, [cosign(text, w2, T + 1), cosign(text, w1, T)]);
    expect(verifyCosignedCheckpoint(both, policy(2))).toMatchObject({ ok: true, detail: '2 of 2 witnesses cosigned (2 required)' });
    const twice = appendSignatureLines(note, [cosign(text, w1, T), cosign(text, w1, T + 5)]);
    expect(verifyCosignedCheckpoint(twice, policy(2))).toMatchObject({ ok: false, code: 'QUORUM_NOT_MET', cosignedBy: [{ name: w1.name, timestamp: T + 5 }] });
    const stranger = appendSignatureLines(note, [cosign(text, w1, T), cosign(text, w3, T)]);
    expect(verifyCosignedCheckpoint(stranger, policy(2))).toMatchObject({ ok: false, code: 'QUORUM_NOT_MET' });
    expect(verifyCosignedCheckpoint(stranger, policy(2, [w1, w3]))).toMatchObject({ ok: true });
  });

  it('a bad cosignature by a policy witness fails the note, whatever the count', () => {
    const forged = cosign(text, { ...w3, name: w2.name, keyId: ed25519Cosigner(w2.name, new Uint8Array(32)).keyId }, T);
    const withOtherKey = appendSignatureLines(note, [cosign(text, w1, T), forged]); // w2's name, another key id: ignored
    expect(verifyCosignedCheckpoint(withOtherKey, policy(1))).toMatchObject({ ok: true });
    const w2Line = cosign(text, w2, T);
    const raw = fromBase64(w2Line.trim().split(' ')[2]);
    raw[40] ^= 0x80; // a bit of the Ed25519 signature
    const tampered = `— ${w2.name} ${toBase64(raw)}\n`;
    const r = verifyCosignedCheckpoint(appendSignatureLines(note, [cosign(text, w1, T), tampered]), policy(1));
    expect(r).toMatchObject({ ok: false, code: 'COSIGNATURE_INVALID' });
    // A cosignature over another checkpoint does not carry over.
    const other = checkpointText({ ...cp, size: 2 });
    expect(verifyCosignedCheckpoint(appendSignatureLines(note, [cosign(other, w1, T)]), policy(1))).toMatchObject({ ok: false, code: 'COSIGNATURE_INVALID' });
  });

  it('the log signature comes first: witnesses cannot stand in for it', () => {
    const otherLog = ed25519NoteSigner(log.name, randomSeed());
    const byOther = appendSignatureLines(signCheckpoint(cp, otherLog), [cosign(text, w1, T), cosign(text, w2, T)]);
    expect(verifyCosignedCheckpoint(byOther, policy(2))).toMatchObject({ ok: false, code: 'CHECKPOINT_INVALID' });
    const wrongOrigin = witnessPolicy({ log: logVkey, witnesses: [vk(w1)], quorum: 0, origin: 'elsewhere/log' });
    expect(verifyCosignedCheckpoint(note, wrongOrigin)).toMatchObject({ ok: false, code: 'CHECKPOINT_INVALID' });
    expect(verifyCosignedCheckpoint(note, policy(0))).toMatchObject({ ok: true });
  });

  it('refuses future cosignatures when given the time', () => {
    const late = appendSignatureLines(note, [cosign(text, w1, T + 3600)]);
    expect(verifyCosignedCheckpoint(late, policy(1), { now: T })).toMatchObject({ ok: false, code: 'COSIGNATURE_FUTURE' });
    expect(verifyCosignedCheckpoint(late, policy(1), { now: T + 3600 })).toMatchObject({ ok: true });
  });

  it('refuses policies that cannot mean anything', () => {
    expect(() => witnessPolicy({ log: logVkey, witnesses: [vk(w1), vk(w1)], quorum: 1 })).toThrow(PolicyError);
    expect(() => witnessPolicy({ log: logVkey, witnesses: [vk(w1)], quorum: 2 })).toThrow(/quorum 2/);
    expect(() => witnessPolicy({ log: vk(w1), witnesses: [], quorum: 0 })).toThrow(/bad key/); // a cosigner key is not a log key
  });

  it('checks an evidence bundle against the policy as one more break', () => {
    const bundle = (checkpoint: string) => ({
      format: EVIDENCE_FORMAT, subject: { kind: 'unit', id: 'U-1' }, vkey: logVkey, checkpoint,
      entries: [{ index: 0, body: toBase64(body), proof: [] }],
    });
    const cosigned = appendSignatureLines(note, [cosign(text, w1, T), cosign(text, w2, T)]);
    const good = verifyWitnessedEvidence(bundle(cosigned), policy(2));
    expect(good.breaks).toEqual([]);
    expect(good.witnesses?.ok).toBe(true);
    const short = verifyWitnessedEvidence(bundle(appendSignatureLines(note, [cosign(text, w1, T)])), policy(2));
    expect(short.breaks).toEqual([{ index: -1, code: 'CHECKPOINT_INVALID', detail: expect.stringMatching(/witness policy: QUORUM_NOT_MET/) }]);
  });
});
