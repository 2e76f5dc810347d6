// Enrolling a person's signing key is a registry change: sealed, then projected. It takes the
// person's password again and a proof that they hold the new key's private half.
import { compactVerify, importJWK } from 'jose';
import { canonicalBytes, encodeEntry, equalBytes, leafHash, type Envelope } from '../../ledger/index.js';
import { DomainError } from './errors.js';
import type { JWK } from 'jose';
import type { Actor, CustodyContext } from './context.js';
import { applyRegistryEntry } from './registry-projection.js';
import { algorithmOf } from './signatures.js';

/** What a new key must sign to show its holder has the private half. */
export const enrolmentClaim = (personId: string) => ({ action: 'key.enrol', person: personId });

export async function enrollKey(ctx: CustodyContext, actor: Actor, jwk: JWK, proof: string): Promise<{ index: number }> {
  const alg = algorithmOf(jwk);
  try {
    const { payload } = await compactVerify(proof, await importJWK(jwk, alg), { algorithms: ['ES256', 'EdDSA', 'Ed25519'] });
    if (!equalBytes(payload, canonicalBytes(enrolmentClaim(actor.personId)))) throw new Error('other payload');
  } catch {
    throw new DomainError('SIGNATURE_INVALID', `proof of possession failed: sign the RFC 8785 form of ${JSON.stringify(enrolmentClaim(actor.personId))} with the new key`);
  }
  const intakeId = await ctx.sql.transaction(async (tx) => {
    const [p] = await tx.query<{ id: string; org_id: string; role: string; name: string }>('SELECT id, org_id, role, name FROM people WHERE id = $1 FOR UPDATE', [actor.personId]);
    const env: Envelope = {
      v: 1,
      type: 'registry.changed',
      at: new Date().toISOString(),
      by: { org: actor.orgId, person: actor.personId, role: actor.role },
      data: { action: 'upsert', kind: 'person', id: p.id, record: { id: p.id, orgId: p.org_id, role: p.role, name: p.name, publicJwk: jwk } },
    };
    await applyRegistryEntry(tx, env);
    const e = encodeEntry(env);
    const [row] = await tx.query<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type) VALUES ($1, $2, $3) RETURNING id', [e.body, leafHash(e.body), e.type]);
    return Number(row.id);
  });
  const sealed = await ctx.sequencer.sealIntake(intakeId);
  return { index: sealed.index };
}
