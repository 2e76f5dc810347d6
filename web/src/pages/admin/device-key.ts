// A new device key made in the browser (WebCrypto, ES256 on P-256), with the proof of possession
// the enrolment route asks for: a compact JWS over the RFC 8785 form of
// {"action":"key.enrol","device":"<id>"}. The private half goes to the device's gateway as a JWK file.
import type { PublicJwk } from './api.ts';

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Whether this page may make keys: WebCrypto needs a secure context (https, or localhost). */
export const canMakeKeys = () => typeof crypto !== 'undefined' && Boolean(crypto.subtle);

/** Keys in sorted order and JSON string escaping: this object's RFC 8785 form. */
export const enrolmentClaim = (deviceId: string) => JSON.stringify({ action: 'key.enrol', device: deviceId });

export async function makeDeviceKey(deviceId: string): Promise<{ jwk: PublicJwk; proof: string; privateJwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const signingInput = `${b64url(utf8(JSON.stringify({ alg: 'ES256' })))}.${b64url(utf8(enrolmentClaim(deviceId)))}`;
  // WebCrypto's ECDSA signature is r‖s, which is exactly the JWS form.
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, utf8(signingInput)));
  return {
    jwk: { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y! },
    proof: `${signingInput}.${b64url(sig)}`,
    privateJwk: { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
  };
}
