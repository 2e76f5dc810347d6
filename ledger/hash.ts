// RFC 9162 §2.1.1 hashing with domain separation. SHA-256 comes from node:crypto when the
// code runs in Node (about twice as fast as pure JS) and from @noble/hashes in a browser.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concat, type Bytes } from './bytes.js';

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

export const HASH_SIZE = 32;

export const sha256: (data: Bytes) => Bytes =
  nodeCrypto && typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'buffer') as unknown as Bytes
    : (data) => nobleSha256(data);

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Bytes = sha256(new Uint8Array(0));

/** leaf_hash(d) = SHA-256(0x00 || d) */
export const leafHash = (entry: Bytes): Bytes => sha256(concat(LEAF_PREFIX, entry));

/** node_hash(l, r) = SHA-256(0x01 || l || r) */
export const nodeHash = (left: Bytes, right: Bytes): Bytes => sha256(concat(NODE_PREFIX, left, right));
