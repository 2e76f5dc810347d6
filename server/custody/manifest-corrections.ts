// Corrections after signing: a party proposes a new version of the manifest with its reason; the
// other parties it touches approve or reject it, each with a sealed `manifest.corrected` entry.
// The last approval makes it the manifest's new version. Nothing is edited in place: every
// version and every answer stays on the manifest's chain.
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { cstDate } from '../china-time.js';
import { checkLegs, manifestStep } from './manifest-commands.js';
import { checkDestination } from './manifest-onward.js';
import type { Leg, ManifestChanges, ManifestRow } from './manifest-projection.js';
import type { StepInput } from './write-step.js';

const BEFORE_PICKUP = ['signed'];
const BEFORE_ARRIVAL = ['signed', 'picked_up', 'departed'];
const sameLeg = (a?: Leg, b?: Leg) => a?.transporterOrgId === b?.transporterOrgId && a?.vehiclePlate === b?.vehiclePlate;

/** Refuses a change the manifest's progress no longer allows; returns the organisations it touches. */
async function touchedBy(tx: Sql, m: ManifestRow, c: ManifestChanges): Promise<Set<string>> {
  const refuse = (why: string) => new DomainError('BAD_MANIFEST', `correction refused: ${why}`);
  if (c.plannedDate === undefined && c.receiverOrgId === undefined && c.legs === undefined) throw refuse('it changes nothing');
  const touched = new Set([m.producerOrgId, m.receiverOrgId]);
  if (c.plannedDate !== undefined) {
    if (!BEFORE_PICKUP.includes(m.state)) throw refuse('the planned date is past once the load is picked up');
    if (m.legs[0]) touched.add(m.legs[0].transporterOrgId);
  }
  if (c.receiverOrgId !== undefined) {
    if (!BEFORE_ARRIVAL.includes(m.state)) throw refuse('the receiver is fixed once the load has arrived');
    if (m.receiverRole === 'producer') throw refuse('units going back to their producer keep that receiver');
    const [org] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [c.receiverOrgId]);
    if (org?.kind !== 'operator') throw refuse(`${c.receiverOrgId} is not a licensed operator`);
    // Refused units carried on: held to the rules their onward manifest was drafted under.
    if (m.onwardOf) {
      const units = await tx.query<{ producer_org_id: string; waste_code: string }>('SELECT producer_org_id, waste_code FROM units WHERE id = ANY($1)', [m.unitIds]);
      await checkDestination(tx, m.producerOrgId, units, c.receiverOrgId, cstDate(new Date().toISOString()));
    }
    touched.add(c.receiverOrgId);
  }
  if (c.legs !== undefined) {
    if (['arrived', 'received'].includes(m.state)) throw refuse('the legs are done once the load has arrived');
    for (let i = 0; i <= m.currentLeg; i++) {
      if (!sameLeg(m.legs[i], c.legs[i])) throw refuse(`leg ${i + 1} is under way or done: it cannot change`);
    }
    await checkLegs(tx, c.legs);
    for (let i = m.currentLeg + 1; i < Math.max(m.legs.length, c.legs.length); i++) {
      if (sameLeg(m.legs[i], c.legs[i])) continue;
      if (m.legs[i]) touched.add(m.legs[i].transporterOrgId);
      if (c.legs[i]) touched.add(c.legs[i].transporterOrgId);
    }
  }
  return touched;
}

export const proposeCorrection = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { reason: string; changes: ManifestChanges }) =>
  manifestStep(ctx, actor, id, s, 'correct', 'manifest.corrected', { step: 'propose', reason: s.reason, changes: s.changes }, async (m, tx) => {
    if (m.correction) throw new DomainError('TRANSITION_REFUSED', `correction ${m.correction.version} is still waiting for ${m.correction.awaiting.join(', ')}`);
    const touched = await touchedBy(tx, m, s.changes);
    touched.delete(actor.orgId); // proposing is approving
    return { version: m.version + 1, awaiting: [...touched].sort() };
  });

export const answerCorrection = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { version: number; approve: boolean; reason?: string }) =>
  manifestStep(ctx, actor, id, s, 'approve_correction', 'manifest.corrected', { step: s.approve ? 'approve' : 'reject', version: s.version, ...(s.reason ? { reason: s.reason } : {}) }, (m) => {
    if (m.correction?.version !== s.version) throw new DomainError('TRANSITION_REFUSED', `no correction ${s.version} is waiting for approval`);
    if (!s.approve && !s.reason) throw new DomainError('BAD_INPUT', 'a rejection needs a reason');
  });
