// Ed25519 over raw 32-byte keys: node:crypto in Node, @noble/curves in a browser.
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Bytes } from './bytes.js';
import { toBase64 } from './bytes.js';

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

const b64url = (b: Bytes) => toBase64(b).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function ed25519PublicKey(seed: Bytes): Bytes {
  return ed25519.getPublicKey(seed);
}

/** A signing function for one key; in Node the key is imported once, not per signature. */
export function ed25519Signer(seed: Bytes): (message: Bytes) => Bytes {
  if (!nodeCrypto) return (message) => ed25519.sign(message, seed);
  const { createPrivateKey, sign } = nodeCrypto;
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(ed25519PublicKey(seed)) },
    format: 'jwk',
  });
  return (message) => new Uint8Array(sign(null, message, key));
}

export function ed25519Verify(publicKey: Bytes, message: Bytes, signature: Bytes): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    if (!nodeCrypto) return ed25519.verify(signature, message, publicKey);
    return nodeCrypto.verify(null, message, nodePublicKey(nodeCrypto, publicKey), signature);
  } catch {
    return false;
  }
}

export function randomSeed(): Bytes {
  return ed25519.utils.randomSecretKey();
}

// Importing a key costs more than verifying with it; logs and witnesses are few, so keep them.
const importedKeys = new Map<string, import('node:crypto').KeyObject>();
function nodePublicKey(c: NodeCrypto, publicKey: Bytes) {
  const id = b64url(publicKey);
  let key = importedKeys.get(id);
  if (!key) {
    key = c.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
    if (importedKeys.size >= 256) importedKeys.clear();
    importedKeys.set(id, key);
  }
  return key;
}
