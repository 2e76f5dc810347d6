// Transfer manifests: the producer drafts one (receiver, transport legs, units), signs it, or
// cancels it before pickup; drivers take custody leg by leg and leave the gate; the receiver's
// gate sees the load arrive and the receiver decides on every unit. Steps a device recorded
// offline carry its clock in `at` and the server's receipt time in `receivedAt`.
import { randomUUID } from 'node:crypto';
import type { EventType } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { UnitDecision } from '../api-types.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { AT_PRODUCER, checkParty, type ManifestAction } from './manifest-lifecycle.js';
import { cstDay } from '../china-time.js';
import { formatManifestNumber } from './manifest-number.js';
import { chainUnderManifest, envelope } from './manifest-entries.js';
import { applyManifestEntry, type Leg, type ManifestRow } from './manifest-projection.js';
import { lockManifest, saveManifestSql } from './manifest-store.js';
import type { UnitRow } from './unit-projection.js';
import { nextUnitState } from './unit-lifecycle.js';
import { lockUnit } from './unit-store.js';
import { weights } from './unit-commands.js';
import { runStep, type StepInput, type StepResult } from './write-step.js';

export interface ManifestDraft extends StepInput {
  receiverOrgId: string;
  legs: Leg[];
  unitIds: string[];
  plannedDate: string;
}

/** The server's receipt time of a step recorded offline, kept beside the device's own clock. */
const receipt = (s: StepInput) => (s.receivedAt ? { receivedAt: s.receivedAt } : {});

/** Each leg's vehicle belongs to the leg's transporter. */
export async function checkLegs(tx: Sql, legs: Leg[]): Promise<void> {
  for (const [i, leg] of legs.entries()) {
    const [v] = await tx.query<{ org_id: string; kind: string }>(
      'SELECT v.org_id, o.kind FROM vehicles v JOIN organisations o ON o.id = v.org_id WHERE v.plate = $1',
      [leg.vehiclePlate],
    );
    if (!v || v.org_id !== leg.transporterOrgId || v.kind !== 'transporter') {
      throw new DomainError('BAD_MANIFEST', `leg ${i + 1}: ${leg.vehiclePlate} is not a vehicle of transporter ${leg.transporterOrgId}`);
    }
  }
}

/** The next number in the log's manifest numbering, on the step's day (China Standard Time). */
export async function nextManifestNumber(ctx: CustodyContext, tx: Sql, at: string): Promise<string> {
  const { yyyy, mm, dd } = cstDay(new Date(at));
  const [seq] = await tx.query<{ next: number }>(
    `INSERT INTO manifest_sequences (day, next) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET next = manifest_sequences.next + 1 RETURNING next`,
    [`${yyyy}${mm}${dd}`],
  );
  return formatManifestNumber(ctx.manifestNumber, new Date(at), Number(seq.next));
}

async function checkDraft(tx: Sql, actor: Actor, d: ManifestDraft): Promise<void> {
  const bad = (m: string) => new DomainError('BAD_MANIFEST', m);
  const [receiver] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [d.receiverOrgId]);
  if (receiver?.kind !== 'operator') throw bad(`${d.receiverOrgId} is not a licensed operator`);
  await checkLegs(tx, d.legs);
  const units = await tx.query<{ id: string; producer_org_id: string; state: string }>('SELECT id, producer_org_id, state FROM units WHERE id = ANY($1) FOR UPDATE', [d.unitIds]);
  for (const id of d.unitIds) {
    const u = units.find((x) => x.id === id);
    if (!u || u.producer_org_id !== actor.orgId) throw bad(`unit ${id} is not one of your organisation's units`);
    if (!AT_PRODUCER.includes(u.state)) throw new DomainError('UNIT_UNAVAILABLE', `unit ${id} is ${u.state}: it cannot go on a manifest`);
  }
  const [taken] = await tx.query<{ id: string; number: string }>(
    // Past pickup, a manifest holds only what was loaded: a unit left behind is free again.
    `SELECT id, number FROM manifests WHERE state IN ('draft', 'signed') AND unit_ids ?| $1::text[] LIMIT 1`,
    [d.unitIds],
  );
  if (taken) throw new DomainError('UNIT_UNAVAILABLE', `a unit is already on open manifest ${taken.number}`);
}

export async function createManifest(ctx: CustodyContext, actor: Actor, d: ManifestDraft): Promise<StepResult<ManifestRow>> {
  if (actor.role !== 'producer') throw new DomainError('TRANSITION_REFUSED', 'only producers draft manifests');
  if (new Set(d.unitIds).size !== d.unitIds.length) throw new DomainError('BAD_MANIFEST', 'a unit is listed twice');
  const at = d.at ?? new Date().toISOString();
  const claimData = { receiverOrgId: d.receiverOrgId, legs: d.legs, units: d.unitIds, plannedDate: d.plannedDate };
  const claim = { eventId: d.eventId, action: 'manifest.create', subject: `org:${actor.orgId}`, at, data: claimData };
  return runStep(ctx, actor, d, claim, async (tx, sig) => {
    await checkDraft(tx, actor, d);
    const number = await nextManifestNumber(ctx, tx, at);
    const id = randomUUID();
    const entry = envelope(actor, 'manifest.created', at, id, { ...claimData, number, producerOrgId: actor.orgId, eventId: d.eventId }, sig);
    return {
      entries: [entry],
      project: ([leaf], params) => {
        const row = applyManifestEntry(undefined, entry, leaf);
        return { response: row, sql: saveManifestSql(row, params) };
      },
    };
  });
}

/**
 * A step on the manifest's chain alone. `check` runs on the locked row after the party check and
 * may refuse the step or add to its data.
 */
export async function manifestStep(
  ctx: CustodyContext,
  actor: Actor,
  id: string,
  step: StepInput,
  action: ManifestAction,
  type: EventType,
  data: Record<string, unknown>,
  check?: (m: ManifestRow, tx: Sql) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
) {
  const at = step.at ?? new Date().toISOString();
  const claim = { eventId: step.eventId, action: type, subject: `manifest:${id}`, at, data };
  return runStep(ctx, actor, step, claim, async (tx, sig) => {
    const m = await lockManifest(tx, id);
    checkParty(m, action, actor);
    const more = (await check?.(m, tx)) ?? {};
    const entry = envelope(actor, type, at, id, { ...data, ...more, ...receipt(step), eventId: step.eventId }, sig, m.lastLeafHash);
    return {
      entries: [entry],
      project: ([leaf], params) => {
        const row = applyManifestEntry(m, entry, leaf);
        return { response: row, sql: saveManifestSql(row, params) };
      },
    };
  });
}

export const signManifest = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput) => manifestStep(ctx, actor, id, s, 'sign', 'manifest.signed', { step: 'sign' });

export const cancelManifest = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { reason: string }) =>
  manifestStep(ctx, actor, id, s, 'cancel', 'manifest.cancelled', { reason: s.reason }, async (m, tx) => {
    // Its units are already counted as sent on by the manifest that refused them.
    if (m.onwardOf) throw new DomainError('TRANSITION_REFUSED', 'an onward manifest cannot be cancelled: correct its receiver or legs instead');
    const [onTruck] = await tx.query(`SELECT 1 FROM units WHERE id = ANY($1) AND state = 'loaded' LIMIT 1`, [m.unitIds]);
    if (onTruck) throw new DomainError('TRANSITION_REFUSED', 'units are already on the truck: the pickup has begun, it cannot be cancelled');
  });

/**
 * Pickup (leg 1) and handover (leg n): the leg's driver names the vehicle and scans the units
 * onto it. Each scanned unit the manifest carries gets an entry on both its own chain and the
 * manifest's; units not scanned, and scans of units not carried, are recorded in the signed step.
 */
export async function takeCustody(ctx: CustodyContext, actor: Actor, id: string, step: 'pick_up' | 'hand_over', s: StepInput & { vehiclePlate: string; scannedUnitIds: string[] }) {
  const at = s.at ?? new Date().toISOString();
  const scanned = [...new Set(s.scannedUnitIds)].sort();
  const claim = { eventId: s.eventId, action: `manifest.${step}`, subject: `manifest:${id}`, at, data: { vehiclePlate: s.vehiclePlate, scanned } };
  return runStep(ctx, actor, s, claim, async (tx, sig) => {
    const m = await lockManifest(tx, id);
    checkParty(m, step, actor);
    const leg = step === 'pick_up' ? 0 : m.currentLeg + 1;
    if (s.vehiclePlate !== m.legs[leg].vehiclePlate) throw new DomainError('BAD_MANIFEST', `leg ${leg + 1} is to be carried by ${m.legs[leg].vehiclePlate}, not ${s.vehiclePlate}`);
    // At pickup the manifest's units; at a handover, those the previous leg carries. At pickup,
    // units the loading bay's reader already read onto the truck count as taken, with no new entry.
    // (At a handover, only units its pickup took: one left behind may be on another truck now.)
    const loaded = (await tx.query<{ id: string }>(`SELECT id FROM units WHERE id = ANY($1) AND state = 'loaded' ORDER BY id`, [step === 'pick_up' ? m.unitIds : m.carried])).map((r) => r.id);
    const carried = step === 'pick_up' ? m.unitIds : loaded;
    const byReader = step === 'pick_up' ? loaded : [];
    const taken = scanned.filter((u) => carried.includes(u) && !byReader.includes(u));
    const unexpected = scanned.filter((u) => !carried.includes(u));
    const missing = carried.filter((u) => !scanned.includes(u) && !byReader.includes(u)).sort();
    if (taken.length === 0 && byReader.length === 0) throw new DomainError('BAD_MANIFEST', 'none of the scanned units is carried under this manifest');
    // Refused units wait at the refusing operator's site, under no other manifest: one left behind
    // by the trip meant to take them would have nowhere to go.
    if (step === 'pick_up' && m.onwardOf && missing.length > 0) {
      throw new DomainError('BAD_MANIFEST', `an onward manifest takes every refused unit it lists: scan ${missing.join(', ')} too (a drum that cannot be found is an incident to report, not one to leave behind)`);
    }
    const units: UnitRow[] = [];
    for (const u of taken) {
      const unit = await lockUnit(tx, u); // in id order, so concurrent steps cannot deadlock
      nextUnitState(unit.state, step === 'pick_up' ? 'load' : 'hand_over', actor.role);
      units.push(unit);
    }
    const data = { step, leg, vehiclePlate: s.vehiclePlate, taken: [...taken, ...byReader].sort(), missing, unexpected, ...(byReader.length ? { loadedByReader: byReader } : {}), ...receipt(s), eventId: s.eventId };
    const unitType = step === 'pick_up' ? 'unit.loaded' : 'unit.handed_over';
    const own = envelope(actor, 'manifest.signed', at, id, data, sig, m.lastLeafHash);
    return chainUnderManifest(actor, at, m, sig, { before: [own] }, units, () => ({ type: unitType, data: { manifestId: id, leg, ...receipt(s), eventId: s.eventId } }));
  });
}

/** The driver of the current leg leaves the producer's (or a transfer point's) gate. */
export const depart = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { vehiclePlate: string }) =>
  manifestStep(ctx, actor, id, s, 'depart', 'manifest.departed', { vehiclePlate: s.vehiclePlate }, (m) => {
    const leg = m.legs[m.currentLeg];
    if (s.vehiclePlate !== leg.vehiclePlate) throw new DomainError('BAD_MANIFEST', `leg ${m.currentLeg + 1} is carried by ${leg.vehiclePlate}, not ${s.vehiclePlate}`);
  });

/** The receiver's gate: the load has arrived. */
export const arrive = (ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { vehiclePlate: string }) =>
  manifestStep(ctx, actor, id, s, 'arrive', 'manifest.arrived', { vehiclePlate: s.vehiclePlate });

/**
 * Receipt: the receiving operator decides on every unit that arrived — accepted, or refused with
 * a reason and a discrepancy type — weighing each where weighed, and signs the manifest last. A
 * producer taking refused units back accepts them all, and that closes the manifest.
 */
export async function receive(ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { decisions: UnitDecision[] }) {
  const at = s.at ?? new Date().toISOString();
  const decisions = [...s.decisions].sort((a, b) => (a.unitId < b.unitId ? -1 : 1));
  const claim = { eventId: s.eventId, action: 'manifest.receive', subject: `manifest:${id}`, at, data: { decisions } };
  return runStep(ctx, actor, s, claim, async (tx, sig) => {
    const m = await lockManifest(tx, id);
    checkParty(m, 'receive', actor);
    const arrived = (await tx.query<{ id: string }>(`SELECT id FROM units WHERE id = ANY($1) AND state = 'loaded' ORDER BY id`, [m.carried])).map((r) => r.id);
    const decided = decisions.map((d) => d.unitId);
    if (new Set(decided).size !== decided.length || decided.join() !== arrived.join()) {
      throw new DomainError('BAD_MANIFEST', `decide on each unit that arrived, once: ${arrived.join(', ')}`);
    }
    const returned = m.receiverRole === 'producer';
    for (const d of decisions) {
      if (!d.accept && returned) throw new DomainError('BAD_MANIFEST', `unit ${d.unitId}: its producer takes a returned unit back; it cannot refuse it`);
      if (!d.accept && (!d.reason || !d.discrepancy)) throw new DomainError('BAD_MANIFEST', `unit ${d.unitId}: a refusal needs a reason and a discrepancy type`);
    }
    const units: UnitRow[] = [];
    for (const d of decisions) {
      const unit = await lockUnit(tx, d.unitId);
      nextUnitState(unit.state, d.accept ? 'receive' : 'refuse', actor.role);
      units.push(unit);
    }
    const accepted = decisions.filter((d) => d.accept).map((d) => d.unitId);
    const refused = decisions.filter((d) => !d.accept).map((d) => d.unitId);
    const outcome = refused.length === 0 ? 'accepted' : accepted.length === 0 ? 'refused' : 'partially_accepted';
    const own = envelope(actor, 'manifest.received', at, id, { outcome, accepted, refused, ...receipt(s), eventId: s.eventId }, sig);
    const closing = envelope(actor, 'manifest.closed', at, id, { eventId: s.eventId }, sig);
    return chainUnderManifest(actor, at, m, sig, { after: returned ? [own, closing] : [own] }, units, (u) => {
      const d = decisions.find((x) => x.unitId === u.id)!;
      const kg = d.grossKg !== undefined && d.tareKg !== undefined ? weights(d.grossKg, d.tareKg) : {};
      return {
        type: d.accept ? 'unit.received' : 'unit.refused',
        data: { manifestId: id, ...kg, ...(d.accept ? {} : { reason: d.reason, discrepancy: d.discrepancy }), ...receipt(s), eventId: s.eventId },
      };
    });
  });
}
