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
    const key = nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey) }, format: 'jwk' });
    return nodeCrypto.verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function randomSeed(): Bytes {
  return ed25519.utils.randomSecretKey();
}
