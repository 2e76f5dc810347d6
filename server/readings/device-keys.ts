// Enrolling a device's signing key is a registry change (custody/registry-change.ts), like a
// person's (custody/people.ts). It takes a proof that whoever enrols it holds the private half:
// a JWS by the new key over the RFC 8785 form of {"action":"key.enrol","device":"<id>"}. An
// admin, or a person of the device's own organisation, may enrol it.
import type { JWK } from 'jose';
import type { Actor, CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { checkKeyPossession, sealRegistryChange } from '../custody/registry-change.js';

export const deviceEnrolmentClaim = (deviceId: string) => ({ action: 'key.enrol', device: deviceId });

export async function enrollDeviceKey(ctx: CustodyContext, actor: Actor, deviceId: string, jwk: JWK, proof: string): Promise<{ index: number }> {
  await checkKeyPossession(jwk, proof, deviceEnrolmentClaim(deviceId));
  return sealRegistryChange(ctx, actor, async (tx) => {
    const [d] = await tx.query<{ org_id: string; record: Record<string, unknown> }>('SELECT org_id, record FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
    if (!d) throw new DomainError('NOT_FOUND', `no device ${deviceId} in the registry`);
    if (actor.role !== 'admin' && actor.orgId !== d.org_id) throw new DomainError('NOT_IN_SCOPE', `device ${deviceId} belongs to ${d.org_id}`);
    return { kind: 'device', id: deviceId, record: { ...d.record, publicJwk: jwk } };
  });
}
