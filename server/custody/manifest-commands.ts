// Transfer manifests, first steps: the producer drafts one (receiver, transport legs, units),
// signs it, or cancels it before pickup. Pickup, handover, arrival and receipt follow.
import { randomUUID } from 'node:crypto';
import { encodeEntry, leafHash, toBase64, type Envelope, type EventType } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { checkParty, type ManifestAction } from './manifest-lifecycle.js';
import { cstDay, formatManifestNumber } from './manifest-number.js';
import { applyManifestEntry, type Leg, type ManifestRow } from './manifest-projection.js';
import { lockManifest, saveManifestSql } from './manifest-store.js';
import type { SignatureRecord } from './signatures.js';
import { applyUnitEntry, type UnitRow } from './unit-projection.js';
import { nextUnitState } from './unit-lifecycle.js';
import { lockUnit, saveUnitSql } from './unit-store.js';
import { runStep, type StepInput, type StepResult } from './write-step.js';

export interface ManifestDraft extends StepInput {
  receiverOrgId: string;
  legs: Leg[];
  unitIds: string[];
  plannedDate: string;
}

const OPEN_UNIT_STATES = ['registered', 'stored', 'retrieved'];

function envelope(actor: Actor, type: EventType, at: string, manifest: string, data: Record<string, unknown>, sig: SignatureRecord[], prev?: string): Envelope {
  return { v: 1, type, at, by: { org: actor.orgId, person: actor.personId, role: actor.role }, manifest, ...(prev ? { prev: { manifest: prev } } : {}), data, sig };
}

async function checkDraft(tx: Sql, actor: Actor, d: ManifestDraft): Promise<void> {
  const bad = (m: string) => new DomainError('BAD_MANIFEST', m);
  const [receiver] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [d.receiverOrgId]);
  if (receiver?.kind !== 'operator') throw bad(`${d.receiverOrgId} is not a licensed operator`);
  for (const [i, leg] of d.legs.entries()) {
    const [v] = await tx.query<{ org_id: string; kind: string }>(
      'SELECT v.org_id, o.kind FROM vehicles v JOIN organisations o ON o.id = v.org_id WHERE v.plate = $1',
      [leg.vehiclePlate],
    );
    if (!v || v.org_id !== leg.transporterOrgId || v.kind !== 'transporter') throw bad(`leg ${i + 1}: ${leg.vehiclePlate} is not a vehicle of transporter ${leg.transporterOrgId}`);
  }
  const units = await tx.query<{ id: string; producer_org_id: string; state: string }>('SELECT id, producer_org_id, state FROM units WHERE id = ANY($1) FOR UPDATE', [d.unitIds]);
  for (const id of d.unitIds) {
    const u = units.find((x) => x.id === id);
    if (!u || u.producer_org_id !== actor.orgId) throw bad(`unit ${id} is not one of your organisation's units`);
    if (!OPEN_UNIT_STATES.includes(u.state)) throw new DomainError('UNIT_UNAVAILABLE', `unit ${id} is ${u.state}: it cannot go on a manifest`);
  }
  const [taken] = await tx.query<{ id: string; number: string }>(
    `SELECT id, number FROM manifests WHERE state NOT IN ('closed', 'cancelled') AND unit_ids ?| $1::text[] LIMIT 1`,
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
    const { yyyy, mm, dd } = cstDay(new Date(at));
    const [seq] = await tx.query<{ next: number }>(
      `INSERT INTO manifest_sequences (day, next) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET next = manifest_sequences.next + 1 RETURNING next`,
      [`${yyyy}${mm}${dd}`],
    );
    const number = formatManifestNumber(ctx.manifestNumber, new Date(at), Number(seq.next));
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

async function manifestStep(ctx: CustodyContext, actor: Actor, id: string, step: StepInput, action: ManifestAction, type: EventType, data: Record<string, unknown>) {
  const at = step.at ?? new Date().toISOString();
  const claim = { eventId: step.eventId, action: type, subject: `manifest:${id}`, at, data };
  return runStep(ctx, actor, step, claim, async (tx, sig) => {
    const m = await lockManifest(tx, id);
    checkParty(m, action, actor);
    const entry = envelope(actor, type, at, id, { ...data, eventId: step.eventId }, sig, m.lastLeafHash);
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
  manifestStep(ctx, actor, id, s, 'cancel', 'manifest.cancelled', { reason: s.reason });

/**
 * Pickup: the first leg's driver scans the units onto the truck and signs. Each scanned unit of
 * the manifest is loaded (an entry on both its chain and the manifest's); units not scanned, and
 * scans of units not on the manifest, are recorded in the signed step for the rule engine.
 */
export async function pickUp(ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { vehiclePlate: string; scannedUnitIds: string[] }) {
  const at = s.at ?? new Date().toISOString();
  const scanned = [...new Set(s.scannedUnitIds)].sort();
  const claim = { eventId: s.eventId, action: 'manifest.pick_up', subject: `manifest:${id}`, at, data: { vehiclePlate: s.vehiclePlate, scanned } };
  return runStep(ctx, actor, s, claim, async (tx, sig) => {
    const m = await lockManifest(tx, id);
    checkParty(m, 'pick_up', actor);
    if (s.vehiclePlate !== m.legs[0].vehiclePlate) throw new DomainError('BAD_MANIFEST', `leg 1 is to be carried by ${m.legs[0].vehiclePlate}, not ${s.vehiclePlate}`);
    const loaded = scanned.filter((u) => m.unitIds.includes(u));
    const unexpected = scanned.filter((u) => !m.unitIds.includes(u));
    const missing = m.unitIds.filter((u) => !scanned.includes(u)).sort();
    if (loaded.length === 0) throw new DomainError('BAD_MANIFEST', 'none of the scanned units is on this manifest');
    const units: UnitRow[] = [];
    for (const u of loaded) {
      const unit = await lockUnit(tx, u); // in id order, so concurrent pickups cannot deadlock
      nextUnitState(unit.state, 'load', actor.role);
      units.push(unit);
    }
    const data = { step: 'pick_up', leg: 0, vehiclePlate: s.vehiclePlate, loaded, missing, unexpected, eventId: s.eventId };
    const entries = [envelope(actor, 'manifest.signed', at, id, data, sig, m.lastLeafHash)];
    let prev = toBase64(leafHash(encodeEntry(entries[0]).body));
    for (const unit of units) {
      const e: Envelope = {
        v: 1, type: 'unit.loaded', at, by: { org: actor.orgId, person: actor.personId, role: actor.role },
        unit: unit.id, manifest: id, prev: { unit: unit.lastLeafHash, manifest: prev }, data: { manifestId: id, leg: 0, eventId: s.eventId }, sig,
      };
      entries.push(e);
      prev = toBase64(leafHash(encodeEntry(e).body));
    }
    return {
      entries,
      project: (leaves, params) => {
        let row = m;
        entries.forEach((e, i) => (row = applyManifestEntry(row, e, leaves[i])));
        const unitRows = units.map((u, i) => applyUnitEntry(u, entries[i + 1], leaves[i + 1]));
        return { response: row, sql: [saveManifestSql(row, params), ...unitRows.map((u) => saveUnitSql(u, params))] };
      },
    };
  });
}
