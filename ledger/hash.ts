// RFC 9162 §2.1.1 hashing with domain separation. SHA-256 comes from node:crypto when the
// code runs in Node (about twice as fast as pure JS) and from @noble/hashes in a browser.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { Bytes } from './bytes.js';

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

export const HASH_SIZE = 32;

// crypto.hash's string output is ~3× faster than its Buffer output (0.3 µs against 1.1 µs for
// a node hash on the project machine): a Buffer made in C++ for 32 bytes costs more than the
// hash. So the digest comes as a 'binary' (latin1) string, one character a byte, and is copied
// into a plain array.
export const sha256: (data: Bytes) => Bytes =
  nodeCrypto && typeof nodeCrypto.hash === 'function'
    ? (data) => {
        const digest = nodeCrypto.hash('sha256', data, 'binary');
        const out = new Uint8Array(32);
        for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
        return out;
      }
    : (data) => nobleSha256(data);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Bytes = sha256(new Uint8Array(0));

// Hashing runs millions of times in an audit: the prefixed input is assembled in one reused
// buffer rather than a fresh allocation per hash (JavaScript is single-threaded per isolate).
let scratch = new Uint8Array(1024);
function prefixed(prefix: number, a: Bytes, b?: Bytes): Bytes {
  const len = 1 + a.length + (b ? b.length : 0);
  if (len > scratch.length) scratch = new Uint8Array(Math.max(len, scratch.length * 2));
  scratch[0] = prefix;
  scratch.set(a, 1);
  if (b) scratch.set(b, 1 + a.length);
  return scratch.subarray(0, len);
}

/** leaf_hash(d) = SHA-256(0x00 || d) */
export const leafHash = (entry: Bytes): Bytes => sha256(prefixed(0, entry));

/** node_hash(l, r) = SHA-256(0x01 || l || r) */
export const nodeHash = (left: Bytes, right: Bytes): Bytes => sha256(prefixed(1, left, right));
