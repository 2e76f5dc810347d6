// Enrolling a device's signing key is a registry change, sealed and then projected, like a
// person's (custody/people.ts). It takes a proof that whoever enrols it holds the private half:
// a JWS by the new key over the RFC 8785 form of {"action":"key.enrol","device":"<id>"}. An
// admin, or a person of the device's own organisation, may enrol it.
import { compactVerify, importJWK, type JWK } from 'jose';
import { canonicalBytes, encodeEntry, equalBytes, leafHash, type Envelope } from '../../ledger/index.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { applyRegistryEntry } from '../custody/registry-projection.js';
import { algorithmOf } from '../custody/signatures.js';

export const deviceEnrolmentClaim = (deviceId: string) => ({ action: 'key.enrol', device: deviceId });

export async function enrollDeviceKey(ctx: CustodyContext, actor: Actor, deviceId: string, jwk: JWK, proof: string): Promise<{ index: number }> {
  try {
    const { payload } = await compactVerify(proof, await importJWK(jwk, algorithmOf(jwk)), { algorithms: ['ES256', 'EdDSA', 'Ed25519'] });
    if (!equalBytes(payload, canonicalBytes(deviceEnrolmentClaim(deviceId)))) throw new Error('other payload');
  } catch {
    throw new DomainError('SIGNATURE_INVALID', `proof of possession failed: sign the RFC 8785 form of ${JSON.stringify(deviceEnrolmentClaim(deviceId))} with the new key`);
  }
  const intakeId = await ctx.sql.transaction(async (tx) => {
    const [d] = await tx.query<{ org_id: string; record: Record<string, unknown> }>('SELECT org_id, record FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
    if (!d) throw new DomainError('NOT_FOUND', `no device ${deviceId} in the registry`);
    if (actor.role !== 'admin' && actor.orgId !== d.org_id) throw new DomainError('NOT_IN_SCOPE', `device ${deviceId} belongs to ${d.org_id}`);
    const env: Envelope = {
      v: 1,
      type: 'registry.changed',
      at: new Date().toISOString(),
      by: { org: actor.orgId, person: actor.personId, role: actor.role },
      data: { action: 'upsert', kind: 'device', id: deviceId, record: { ...d.record, publicJwk: jwk } },
    };
    await applyRegistryEntry(tx, env);
    const e = encodeEntry(env);
    const [row] = await tx.query<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type) VALUES ($1, $2, $3) RETURNING id', [e.body, leafHash(e.body), e.type]);
    return Number(row.id);
  });
  const sealed = await ctx.sequencer.sealIntake(intakeId);
  return { index: sealed.index };
}
