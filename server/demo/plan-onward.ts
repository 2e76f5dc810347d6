// Refused units leaving the receiver on an onward manifest the morning after their refusal: a whole
// refused load back to its producer (who takes it in and stores it again), or a refused solvent
// drum on to the solvent recycler (which weighs it in and recovers it, R2). Both close.
import { clock, dayOf, M, working, type Builder, type PlannedDecision, type PlannedManifest, type PlannedUnit } from './builder.js';
import { TRANSPORTERS, type Producer, type RECYCLER } from './catalogue.js';

export const kg = (g: number) => (g / 1000).toFixed(1);

/** The receiver's weighing of a unit: its own scale, a few hundred grams from the producer's. */
export function receiptWeights(b: Builder, u: PlannedUnit, netFactor = 1): { grossKg: string; tareKg: string } {
  const tare = u.tareG + b.rng.int(-100, 100);
  const net = Math.round((u.grossG - u.tareG) * netFactor * (1 + b.rng.real(-0.006, 0.006, 4)));
  return { grossKg: kg(tare + net), tareKg: kg(tare) };
}

type Destination = { producer: Producer } | { recycler: typeof RECYCLER };

/** The onward manifest of `units`, refused under `from` at `refusedAt` (anchor's clock). */
export function planOnward(b: Builder, from: PlannedManifest, units: PlannedUnit[], refusedAt: number, to: Destination): PlannedManifest {
  const { rng } = b;
  const key = `${from.key}r`;
  const keys = units.map((u) => u.key);
  const day = dayOf(refusedAt) + 1;
  const carrier = rng.pick(TRANSPORTERS);
  const load = units.reduce((s, u) => s + u.grossG, 0) / 1000;
  const plate = load <= carrier.van.ratedKg * 0.8 ? carrier.van.plate : carrier.truck.plate;
  const [receiverOrgId, receiver] = 'producer' in to ? [to.producer.orgId, to.producer.who] : [to.recycler.orgId, to.recycler.who];

  let t = b.add(clock(day, 8, rng.int(30, 55), rng.int(0, 59)), 'operator', {
    kind: 'send_on', manifest: from.key, onward: key, receiverOrgId, legs: [{ transporterOrgId: carrier.orgId, vehiclePlate: plate }], units: keys, plannedDay: day,
  });
  t = b.add(t + rng.int(10 * M, 30 * M), 'operator', { kind: 'sign', manifest: key });
  t = b.add(clock(day, 10, rng.int(0, 59), rng.int(0, 59)), carrier.who, { kind: 'pick_up', manifest: key, vehiclePlate: plate, scanned: keys });
  t = b.add(t + rng.int(5 * M, 15 * M), carrier.who, { kind: 'depart', manifest: key, vehiclePlate: plate });
  t = b.add(t + rng.int(25 * M, 50 * M), receiver, { kind: 'arrive', manifest: key, vehiclePlate: plate });
  if ('producer' in to) {
    // The producer takes its drums back (no refusing them) and stores them again, to be characterised anew.
    const decisions: PlannedDecision[] = keys.map((unit) => ({ unit, accept: true }));
    t = b.add(t + rng.int(10 * M, 30 * M), receiver, { kind: 'receive', manifest: key, decisions });
    let s = working(t + rng.int(20 * M, 40 * M));
    for (const u of units) {
      s = b.add(s + rng.int(60, 180), receiver, { kind: 'store', unit: u.key, siteId: to.producer.storeId, bay: `${u.zone}-${String(rng.int(1, 12)).padStart(2, '0')}` });
    }
  } else {
    const decisions: PlannedDecision[] = units.map((u) => ({ unit: u.key, accept: true, ...receiptWeights(b, u) }));
    t = b.add(working(t + rng.int(20 * M, 50 * M)), receiver, { kind: 'receive', manifest: key, decisions });
    const at = clock(Math.min(dayOf(t) + rng.int(1, 2), -1), rng.int(9, 15), rng.int(0, 59), rng.int(0, 59));
    units.forEach((u, i) => b.add(Math.max(at, t + M) + i, receiver, { kind: 'treat', unit: u.key, manifest: key, method: to.recycler.method }));
  }
  return { key, fate: 'closed', state: 'closed', notes: [], units: keys, onwardOf: from.key };
}
