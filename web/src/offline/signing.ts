// The driver's own signature on each step, made on the phone: an Ed25519 key generated in the
// browser (its private half non-extractable, kept in IndexedDB), enrolled with PUT /api/me/key,
// then a compact JWS (EdDSA) over the RFC 8785 form of each step's claim — so a step sent hours
// later still proves who recorded it, and when. Without a key the server attests the step.
import { put } from '../api.ts';
import { kv } from './db.ts';

const keyOf = (personId: string) => `${personId}:signingKey`;

/** RFC 8785 for what claims hold (strings, arrays, objects): sorted keys, ECMAScript string escaping. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function jws(key: CryptoKey, payload: unknown): Promise<string> {
  const input = `${b64url(utf8('{"alg":"EdDSA"}'))}.${b64url(utf8(canonical(payload)))}`;
  const sig = new Uint8Array(await crypto.subtle.sign('Ed25519', key, utf8(input)));
  return `${input}.${b64url(sig)}`;
}

/** Make this phone's key and enrol it (the password confirms it is the person); later steps are signed with it. */
export async function enrolKey(personId: string, password: string): Promise<void> {
  const pair = (await crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify'])) as CryptoKeyPair;
  const { x } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const proof = await jws(pair.privateKey, { action: 'key.enrol', person: personId });
  await put('/api/me/key', { jwk: { kty: 'OKP', crv: 'Ed25519', x }, password, proof });
  await kv.set(keyOf(personId), pair.privateKey);
}

export const hasKey = async (personId: string) => (await kv.get(keyOf(personId))) !== undefined;

/** The JWS over `claim` with this phone's key, or undefined when none is enrolled here. */
export async function sign(personId: string, claim: object): Promise<string | undefined> {
  const key = await kv.get<CryptoKey>(keyOf(personId));
  return key ? jws(key, claim) : undefined;
}
