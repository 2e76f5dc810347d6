// The parsers an inspector's tools run on what they are handed — signed notes and checkpoints
// (C2SP), tlog-proofs, evidence bundles, the witness protocol's bodies, vkeys — against arbitrary
// text and against one-character mutations of real ones: they throw only their typed error (or,
// for bundles, report breaks and never throw), and a mutated note or proof is never accepted
// for anything but exactly what was signed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CosignatureError, EVIDENCE_FORMAT, MemoryTree, NoteError, WitnessProtocolError, checkpointText, decideAddCheckpoint, ed25519Cosigner, ed25519NoteSigner,
  encodeCosignerVkey, encodeTlogProof, encodeVkey, inclusionProof, leafHash, openCheckpoint, openCosignatures, parseAddCheckpoint, parseCheckpointText,
  parseCosignerVkey, parseNote, parseSignatureLines, parseTlogProof, parseTreeSize, parseVkey, signNote, toBase64, utf8, verifyEvidence, verifyTlogProof,
  verifyWitnessedEvidence, witnessPolicy, type Checkpoint, type EvidenceBundle,
} from '../../ledger/index.js';
import { hostileValue, POISON_KEYS, withKey } from './fuzz-arbitraries.js';

const ORIGIN = 'hazledger.test/fuzz';
const log = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(7));
const witness = ed25519Cosigner('witness.test/w1', new Uint8Array(32).fill(9));
/** A unit's chain of five entries, each linking the one before. */
const entries = [0, 1, 2, 3, 4].reduce<Uint8Array[]>((chain, n) => {
  const prev = chain.length > 0 ? { prev: { unit: toBase64(leafHash(chain[chain.length - 1])) } } : {};
  return [...chain, utf8(JSON.stringify({ unit: 'u1', n, ...prev }))];
}, []);
const tree = new MemoryTree(entries.map(leafHash));
const checkpoint = { origin: ORIGIN, size: tree.size, root: Uint8Array.from(tree.root()) };
const note = signNote(checkpointText(checkpoint), log);

/** Text-ish input: anything, or a real note/proof with one character replaced, inserted or deleted. */
const mutationOf = (s: string) =>
  fc.tuple(fc.nat(s.length), fc.constantFrom('replace', 'insert', 'delete'), fc.oneof(fc.constantFrom('\n', ' ', '+', '/', '=', 'A', '0', '\u2014', '\u0000', '\r'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })))
    .map(([i, how, c]) => (how === 'replace' ? s.slice(0, i) + c + s.slice(i + 1) : how === 'insert' ? s.slice(0, i) + c + s.slice(i) : s.slice(0, i) + s.slice(i + 1)));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => `${s}\n`), fc.array(fc.constantFrom('a', '\n', '\u2014 ', '+', ' ', '0', '1', 'AAAA', '=='), { maxLength: 60 }).map((a) => a.join('')));

/** Checkpoints compared by value (a Buffer and a Uint8Array of the same bytes are the same root). */
const plain = (c: Checkpoint) => ({ origin: c.origin, size: c.size, root: toBase64(c.root) });

function onlyThrows(f: () => unknown, ...allowed: (new (...args: never[]) => Error)[]): unknown {
  try {
    return f();
  } catch (e) {
    if (!allowed.some((t) => e instanceof t)) throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack?.split('\n').slice(0, 3).join(' ')}`);
    return undefined;
  }
}

async function proofFor(index: number): Promise<string[]> {
  return (await inclusionProof(index, tree.size, tree)).map(toBase64);
}

describe('signed notes and checkpoints', () => {
  it('throw only NoteError on arbitrary text; vkeys only NoteError or CosignatureError', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        onlyThrows(() => parseNote(t), NoteError);
        onlyThrows(() => parseCheckpointText(t), NoteError);
        onlyThrows(() => openCheckpoint(t, log), NoteError);
        onlyThrows(() => parseVkey(t), NoteError);
        onlyThrows(() => parseCosignerVkey(t), CosignatureError);
        onlyThrows(() => openCosignatures(t, [witness]), NoteError, CosignatureError);
      }),
      { numRuns: 600 },
    );
  });

  it('never accept a mutated checkpoint note for anything but what the log signed', () => {
    expect(plain(openCheckpoint(note, log))).toEqual(plain(checkpoint));
    fc.assert(
      fc.property(mutationOf(note), (m) => {
        const opened = onlyThrows(() => openCheckpoint(m, log), NoteError);
        if (opened !== undefined) expect(plain(opened as Checkpoint)).toEqual(plain(checkpoint));
      }),
      { numRuns: 800 },
    );
    // Someone else's key over the same text, or the log's key over another origin: refused.
    expect(() => openCheckpoint(signNote(checkpointText(checkpoint), ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(8))), log)).toThrow(NoteError);
    const other = ed25519NoteSigner('hazledger.test/other', new Uint8Array(32).fill(7));
    expect(() => openCheckpoint(signNote(checkpointText({ ...checkpoint, origin: other.name }), other), log)).toThrow(NoteError);
  });
});

describe('tlog-proofs', () => {
  it('throw only NoteError on arbitrary text, and a mutated proof never proves another entry or tree', async () => {
    const index = 2;
    const proof = encodeTlogProof({ index, path: (await inclusionProof(index, tree.size, tree)), checkpoint: note });
    expect(verifyTlogProof(proof, entries[index], log).verdict.ok).toBe(true);
    fc.assert(fc.property(anyText, (t) => void onlyThrows(() => parseTlogProof(t), NoteError)), { numRuns: 400 });
    fc.assert(
      fc.property(mutationOf(proof), fc.nat(entries.length - 1), (m, other) => {
        const r = onlyThrows(() => verifyTlogProof(m, entries[other], log), NoteError) as ReturnType<typeof verifyTlogProof> | undefined;
        if (r?.verdict.ok) {
          expect(r.index).toBe(index);
          expect(entries[other]).toEqual(entries[index]);
          expect(plain(r.checkpoint)).toEqual(plain(checkpoint));
        }
      }),
      { numRuns: 800 },
    );
  });
});

describe('evidence bundles', () => {
  const bundle = async (): Promise<EvidenceBundle> => ({
    format: EVIDENCE_FORMAT,
    subject: { kind: 'unit', id: 'u1' },
    vkey: encodeVkey(log.name, log.publicKey),
    checkpoint: note,
    entries: await Promise.all(entries.map(async (b, index) => ({ index, body: toBase64(b), proof: await proofFor(index) }))),
  });

  it('report breaks and never throw, whatever the bundle holds (entries that are null, numbers, arrays, poisoned)', async () => {
    const good = await bundle();
    const notObjects = ['null', '7', '"s"', '[]', '[{"unit":"u1"}]', 'true'].map((t) => toBase64(utf8(t)));
    const hostileEntry = fc.oneof(hostileValue, fc.record({ index: fc.nat(entries.length - 1), body: fc.constantFrom(...notObjects), proof: fc.constant([] as string[]) }), fc.record({ index: hostileValue, body: hostileValue, proof: hostileValue }), fc.constantFrom(...POISON_KEYS).map((k) => withKey({ index: 0, body: 'bnVsbA==', proof: [] }, k, 1)));
    const shaped = fc.record({
      format: fc.oneof(fc.constant(EVIDENCE_FORMAT), hostileValue),
      subject: fc.oneof(fc.constant(good.subject), hostileValue),
      vkey: fc.oneof(fc.constant(good.vkey), hostileValue),
      checkpoint: fc.oneof(fc.constant(note), mutationOf(note), hostileValue),
      entries: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...good.entries), hostileEntry), { maxLength: 8 }), hostileValue),
    });
    const policy = witnessPolicy({ log: good.vkey, witnesses: [encodeCosignerVkey(witness.name, witness.publicKey)], quorum: 1 });
    fc.assert(
      fc.property(fc.oneof(shaped, hostileValue), (b) => {
        const report = verifyEvidence(b);
        expect(Array.isArray(report.breaks)).toBe(true);
        const witnessed = verifyWitnessedEvidence(b, policy);
        expect(witnessed.breaks.length).toBeGreaterThan(0); // no cosignature on any of these
      }),
      { numRuns: 500 },
    );
  });

  it('find every change to an entry\'s bytes, index or proof', async () => {
    const good = await bundle();
    expect(verifyEvidence(good, good.vkey).breaks).toEqual([]);
    await fc.assert(
      fc.asyncProperty(fc.nat(entries.length - 1), fc.constantFrom('body', 'index', 'proof'), fc.nat(), async (i, what, r) => {
        const b = await bundle();
        const e = b.entries[i];
        if (what === 'body') e.body = toBase64(utf8(`${Buffer.from(e.body, 'base64').toString()} `));
        if (what === 'index') e.index = (e.index + 1 + (r % 5)) % (entries.length + 3);
        if (what === 'proof') e.proof = e.proof.length > 0 ? e.proof.map((h, k) => (k === r % e.proof.length ? toBase64(leafHash(utf8(h))) : h)) : [toBase64(leafHash(utf8('x')))];
        expect(verifyEvidence(b, b.vkey).breaks.length, `${what} of entry ${i}`).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the witness protocol', () => {
  it('parses request and answer bodies with WitnessProtocolError only, and decides every body with a status', () => {
    const view = { logKeys: (o: string) => (o === ORIGIN ? [log] : undefined), latest: () => undefined };
    const body = `old 0\n\n${note}`;
    expect(decideAddCheckpoint(body, view).status).toBe(200);
    fc.assert(
      fc.property(fc.oneof(anyText, mutationOf(body)), (t) => {
        onlyThrows(() => parseAddCheckpoint(t), WitnessProtocolError);
        onlyThrows(() => parseTreeSize(t), WitnessProtocolError);
        onlyThrows(() => parseSignatureLines(t), WitnessProtocolError);
        const d = decideAddCheckpoint(t, view);
        expect([200, 400, 403, 404, 409, 422]).toContain(d.status);
        if (d.status === 200) expect(plain(d.checkpoint)).toEqual(plain(checkpoint));
      }),
      { numRuns: 800 },
    );
  });
});
