// C2SP tlog-cosignature/v1 and tlog-witness framing, pinned with the examples the specs give
// (and transparency-dev/formats' vectors where the specs give none).
import { describe, expect, it } from 'vitest';
import {
  checkpointText, ed25519NoteSigner, EMPTY_ROOT, fromBase64, leafHash, parseNote, randomSeed, signCheckpoint, toBase64, toHex, utf8,
} from '../../ledger/index.js';
import {
  cosign, cosignedMessage, CosignatureError, cosignerKeyId, decodeTimestampedSignature, ed25519Cosigner, encodeCosignerVkey,
  encodeCosignatureLine, openCosignatures, parseCosignerVkey,
} from '../../ledger/cosignature.js';
import {
  decideAddCheckpoint, encodeAddCheckpoint, encodeTreeSize, MAX_PROOF_LINES, parseAddCheckpoint, parseSignatureLines, parseTreeSize, WitnessProtocolError,
} from '../../ledger/witness-protocol.js';

// c2sp.org/tlog-cosignature, "Format": a checkpoint with the log's signature and one cosignature.
const SPEC_CHECKPOINT_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_LOG_LINE = '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
const SPEC_COSIG_LINE = '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

// c2sp.org/tlog-witness, "add-checkpoint": the example request body.
const SPEC_REQUEST =
  'old 20852014\n' +
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n' +
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n' +
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n' +
  '\n' +
  SPEC_CHECKPOINT_TEXT +
  '\n' +
  SPEC_LOG_LINE +
  '— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';

// c2sp.org/tlog-witness: the example response body (three signature lines).
const SPEC_RESPONSE =
  '— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n' +
  '— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n' +
  '— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n';

describe('tlog-cosignature/v1 (spec examples)', () => {
  it('frames the example cosignature: key id, big-endian timestamp 1679315147 (the message example), 64-byte signature', () => {
    const { signatures } = parseNote(SPEC_CHECKPOINT_TEXT + '\n' + SPEC_LOG_LINE + SPEC_COSIG_LINE);
    expect(signatures.map((s) => s.name)).toEqual(['example.com/behind-the-sofa', 'witness.example.com/w1']);
    const w = signatures[1];
    expect(toHex(w.keyId)).toBe('8d66cf3f');
    const { timestamp, signature } = decodeTimestampedSignature(w.signature);
    expect(timestamp).toBe(1679315147);
    expect(signature.length).toBe(64);
    // Re-encoding gives the spec's line byte for byte.
    expect(encodeCosignatureLine({ name: w.name, keyId: w.keyId, timestamp, signature })).toBe(SPEC_COSIG_LINE);
  });

  it('builds the signed message of the spec: header, time line, then the whole checkpoint body', () => {
    const expected = 'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(new TextDecoder().decode(cosignedMessage(SPEC_CHECKPOINT_TEXT, 1679315147))).toBe(expected);
    // Extension lines are part of the cosigned message.
    expect(new TextDecoder().decode(cosignedMessage(`${SPEC_CHECKPOINT_TEXT}ext\n`, 0))).toBe(`cosignature/v1\ntime 0\n${SPEC_CHECKPOINT_TEXT}ext\n`);
  });

  it('derives key ids with type 0x04 (transparency-dev/formats vkey remora.n621.de+da77ade7)', () => {
    const v = parseCosignerVkey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    expect(toHex(v.keyId)).toBe('da77ade7');
    expect(encodeCosignerVkey(v.name, v.publicKey)).toBe('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    // A type-0x01 note vkey of an Ed25519 key converts: same key, the 0x04 key id.
    const converted = parseCosignerVkey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(toHex(converted.keyId)).toBe(toHex(cosignerKeyId('TEST', converted.publicKey)));
    expect(toHex(converted.keyId)).not.toBe('7997405c');
    expect(() => parseCosignerVkey('remora.n621.de+00000000+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2')).toThrow(/key id does not match/);
    expect(() => parseCosignerVkey('rekor.sigstore.dev+12345678+AwEB')).toThrow(CosignatureError);
  });

  it('reads the timestamp of transparency-dev/formats TestCoSigV1Timestamp (1727964367)', () => {
    const raw = fromBase64('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==');
    expect(decodeTimestampedSignature(raw.slice(4)).timestamp).toBe(1727964367);
    // Its "wrong type of signature" row: a plain 64-byte Ed25519 note signature is not a cosignature.
    const plain = fromBase64('eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=');
    expect(() => decodeTimestampedSignature(plain.slice(4))).toThrow(/72 bytes/);
  });

  it('signs and verifies; any change to text, time, name or key id fails', () => {
    const w = ed25519Cosigner('witness.test/w1', randomSeed());
    const vkey = parseCosignerVkey(encodeCosignerVkey(w.name, w.publicKey));
    const line = cosign(SPEC_CHECKPOINT_TEXT, w, 1700000000);
    const note = SPEC_CHECKPOINT_TEXT + '\n' + SPEC_LOG_LINE + line;
    expect(openCosignatures(note, [vkey]).cosignatures.map((c) => [c.name, c.timestamp])).toEqual([['witness.test/w1', 1700000000]]);
    expect(() => openCosignatures(note.replace('20852163', '20852164'), [vkey])).toThrow(/does not verify/);
    const raw = fromBase64(line.split(' ')[2].trim());
    raw[11] ^= 1; // the timestamp's last byte
    expect(() => openCosignatures(`${SPEC_CHECKPOINT_TEXT}\n— witness.test/w1 ${toBase64(raw)}\n`, [vkey])).toThrow(/does not verify/);
    // A note signature (type 0x01) by the same key is not a cosignature: another key id, ignored.
    const asLog = ed25519NoteSigner('witness.test/w1', new Uint8Array(32));
    expect(openCosignatures(signCheckpoint({ origin: 'x', size: 1, root: new Uint8Array(32) }, asLog), [vkey]).cosignatures).toEqual([]);
    // Future timestamps may be refused.
    const later = cosign(SPEC_CHECKPOINT_TEXT, w, 2_000_000_000);
    expect(() => openCosignatures(SPEC_CHECKPOINT_TEXT + '\n' + later, [vkey], { now: 1_900_000_000 })).toThrow(/future/);
  });

  it('refuses timestamps beyond 2^53 - 1 (the spec caps them at 2^63 - 1)', () => {
    const sig = new Uint8Array(72);
    new DataView(sig.buffer).setBigUint64(0, 2n ** 63n);
    expect(() => decodeTimestampedSignature(sig)).toThrow(/out of range/);
    new DataView(sig.buffer).setBigUint64(0, BigInt(Number.MAX_SAFE_INTEGER));
    expect(decodeTimestampedSignature(sig).timestamp).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('tlog-witness framing (spec examples)', () => {
  it('parses the example add-checkpoint body and re-encodes it byte for byte', () => {
    const req = parseAddCheckpoint(SPEC_REQUEST);
    expect(req.oldSize).toBe(20852014);
    expect(req.proof.map(toBase64)).toEqual([
      'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=', 'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
      '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=', '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
    ]);
    expect(parseNote(req.checkpoint).text).toBe(SPEC_CHECKPOINT_TEXT);
    expect(parseNote(req.checkpoint).signatures).toHaveLength(2);
    expect(encodeAddCheckpoint(req)).toBe(SPEC_REQUEST);
  });

  it('encodes an empty proof as "old 0", then the empty line', () => {
    const cp = `${checkpointText({ origin: 'o', size: 0, root: new Uint8Array(32) })}\n${SPEC_LOG_LINE}`;
    expect(encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: cp })).toBe(`old 0\n\n${cp}`);
    expect(parseAddCheckpoint(`old 0\n\n${cp}`)).toEqual({ oldSize: 0, proof: [], checkpoint: cp });
  });

  it('refuses malformed bodies', () => {
    const tail = `\n${SPEC_CHECKPOINT_TEXT}\n${SPEC_LOG_LINE}`;
    const bad = [
      `old 007\n${tail}`, // leading zeros
      `old -1\n${tail}`,
      `old 1 \n${tail}`,
      `Old 1\n${tail}`,
      `old 1\nnot base64!\n${tail}`,
      `old 1\n${toBase64(new Uint8Array(31))}\n${tail}`, // not a 32-byte hash
      `old 1\n${`${toBase64(new Uint8Array(32))}\n`.repeat(MAX_PROOF_LINES + 1)}${tail}`,
      'old 1\n' + SPEC_CHECKPOINT_TEXT, // no empty line
    ];
    for (const body of bad) expect(() => parseAddCheckpoint(body), JSON.stringify(body.slice(0, 20))).toThrow(WitnessProtocolError);
    expect(parseAddCheckpoint(`old 1\n${`${toBase64(new Uint8Array(32))}\n`.repeat(MAX_PROOF_LINES)}${tail}`).proof).toHaveLength(63);
  });

  it('frames the 409 size body (text/x.tlog.size) and the example response lines', () => {
    expect(encodeTreeSize(20852014)).toBe('20852014\n');
    expect(parseTreeSize('20852014\n')).toBe(20852014);
    expect(() => parseTreeSize('20852014')).toThrow(WitnessProtocolError);
    expect(() => parseTreeSize('0020\n')).toThrow(WitnessProtocolError);
    const lines = parseSignatureLines(SPEC_RESPONSE);
    expect(lines).toHaveLength(3);
    expect(lines.join('')).toBe(SPEC_RESPONSE);
    expect(parseNote(SPEC_CHECKPOINT_TEXT + '\n' + lines.join('')).signatures.map((s) => s.name)).toEqual([
      'witness.example/w1', 'witness.example/w1', 'witness.example/w2',
    ]);
    expect(() => parseSignatureLines('')).toThrow(WitnessProtocolError);
    expect(() => parseSignatureLines('- witness.example/w1 AAAA\n')).toThrow(WitnessProtocolError);
    expect(utf8(SPEC_RESPONSE)[0]).toBe(0xe2); // U+2014 in UTF-8
  });
});

describe('the witness checks (pure), in the spec order', () => {
  const log = ed25519NoteSigner('pure.example/log', randomSeed());
  const cp = (size: number, root = leafHash(utf8(String(size)))) => signCheckpoint({ origin: log.name, size, root }, log);
  const view = (latest?: { size: number; root: Uint8Array }) => ({
    logKeys: (o: string) => (o === log.name ? [log] : undefined),
    latest: () => (latest ? { origin: log.name, ...latest } : undefined),
  });
  const hash = new Uint8Array(32);

  it('old 0 with a proof is 422; without, 200; a size-0 checkpoint is fine', () => {
    expect(decideAddCheckpoint(encodeAddCheckpoint({ oldSize: 0, proof: [hash], checkpoint: cp(4) }), view()).status).toBe(422);
    expect(decideAddCheckpoint(encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: cp(4) }), view()).status).toBe(200);
    expect(decideAddCheckpoint(encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: cp(0, EMPTY_ROOT) }), view()).status).toBe(200);
  });

  it('an unknown origin is 404 before anything about signatures or sizes; a bad signature 403 before sizes', () => {
    const stranger = ed25519NoteSigner('stranger.example/log', randomSeed());
    const body = encodeAddCheckpoint({ oldSize: 9, proof: [], checkpoint: signCheckpoint({ origin: stranger.name, size: 1, root: hash }, stranger) });
    expect(decideAddCheckpoint(body, view())).toMatchObject({ status: 404 });
    const impostor = ed25519NoteSigner(log.name, randomSeed());
    const forged = encodeAddCheckpoint({ oldSize: 9, proof: [], checkpoint: signCheckpoint({ origin: log.name, size: 1, root: hash }, impostor) });
    expect(decideAddCheckpoint(forged, view())).toMatchObject({ status: 403 });
    expect(decideAddCheckpoint(encodeAddCheckpoint({ oldSize: 9, proof: [], checkpoint: cp(1) }), view())).toMatchObject({ status: 400 });
    expect(decideAddCheckpoint(encodeAddCheckpoint({ oldSize: 2, proof: [], checkpoint: cp(5) }), view({ size: 3, root: hash }))).toMatchObject({ status: 409, size: 3 });
  });
});
