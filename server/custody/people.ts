// Enrolling a person's signing key is a registry change: sealed, then projected.
import { encodeEntry, leafHash, type Envelope } from '../../ledger/index.js';
import type { JWK } from 'jose';
import type { Actor, CustodyContext } from './context.js';
import { applyRegistryEntry } from './registry-projection.js';
import { algorithmOf } from './signatures.js';

export async function enrollKey(ctx: CustodyContext, actor: Actor, jwk: JWK): Promise<{ index: number }> {
  algorithmOf(jwk);
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
