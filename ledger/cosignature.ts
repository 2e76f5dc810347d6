// C2SP tlog-cosignature/v1 with Ed25519 (signature type 0x04): a witness's timestamped note
// signature over a checkpoint. Key id = SHA-256(name || "\n" || 0x04 || pubkey)[:4]; the
// signature bytes are u64 big-endian timestamp || Ed25519 signature over
// "cosignature/v1\ntime <timestamp>\n" followed by the whole checkpoint note text.
import { concat, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8, type Bytes } from './bytes.js';
import { ed25519PublicKey, ed25519Signer, ed25519Verify } from './ed25519.js';
import { isValidKeyName, noteKeyId, parseNote } from './note.js';

export const COSIGNATURE_V1_TYPE = 0x04;
const NOTE_ED25519_TYPE = 0x01;
const EM_DASH = '\u2014';
const TIMESTAMP_SIZE = 8;
const SIGNATURE_SIZE = 64;
/**
 * The spec caps timestamps at 2^63 − 1; numbers are exact only to 2^53 − 1 (year 285 million),
 * so anything above that is refused as malformed.
 */
export const MAX_COSIGNATURE_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export type CosignatureErrorCode = 'COSIGNATURE_BAD_VKEY' | 'COSIGNATURE_MALFORMED' | 'COSIGNATURE_INVALID' | 'COSIGNATURE_FUTURE';

export class CosignatureError extends Error {
  constructor(
    readonly code: CosignatureErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CosignatureError';
  }
}

/** A witness (cosigner) key: its name and its type-0x04 key id. */
export interface CosignerVerifier {
  name: string;
  keyId: Bytes; // 4 bytes
  publicKey: Bytes; // 32 bytes
}

export interface Cosigner extends CosignerVerifier {
  sign(message: Bytes): Bytes;
}

export interface Cosignature {
  name: string;
  keyId: Bytes;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: number;
  signature: Bytes; // 64 bytes
}

export const cosignerKeyId = (name: string, publicKey: Bytes): Bytes => noteKeyId(name, publicKey, COSIGNATURE_V1_TYPE);

/** The witness's vkey: `<name>+<hex key id>+base64(0x04 || pubkey)`. */
export function encodeCosignerVkey(name: string, publicKey: Bytes): string {
  if (!isValidKeyName(name)) throw new CosignatureError('COSIGNATURE_BAD_VKEY', `invalid key name ${JSON.stringify(name)}`);
  return `${name}+${toHex(cosignerKeyId(name, publicKey))}+${toBase64(concat(new Uint8Array([COSIGNATURE_V1_TYPE]), publicKey))}`;
}

/**
 * Parse a witness vkey. A type-0x04 vkey is the spec's form; a plain Ed25519 note vkey (type
 * 0x01) of the same key is accepted too and converted, as transparency-dev/formats does. The
 * key id in the vkey must be the one its type defines.
 */
export function parseCosignerVkey(vkey: string): CosignerVerifier {
  const m = /^([^+]+)\+([^+]+)\+(.+)$/.exec(vkey.trim());
  if (!m) throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'a vkey is name+keyid+key');
  const [, name, idHex, keyB64] = m;
  if (!isValidKeyName(name)) throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'key id is not 8 hex digits');
  let key: Bytes;
  try {
    key = fromBase64(keyB64);
  } catch {
    throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'key is not base64');
  }
  if (key.length !== 33 || (key[0] !== COSIGNATURE_V1_TYPE && key[0] !== NOTE_ED25519_TYPE)) {
    throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'not an Ed25519 cosigner key (type 0x04, or 0x01)');
  }
  const publicKey = key.slice(1);
  if (!equalBytes(fromHex(idHex), noteKeyId(name, publicKey, key[0]))) {
    throw new CosignatureError('COSIGNATURE_BAD_VKEY', 'key id does not match the key');
  }
  return { name, keyId: cosignerKeyId(name, publicKey), publicKey };
}

export function ed25519Cosigner(name: string, seed: Bytes): Cosigner {
  if (!isValidKeyName(name)) throw new CosignatureError('COSIGNATURE_BAD_VKEY', `invalid key name ${JSON.stringify(name)}`);
  const publicKey = ed25519PublicKey(seed);
  return { name, publicKey, keyId: cosignerKeyId(name, publicKey), sign: ed25519Signer(seed) };
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new CosignatureError('COSIGNATURE_MALFORMED', `timestamp ${timestamp} is not a POSIX time in whole seconds`);
  }
}

/** The signed message: "cosignature/v1\n", "time <t>\n", then the note text (signature lines excluded). */
export function cosignedMessage(noteText: string, timestamp: number): Bytes {
  checkTimestamp(timestamp);
  if (!noteText.endsWith('\n')) throw new CosignatureError('COSIGNATURE_MALFORMED', 'note text must end in a newline');
  return utf8(`cosignature/v1\ntime ${timestamp}\n${noteText}`);
}

function encodeTimestamp(timestamp: number): Bytes {
  const out = new Uint8Array(TIMESTAMP_SIZE);
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp));
  return out;
}

/** The note signature line "— <name> base64(keyid || u64 timestamp || sig)\n". */
export function encodeCosignatureLine(c: Cosignature): string {
  return `${EM_DASH} ${c.name} ${toBase64(concat(c.keyId, encodeTimestamp(c.timestamp), c.signature))}\n`;
}

/** Cosign a note's text (the checkpoint body, ending in a newline) at `timestamp`; returns the signature line. */
export function cosign(noteText: string, cosigner: Cosigner, timestamp: number): string {
  const signature = cosigner.sign(cosignedMessage(noteText, timestamp));
  return encodeCosignatureLine({ name: cosigner.name, keyId: cosigner.keyId, timestamp, signature });
}

/** Split the signature bytes that follow the key id: u64 BE timestamp || 64-byte Ed25519 signature. */
export function decodeTimestampedSignature(bytes: Bytes): { timestamp: number; signature: Bytes } {
  if (bytes.length !== TIMESTAMP_SIZE + SIGNATURE_SIZE) {
    throw new CosignatureError('COSIGNATURE_MALFORMED', `a timestamped Ed25519 signature is 72 bytes, not ${bytes.length}`);
  }
  const t = new DataView(bytes.buffer, bytes.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  if (t > BigInt(MAX_COSIGNATURE_TIMESTAMP)) throw new CosignatureError('COSIGNATURE_MALFORMED', `timestamp ${t} is out of range`);
  return { timestamp: Number(t), signature: bytes.slice(TIMESTAMP_SIZE) };
}

export function verifyCosignature(noteText: string, key: CosignerVerifier, c: Cosignature): boolean {
  if (c.name !== key.name || !equalBytes(c.keyId, key.keyId)) return false;
  return ed25519Verify(key.publicKey, cosignedMessage(noteText, c.timestamp), c.signature);
}

export interface CosignatureOptions {
  /** POSIX seconds; with it, cosignatures dated more than `maxFutureSeconds` later are refused. */
  now?: number;
  maxFutureSeconds?: number;
}

/**
 * The cosignatures on a note by the given witness keys, each verified. Lines by other keys (the
 * log's own, unknown witnesses) are ignored, as the signed-note rules say; a line that names a
 * known witness key and fails to verify rejects the note (COSIGNATURE_INVALID). One per key.
 */
export function openCosignatures(note: string, witnesses: readonly CosignerVerifier[], opts: CosignatureOptions = {}): { text: string; cosignatures: Cosignature[] } {
  const { text, signatures } = parseNote(note);
  const found = new Map<string, Cosignature>();
  for (const s of signatures) {
    const key = witnesses.find((w) => w.name === s.name && equalBytes(w.keyId, s.keyId));
    if (!key) continue;
    const { timestamp, signature } = decodeTimestampedSignature(s.signature);
    const c: Cosignature = { name: s.name, keyId: s.keyId, timestamp, signature };
    if (!verifyCosignature(text, key, c)) throw new CosignatureError('COSIGNATURE_INVALID', `cosignature by ${s.name} does not verify`);
    if (opts.now !== undefined && timestamp > opts.now + (opts.maxFutureSeconds ?? 300)) {
      throw new CosignatureError('COSIGNATURE_FUTURE', `cosignature by ${s.name} is dated ${timestamp}, in the future`);
    }
    const id = `${s.name}+${toHex(s.keyId)}`;
    const seen = found.get(id);
    if (!seen || timestamp > seen.timestamp) found.set(id, c);
  }
  return { text, cosignatures: [...found.values()] };
}
