import { describe, expect, it } from 'vitest';
import {
  checkpointText, ed25519NoteSigner, encodeTlogProof, encodeVkey, fromBase64, inclusionProof, leafHash, MemoryTree,
  openCheckpoint, openNote, parseCheckpointText, parseNote, parseTlogProof, parseVkey, randomSeed, signCheckpoint,
  signNote, toHex, utf8, verifyTlogProof,
} from '../../ledger/index.js';

const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

describe('C2SP signed note', () => {
  it('parses the spec vkey and recomputes its key id', () => {
    const v = parseVkey(SPEC_VKEY);
    expect(v.name).toBe('example.com/foo');
    expect(toHex(v.keyId)).toBe('530d903a');
    expect(encodeVkey(v.name, v.publicKey)).toBe(SPEC_VKEY);
  });

  it('verifies the spec example note', () => {
    expect(openNote(SPEC_NOTE, [parseVkey(SPEC_VKEY)])).toEqual({
      text: 'This is an example message.\n',
      signedBy: ['example.com/foo'],
    });
  });

  it('refuses a changed text, a wrong key id and a forged signature', () => {
    const v = parseVkey(SPEC_VKEY);
    expect(() => openNote(SPEC_NOTE.replace('example message', 'exemple message'), [v])).toThrow(/does not verify/);
    const other = ed25519NoteSigner('example.com/foo', randomSeed());
    expect(() => openNote(signNote('hello\n', other), [v])).toThrow(/no signature by a trusted key/);
    // Same name and key id as the trusted key, but a signature by another key.
    const forged = signNote('hello\n', { ...other, keyId: v.keyId });
    expect(() => openNote(forged, [v])).toThrow(/does not verify/);
  });

  it('ignores unknown keys and accepts several signatures', () => {
    const log = ed25519NoteSigner('log.example/a', randomSeed());
    const witness = ed25519NoteSigner('witness.example', randomSeed());
    const note = signNote('text\n', witness, log);
    expect(openNote(note, [log]).signedBy).toEqual(['log.example/a']);
    expect(parseNote(note).signatures).toHaveLength(2);
  });

  it('refuses malformed vkeys and notes', () => {
    expect(() => parseVkey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(/does not match/);
    expect(() => parseVkey('a+b')).toThrow();
    // Base64 keys contain "+" about half the time; the split must not trip on it.
    for (let i = 0; i < 20; i++) {
      const s = ed25519NoteSigner('x.example/log', randomSeed());
      expect(parseVkey(encodeVkey(s.name, s.publicKey)).publicKey).toEqual(s.publicKey);
    }
    expect(() => parseNote('no blank line\n— a AAAA\n')).toThrow();
    expect(() => parseNote('text\n\n- a AAAAAAA=\n')).toThrow(/bad signature line/);
    expect(() => signNote('no newline', ed25519NoteSigner('a', randomSeed()))).toThrow();
  });
});

describe('checkpoints and tlog-proof', () => {
  const signer = ed25519NoteSigner('hazledger.test/log', randomSeed());
  const vkey = parseVkey(encodeVkey(signer.name, signer.publicKey));
  const entries = Array.from({ length: 11 }, (_, i) => utf8(`{"i":${i}}`));
  const tree = new MemoryTree(entries.map(leafHash));

  it('round-trips a checkpoint', () => {
    const note = signCheckpoint({ origin: signer.name, size: 11, root: tree.root() }, signer);
    expect(note.startsWith(checkpointText({ origin: signer.name, size: 11, root: tree.root() }))).toBe(true);
    const cp = openCheckpoint(note, vkey);
    expect(cp.size).toBe(11);
    expect(toHex(cp.root)).toBe(toHex(tree.root()));
    expect(() => openCheckpoint(note, vkey, 'other.origin')).toThrow(/origin/);
  });

  it('refuses bad checkpoint bodies', () => {
    expect(() => parseCheckpointText('o\n01\nAAAA\n')).toThrow(/size/);
    expect(() => parseCheckpointText('o\n1\nAAAA\n')).toThrow(/32 bytes/);
    expect(() => parseCheckpointText('o\n1\n')).toThrow();
  });

  it('encodes, parses and verifies a tlog-proof; a changed entry or index fails', async () => {
    const note = signCheckpoint({ origin: signer.name, size: 11, root: tree.root() }, signer);
    const text = encodeTlogProof({ index: 6, path: await inclusionProof(6, 11, tree), checkpoint: note, extra: utf8('x') });
    expect(text.startsWith('c2sp.org/tlog-proof@v1\nextra eA==\nindex 6\n')).toBe(true);
    expect(parseTlogProof(text).checkpoint).toBe(note);
    expect(verifyTlogProof(text, entries[6], vkey).verdict).toEqual({ ok: true });
    expect(verifyTlogProof(text, entries[5], vkey).verdict.ok).toBe(false);
    expect(verifyTlogProof(text.replace('index 6', 'index 7'), entries[6], vkey).verdict.ok).toBe(false);
    expect(fromBase64('eA==')).toEqual(utf8('x'));
  });
});
