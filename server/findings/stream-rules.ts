// The rules that read each sealed entry as it comes, in index order. Weights, custody and licences
// are taken from the entries before it (licences as learned from the log's registry changes), so
// a step sealed after it does not change its findings. A manifest's number, parties and legs come
// from its row, which only a correction changes.
import type { Envelope } from '../../ledger/index.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { fromUtf8 } from '../../ledger/index.js';
import { EnrolledKeys } from '../custody/actor-signatures.js';
import { cstDate } from '../china-time.js';
import { grams } from '../custody/unit-commands.js';
import type { NewFinding } from './codes.js';
import type { FindingLimits } from './limits.js';
import type { LoggedLicences } from './logged-licences.js';

export interface RuleContext {
  sql: Sql;
  limits: FindingLimits;
  keys: EnrolledKeys;
  licences: LoggedLicences;
}

interface ManifestFacts {
  number: string;
  producer: string;
  receiver: string;
  legs: { transporterOrgId: string; vehiclePlate: string }[];
  currentLeg: number;
}

async function manifestFacts(sql: Sql, id: string): Promise<ManifestFacts | undefined> {
  const [m] = await sql.query<{ number: string; producer_org_id: string; receiver_org_id: string; legs: ManifestFacts['legs']; current_leg: number }>(
    'SELECT number, producer_org_id, receiver_org_id, legs, current_leg FROM manifests WHERE id = $1',
    [id],
  );
  return m && { number: m.number, producer: m.producer_org_id, receiver: m.receiver_org_id, legs: m.legs, currentLeg: Number(m.current_leg) };
}

const parties = (m: ManifestFacts, ...more: (string | undefined)[]) => [...new Set([m.producer, ...m.legs.map((l) => l.transporterOrgId), m.receiver, ...more].filter((o): o is string => !!o))].sort();

/** The latest entry of a unit of the given types before an index (by someone in `role`, if given). */
async function lastOf(sql: Sql, unitId: string, types: string[], before: number, role?: string): Promise<{ index: number; e: Envelope } | undefined> {
  const rows = await sql.query('SELECT idx, body FROM ledger_entries WHERE unit_id = $1 AND type = ANY($2) AND idx < $3 ORDER BY idx DESC', [unitId, types, before]);
  for (const r of rows) {
    const e = JSON.parse(fromUtf8(bytes(r.body))) as Envelope;
    if (!role || e.by.role === role) return { index: num(r.idx), e };
  }
  return undefined;
}

const outside = (l: FindingLimits, expectedKg: string, actualKg: string) => {
  const [want, got] = [grams(expectedKg), grams(actualKg)];
  return Math.abs(got - want) > Math.max(l.weightToleranceKg * 1000, l.weightTolerance * want);
};

async function custodyStep(c: RuleContext, index: number, e: Envelope): Promise<NewFinding[]> {
  const d = e.data as { step?: string; leg: number; missing?: string[]; unexpected?: string[] };
  if (d.step !== 'pick_up' && d.step !== 'hand_over') return [];
  const m = await manifestFacts(c.sql, e.manifest!);
  if (!m) return [];
  const where = d.step === 'pick_up' ? 'at pickup' : `at the handover to leg ${d.leg + 1}`;
  const out: NewFinding[] = [];
  const base = { subjects: { manifest: e.manifest }, orgs: parties(m), evidence: [index] };
  if (d.missing?.length) {
    out.push({ ...base, key: `UNIT_MISSING:${e.manifest}:${d.step}:${d.leg}`, code: 'UNIT_MISSING', subjects: { ...base.subjects, units: d.missing }, detail: `${d.missing.length} unit(s) of manifest ${m.number} not scanned ${where}` });
  }
  if (d.unexpected?.length) {
    out.push({ ...base, key: `UNIT_UNEXPECTED:${e.manifest}:${d.step}:${d.leg}`, code: 'UNIT_UNEXPECTED', subjects: { ...base.subjects, units: d.unexpected }, detail: `${d.unexpected.length} unit(s) not on manifest ${m.number} scanned ${where}` });
  }
  return out;
}

async function arrival(c: RuleContext, index: number, e: Envelope): Promise<NewFinding[]> {
  const m = await manifestFacts(c.sql, e.manifest!);
  const plate = (e.data as { vehiclePlate?: string }).vehiclePlate;
  const expected = m?.legs[Math.max(m.currentLeg, 0)]?.vehiclePlate;
  if (!m || !plate || !expected || plate === expected) return [];
  return [{
    key: `PLATE_MISMATCH:${e.manifest}:${index}`, code: 'PLATE_MISMATCH', subjects: { manifest: e.manifest, vehicle: plate }, orgs: parties(m), evidence: [index],
    detail: `manifest ${m.number} arrived on ${plate}, but its leg is carried by ${expected}`,
  }];
}

/** A unit decided at receipt: its weight against its producer's, its custody, the receiver's licence. */
async function receipt(c: RuleContext, index: number, e: Envelope): Promise<NewFinding[]> {
  const m = await manifestFacts(c.sql, e.manifest!);
  if (!m) return [];
  const unit = e.unit!;
  const out: NewFinding[] = [];
  const base = { subjects: { manifest: e.manifest, units: [unit] }, orgs: parties(m) };
  const netKg = (e.data as { netKg?: string }).netKg;
  const weighed = netKg ? await lastOf(c.sql, unit, ['unit.weighed'], index) : undefined;
  const producerKg = weighed?.e.by.role === 'producer' ? (weighed.e.data as { netKg: string }).netKg : undefined;
  if (netKg && producerKg && outside(c.limits, producerKg, netKg)) {
    out.push({ ...base, key: `WEIGHT_MISMATCH:${unit}:${index}`, code: 'WEIGHT_MISMATCH', evidence: [weighed!.index, index], detail: `unit weighed ${netKg} kg net at receipt, ${producerKg} kg at its producer` });
  }
  const custody = await lastOf(c.sql, unit, ['unit.loaded', 'unit.handed_over'], index);
  const leg = custody ? (custody.e.data as { leg: number }).leg : -1;
  if (leg < m.currentLeg) {
    out.push({ ...base, key: `CUSTODY_GAP:${unit}:${e.manifest}`, code: 'CUSTODY_GAP', evidence: custody ? [custody.index, index] : [index], detail: `unit reached the receiver, but no one scanned it onto leg ${m.currentLeg + 1}` });
  }
  if (e.type === 'unit.received' && e.by.role === 'operator') {
    const [u] = await c.sql.query<{ waste_code: string }>('SELECT waste_code FROM units WHERE id = $1', [unit]); // fixed at registration
    if (u && !c.licences.covers(e.by.org!, u.waste_code, cstDate(e.at))) {
      out.push({ ...base, key: `LICENCE_SCOPE:${unit}:${e.manifest}`, code: 'LICENCE_SCOPE', evidence: [index], detail: `${e.by.org} accepted waste ${u.waste_code} that no valid licence of its covers` });
    }
  }
  return out;
}

/** The units on the truck before `index`: those its pickup took, or (not picked up yet) all it lists. */
async function onTruck(sql: Sql, manifestId: string, index: number): Promise<string[]> {
  const signed = await sql.query('SELECT body FROM ledger_entries WHERE manifest_id = $1 AND type = $2 AND idx < $3 ORDER BY idx', [manifestId, 'manifest.signed', index]);
  const pickup = signed.map((r) => JSON.parse(fromUtf8(bytes(r.body))) as Envelope).find((e) => (e.data as { step?: string }).step === 'pick_up');
  if (pickup) return (pickup.data as { taken: string[] }).taken;
  const [m] = await sql.query<{ unit_ids: string[] }>('SELECT unit_ids FROM manifests WHERE id = $1', [manifestId]); // fixed at creation
  return m?.unit_ids ?? [];
}

/**
 * The sum of the net weights at their producer of the units on a manifest's truck, as last weighed
 * there before `index` (a receiver's weighing sealed later does not count); undefined if none was.
 */
async function producerKg(sql: Sql, manifestId: string, index: number): Promise<string | undefined> {
  let total = 0;
  let weighed = false;
  for (const unit of await onTruck(sql, manifestId, index)) {
    const w = await lastOf(sql, unit, ['unit.weighed'], index, 'producer');
    if (!w) continue;
    total += grams((w.e.data as { netKg: string }).netKg);
    weighed = true;
  }
  return weighed ? String(total / 1000) : undefined;
}

/** A weighbridge reading of a truck under a manifest against the sum of its units' producer weights. */
async function truckWeighed(c: RuleContext, index: number, e: Envelope): Promise<NewFinding[]> {
  const d = e.data as { manifestId?: string; netKg?: string; plate?: string };
  const m = d.manifestId ? await manifestFacts(c.sql, d.manifestId) : undefined;
  if (!m || !d.netKg) return [];
  const kg = await producerKg(c.sql, d.manifestId!, index);
  if (!kg || !outside(c.limits, kg, d.netKg)) return [];
  return [{
    key: `WEIGHT_MISMATCH:truck:${index}`, code: 'WEIGHT_MISMATCH', subjects: { manifest: d.manifestId, vehicle: d.plate }, orgs: parties(m), evidence: [index],
    detail: `the weighbridge read ${d.netKg} kg net for manifest ${m.number}; its units weigh ${kg} kg`,
  }];
}

export async function streamFindings(c: RuleContext, index: number, e: Envelope): Promise<NewFinding[]> {
  if (e.type === 'registry.changed') {
    c.keys.learn(e);
    c.licences.learn(e);
    return [];
  }
  const out: NewFinding[] = [];
  if ((e.sig as { attestation?: string }[] | undefined)?.some((s) => !s.attestation)) {
    const problems = await c.keys.check(e);
    if (problems.length > 0) {
      out.push({ key: `SIGNATURE_INVALID:${index}`, code: 'SIGNATURE_INVALID', subjects: { manifest: e.manifest, ...(e.unit ? { units: [e.unit] } : {}) }, orgs: e.by.org ? [e.by.org] : [], evidence: [index], detail: problems.join('; ') });
    }
  }
  if (e.type === 'manifest.signed' && e.manifest) out.push(...(await custodyStep(c, index, e)));
  if (e.type === 'manifest.arrived' && e.manifest) out.push(...(await arrival(c, index, e)));
  if ((e.type === 'unit.received' || e.type === 'unit.refused') && e.unit && e.manifest) out.push(...(await receipt(c, index, e)));
  if (e.type === 'vehicle.weighed') out.push(...(await truckWeighed(c, index, e)));
  return out;
}
