// A reading as a gateway sends it: what one device saw, numbered per device, signed by the
// device's key (EdDSA JWS over the RFC 8785 bytes of the reading). The server seals the
// signature with the entry, so anyone can check later that the device said exactly this. The
// gateway's health reports for a device are signed by that device's key the same way.
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { canonicalBytes, equalBytes } from '../../ledger/index.js';

export interface Reading {
  v: 1;
  device: string;
  /** Per device, from 1, never reused: the server refuses a number it already has. */
  seq: number;
  /** The gateway's clock when the reading was taken (RFC 3339). */
  at: string;
  kind: 'tag' | 'weight' | 'code';
  /** tag: { epc, antenna?, rssi? }; weight: { grossKg, stable, frames, rawSha256 }; code: { text }. */
  data: Record<string, unknown>;
}

/** A device's signature over `message` (a reading, or its gateway's health report): a compact JWS over its RFC 8785 bytes. */
export async function signByDevice(message: object, privateJwk: JWK): Promise<string> {
  const alg = privateJwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  return new CompactSign(canonicalBytes(message)).setProtectedHeader({ alg }).sign(await importJWK(privateJwk, alg));
}

/** True when `jws` is the device key's signature over exactly this message. */
export async function signedByDevice(message: object, jws: string, publicJwk: JWK): Promise<boolean> {
  try {
    const { payload } = await compactVerify(jws, await importJWK(publicJwk, publicJwk.kty === 'EC' ? 'ES256' : 'EdDSA'), { algorithms: ['EdDSA', 'Ed25519', 'ES256'] });
    return equalBytes(payload, canonicalBytes(message));
  } catch {
    return false;
  }
}

export const signReading = (r: Reading, privateJwk: JWK): Promise<string> => signByDevice(r, privateJwk);

/** True when `jws` is the device key's signature over exactly this reading. */
export const readingSignedBy = (r: Reading, jws: string, publicJwk: JWK): Promise<boolean> => signedByDevice(r, jws, publicJwk);
