// C2SP signed-note with Ed25519 (signature type 0x01): key ids, verifier keys ("vkeys"),
// signing, parsing and the spec's trust rules for verification.
import { concat, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8, type Bytes } from './bytes.js';
import { ed25519PublicKey, ed25519Signer, ed25519Verify } from './ed25519.js';
import { sha256 } from './hash.js';

const EM_DASH = '\u2014';
const ED25519_TYPE = 0x01;
/** The spec says verifiers must accept at least 16; more than this is refused as abuse. */
export const MAX_SIGNATURES = 64;

export type NoteErrorCode =
  | 'NOTE_MALFORMED'
  | 'NOTE_BAD_KEY_NAME'
  | 'NOTE_BAD_VKEY'
  | 'NOTE_TOO_MANY_SIGNATURES'
  | 'NOTE_SIGNATURE_INVALID'
  | 'NOTE_NO_TRUSTED_SIGNATURE';

export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteVerifier {
  name: string;
  keyId: Bytes; // 4 bytes
  publicKey: Bytes; // 32 bytes
}

export interface NoteSigner extends NoteVerifier {
  sign(message: Bytes): Bytes;
}

export interface NoteSignature {
  name: string;
  keyId: Bytes;
  signature: Bytes;
}

export const isValidKeyName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

export function noteKeyId(name: string, publicKey: Bytes, type = ED25519_TYPE): Bytes {
  return sha256(concat(utf8(name), new Uint8Array([0x0a, type]), publicKey)).slice(0, 4);
}

export function encodeVkey(name: string, publicKey: Bytes): string {
  if (!isValidKeyName(name)) throw new NoteError('NOTE_BAD_KEY_NAME', `invalid key name ${JSON.stringify(name)}`);
  const body = concat(new Uint8Array([ED25519_TYPE]), publicKey);
  return `${name}+${toHex(noteKeyId(name, publicKey))}+${toBase64(body)}`;
}

export function parseVkey(vkey: string): NoteVerifier {
  // The key is base64 and may itself contain "+"; the name may not.
  const m = /^([^+]+)\+([^+]+)\+(.+)$/.exec(vkey.trim());
  if (!m) throw new NoteError('NOTE_BAD_VKEY', 'a vkey is name+keyid+key');
  const [, name, idHex, keyB64] = m;
  if (!isValidKeyName(name)) throw new NoteError('NOTE_BAD_VKEY', 'invalid key name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('NOTE_BAD_VKEY', 'key id is not 8 hex digits');
  let key: Bytes;
  try {
    key = fromBase64(keyB64);
  } catch {
    throw new NoteError('NOTE_BAD_VKEY', 'key is not base64');
  }
  if (key.length !== 33 || key[0] !== ED25519_TYPE) throw new NoteError('NOTE_BAD_VKEY', 'not an Ed25519 key');
  const publicKey = key.slice(1);
  const keyId = fromHex(idHex);
  if (!equalBytes(keyId, noteKeyId(name, publicKey))) throw new NoteError('NOTE_BAD_VKEY', 'key id does not match the key');
  return { name, keyId, publicKey };
}

export function ed25519NoteSigner(name: string, seed: Bytes): NoteSigner {
  if (!isValidKeyName(name)) throw new NoteError('NOTE_BAD_KEY_NAME', `invalid key name ${JSON.stringify(name)}`);
  const publicKey = ed25519PublicKey(seed);
  return { name, publicKey, keyId: noteKeyId(name, publicKey), sign: ed25519Signer(seed) };
}

function signatureLine(s: NoteSignature): string {
  return `${EM_DASH} ${s.name} ${toBase64(concat(s.keyId, s.signature))}\n`;
}

/** Sign `text` (which must end in a newline) with each signer. */
export function signNote(text: string, ...signers: NoteSigner[]): string {
  checkText(text);
  const message = utf8(text);
  const lines = signers.map((s) => signatureLine({ name: s.name, keyId: s.keyId, signature: s.sign(message) }));
  return `${text}\n${lines.join('')}`;
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('NOTE_MALFORMED', 'note text must end in a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('NOTE_MALFORMED', 'control character in note');
}

export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  checkText(note);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('NOTE_MALFORMED', 'no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('NOTE_TOO_MANY_SIGNATURES', `${lines.length} signatures`);
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || !isValidKeyName(m[1])) throw new NoteError('NOTE_MALFORMED', `bad signature line ${JSON.stringify(line)}`);
    let raw: Bytes;
    try {
      raw = fromBase64(m[2]);
    } catch {
      throw new NoteError('NOTE_MALFORMED', 'signature is not base64');
    }
    if (raw.length < 5) throw new NoteError('NOTE_MALFORMED', 'signature too short');
    return { name: m[1], keyId: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Open a note with the trusted keys: unknown keys are ignored, a known key whose signature
 * fails rejects the note, and at least one known key must verify. Returns the text and who signed.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; signedBy: string[] } {
  const { text, signatures } = parseNote(note);
  const message = utf8(text);
  const signedBy: string[] = [];
  for (const s of signatures) {
    const key = verifiers.find((v) => v.name === s.name && equalBytes(v.keyId, s.keyId));
    if (!key) continue;
    if (!ed25519Verify(key.publicKey, message, s.signature)) {
      throw new NoteError('NOTE_SIGNATURE_INVALID', `signature by ${s.name} does not verify`);
    }
    signedBy.push(s.name);
  }
  if (signedBy.length === 0) throw new NoteError('NOTE_NO_TRUSTED_SIGNATURE', 'no signature by a trusted key');
  return { text, signedBy };
}

