// Actor signatures over steps: a compact JWS (ES256 or EdDSA) whose payload is the RFC 8785
// bytes of the step's claim, verified against the signer's enrolled key before sealing.
import { compactVerify, importJWK, type JWK } from 'jose';
import { canonicalBytes, equalBytes } from '../../ledger/index.js';
import { DomainError } from './errors.js';

/** What the actor agrees to: the step, bound to its event id, subject and time. */
export interface Claim {
  eventId: string;
  action: string;
  subject: string;
  at: string;
  data: Record<string, unknown>;
}

export type SignatureRecord =
  | { by: string; alg: string; jws: string }
  /** No actor signature came with the step: the server vouches for who sent it. */
  | { attestation: 'server'; by: string };

const ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519'];

export function algorithmOf(jwk: JWK): 'ES256' | 'EdDSA' {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new DomainError('KEY_NOT_ENROLLED', 'enrolled keys are Ed25519 (EdDSA) or P-256 (ES256)');
}

export async function verifyClaimSignature(jws: string, claim: Claim, signer: { ref: string; publicJwk: JWK | null }): Promise<SignatureRecord> {
  if (!signer.publicJwk) throw new DomainError('KEY_NOT_ENROLLED', `${signer.ref} has no enrolled public key to check the signature with`);
  const alg = algorithmOf(signer.publicJwk);
  const key = await importJWK(signer.publicJwk, alg);
  let payload: Uint8Array;
  let header: { alg: string };
  try {
    ({ payload, protectedHeader: header } = await compactVerify(jws, key, { algorithms: ALGORITHMS }));
  } catch {
    throw new DomainError('SIGNATURE_INVALID', `the signature does not verify with the key enrolled for ${signer.ref}`);
  }
  if (!equalBytes(payload, canonicalBytes(claim))) {
    throw new DomainError('SIGNATURE_MISMATCH', 'the signed claim is not this step: sign the RFC 8785 form of {eventId, action, subject, at, data}');
  }
  return { by: signer.ref, alg: header.alg, jws };
}
