// The demo park's transfer manifests: thirty of them, each with a fate decided up front so that
// every state is there at the end (at least twice), with refusals, partial acceptances and the
// planted faults — a drum never scanned at pickup, a light drum at receipt, a wrong plate at the gate.
import { clock, dayOf, H, M, working, type Builder, type Fate, type PlannedDecision, type PlannedManifest, type PlannedUnit } from './builder.js';
import { CANCEL_REASONS, PICKUP_RETRIEVAL, PRODUCERS, RECEIVER, REFUSALS, TRANSPORTERS, type Producer } from './catalogue.js';
import { planUnit } from './plan-units.js';

type Note = PlannedManifest['notes'][number];
interface Slot {
  fate: Fate;
  day: number;
  notes: Note[];
  late: boolean;
}

/** Fates of the manifests of the first two weeks and a half, which are done by now or stuck for good. */
function earlySlots(b: Builder): Slot[] {
  const closed = Array.from({ length: 12 }, (): { fate: Fate; notes: Note[] } => ({ fate: 'closed', notes: [] }));
  closed[2].notes.push('light_drum');
  closed[5].notes.push('wrong_plate');
  closed[8].notes.push('two_legs');
  closed[11].notes.push('two_legs');
  const others: { fate: Fate; notes: Note[] }[] = [
    { fate: 'partially_accepted', notes: [] },
    { fate: 'partially_accepted', notes: [] },
    { fate: 'refused', notes: [] },
    { fate: 'received', notes: ['missing_at_pickup'] },
    { fate: 'cancelled', notes: [] },
    { fate: 'cancelled', notes: [] },
    { fate: 'cancelled', notes: ['cancelled_after_signing'] },
  ];
  const all = b.rng.shuffle([...closed, ...others]);
  return all.map((s, i) => ({ ...s, day: -20 + Math.floor((i * 15) / all.length), late: false }));
}

/** The last three days: manifests still under way, each unfinished state at least twice. */
const LATE: Slot[] = [
  { fate: 'received', day: -3, notes: [], late: true },
  { fate: 'arrived', day: -3, notes: [], late: true },
  { fate: 'arrived', day: -2, notes: [], late: true },
  { fate: 'signed', day: -2, notes: [], late: true },
  { fate: 'departed', day: -1, notes: [], late: true },
  { fate: 'departed', day: -1, notes: [], late: true },
  { fate: 'picked_up', day: -1, notes: ['two_legs'], late: true },
  { fate: 'picked_up', day: -1, notes: [], late: true },
  { fate: 'signed', day: -1, notes: [], late: true },
  { fate: 'draft', day: -1, notes: [], late: true },
  { fate: 'draft', day: -1, notes: [], late: true },
];

const REACHES: Record<Fate, number> = { draft: 0, cancelled: 0, signed: 1, picked_up: 2, departed: 3, arrived: 4, received: 5, partially_accepted: 5, refused: 5, closed: 6 };

const available = (b: Builder, p: Producer, at: number) =>
  [...b.units.values()].filter((u) => u.producer === p.who && !u.held && u.readyAt < at - 10 * M).sort((x, y) => x.readyAt - y.readyAt);

const kg = (g: number) => (g / 1000).toFixed(1);

/** The receiver's weighing of a unit: its own scale, a few hundred grams from the producer's. */
function receiptWeights(b: Builder, u: PlannedUnit, netFactor = 1): { grossKg: string; tareKg: string } {
  const tare = u.tareG + b.rng.int(-100, 100);
  const net = Math.round((u.grossG - u.tareG) * netFactor * (1 + b.rng.real(-0.006, 0.006, 4)));
  return { grossKg: kg(tare + net), tareKg: kg(tare) };
}

function decide(b: Builder, slot: Slot, units: PlannedUnit[]): PlannedDecision[] {
  const weighed = slot.notes.includes('light_drum') || slot.fate !== 'closed' || b.rng.chance(0.85);
  const refused = new Map<string, PlannedDecision>();
  if (slot.fate === 'refused') for (const u of units) refused.set(u.key, { unit: u.key, accept: false, reason: REFUSALS.whole, discrepancy: 'type' });
  if (slot.fate === 'partially_accepted') {
    const [first, second] = b.rng.shuffle(units.slice(1));
    refused.set(first.key, { unit: first.key, accept: false, reason: REFUSALS.type(first.wasteCode), discrepancy: 'type' });
    if (second && b.rng.chance(0.6)) refused.set(second.key, { unit: second.key, accept: false, ...receiptWeights(b, second, b.rng.real(0.82, 0.88, 3)), reason: REFUSALS.quantity, discrepancy: 'quantity' });
  }
  const light = slot.notes.includes('light_drum') ? units[b.rng.int(0, units.length - 1)].key : undefined;
  return units.map((u) => refused.get(u.key) ?? { unit: u.key, accept: true, ...(weighed ? receiptWeights(b, u, u.key === light ? b.rng.real(0.5, 0.6, 3) : 1) : {}) });
}

function planManifest(b: Builder, slot: Slot, index: number): PlannedManifest {
  const { rng } = b;
  const key = `m${String(index + 1).padStart(2, '0')}`;
  const createAt = slot.late ? clock(slot.day, 8, 30 + rng.int(0, 59), rng.int(0, 59)) : clock(slot.day, 9, rng.int(0, 119), rng.int(0, 59));
  const pools = PRODUCERS.map((p) => ({ p, units: available(b, p, createAt) }));
  const fit = pools.filter((x) => x.units.length >= 4);
  const { p, units: pool } = fit.length === 2 && fit[0].units.length === fit[1].units.length ? rng.pick(fit) : [...(fit.length ? fit : pools)].sort((x, y) => y.units.length - x.units.length)[0];
  const units = pool.slice(0, rng.int(4, 9));
  // Seldom, the draws leave a plant short: it filled a few more the day before.
  while (units.length < 3) units.push(planUnit(b, p, clock(slot.day - 1, rng.int(10, 14), rng.int(0, 59), rng.int(0, 59)), { moves: false }));
  const twoLegs = slot.notes.includes('two_legs');
  const carrier = twoLegs ? TRANSPORTERS[0] : rng.chance(0.6) ? TRANSPORTERS[0] : TRANSPORTERS[1];
  // A van when the load is light, a truck otherwise; two legs go truck to truck.
  while (units.reduce((s, u) => s + u.grossG, 0) > carrier.truck.ratedKg * 1000) units.pop();
  const load = units.reduce((s, u) => s + u.grossG, 0) / 1000;
  const plate = !twoLegs && load <= carrier.van.ratedKg * 0.8 ? carrier.van.plate : carrier.truck.plate;
  const legs = [{ transporterOrgId: carrier.orgId, vehiclePlate: plate }];
  if (twoLegs) legs.push({ transporterOrgId: TRANSPORTERS[1].orgId, vehiclePlate: TRANSPORTERS[1].truck.plate });
  const plannedDay = slot.late || rng.chance(0.65) ? slot.day : slot.day + 1;
  for (const u of units) u.held = true;
  const manifest: PlannedManifest = { key, fate: slot.fate, notes: slot.notes, units: units.map((u) => u.key) };
  const reach = REACHES[slot.fate];

  let t = b.add(createAt, p.who, { kind: 'create', manifest: key, receiverOrgId: RECEIVER.orgId, legs, units: manifest.units, plannedDay });
  const release = (at: number) => units.forEach((u) => ((u.held = false), (u.readyAt = at + M)));
  if (slot.fate === 'cancelled' && !slot.notes.includes('cancelled_after_signing')) {
    release(b.add(t + rng.int(30 * M, 150 * M), p.who, { kind: 'cancel', manifest: key, reason: CANCEL_REASONS[0] }));
    return manifest;
  }
  if (reach < 1 && slot.fate !== 'cancelled') return manifest;
  t = b.add(t + rng.int(10 * M, slot.late ? 30 * M : 60 * M), p.who, { kind: 'sign', manifest: key });
  if (slot.fate === 'cancelled') {
    release(b.add(working(t + rng.int(H, 3 * H)), p.who, { kind: 'cancel', manifest: key, reason: rng.pick(CANCEL_REASONS.slice(1)) }));
    return manifest;
  }
  if (reach < 2) return manifest;

  // Pickup: the producer may bring the drums out of the store first; the driver scans them on.
  // Late ones still on the road were picked up in the afternoon; the others by early afternoon.
  const [hour, span] = !slot.late ? [13, 119] : reach === 2 ? (twoLegs ? [14, 45] : [16, 45]) : reach === 3 ? [15, 59] : [10, 59];
  const pickupAt = clock(plannedDay, hour, (slot.late && reach > 3 ? 30 : 0) + rng.int(0, span), rng.int(0, 59));
  const missing = slot.notes.includes('missing_at_pickup') ? units[rng.int(1, units.length - 1)].key : undefined;
  const loaded = units.filter((u) => u.key !== missing);
  if (rng.chance(0.4)) {
    let r = pickupAt - rng.int(20 * M, 40 * M);
    for (const u of loaded) r = b.add(r + rng.int(20, 80), p.who, { kind: 'retrieve', unit: u.key, reason: PICKUP_RETRIEVAL });
  }
  const scanned = loaded.map((u) => u.key);
  t = b.add(pickupAt, carrier.who, { kind: 'pick_up', manifest: key, vehiclePlate: plate, scanned });
  // The driver leaves the producer's gate (a step not always recorded when the load goes on
  // anyway), and on two legs hands the load over at the transporters' transfer point.
  if (twoLegs || reach === 3 || (reach > 3 && rng.chance(0.85))) t = b.add(t + rng.int(5 * M, 20 * M), carrier.who, { kind: 'depart', manifest: key, vehiclePlate: plate });
  if (twoLegs) {
    const second = TRANSPORTERS[1];
    t = b.add(t + rng.int(35 * M, 60 * M), second.who, { kind: 'hand_over', manifest: key, vehiclePlate: legs[1].vehiclePlate, scanned });
    if (reach >= 3) t = b.add(t + rng.int(5 * M, 15 * M), second.who, { kind: 'depart', manifest: key, vehiclePlate: legs[1].vehiclePlate });
  }
  if (reach < 4) return manifest;

  const lastLeg = twoLegs ? TRANSPORTERS[1] : carrier;
  const gatePlate = slot.notes.includes('wrong_plate') ? lastLeg.other : legs[legs.length - 1].vehiclePlate;
  t = b.add(t + rng.int(20 * M, 45 * M), 'operator', { kind: 'arrive', manifest: key, vehiclePlate: gatePlate });
  if (reach < 5) return manifest;

  const decisions = decide(b, slot, loaded);
  t = b.add(working(t + rng.int(20 * M, slot.late ? 60 * M : 90 * M)), 'operator', { kind: 'receive', manifest: key, decisions });
  if (slot.late) return manifest;

  // Treatment (D10, incineration) of what was accepted, over the next days.
  const accepted = decisions.filter((d) => d.accept).map((d) => d.unit);
  const times = accepted.map(() => clock(Math.min(dayOf(t) + rng.int(1, 3), -1), rng.int(9, 15), rng.int(0, 59), rng.int(0, 59))).sort((x, y) => x - y);
  accepted.forEach((u, i) => b.add(times[i] + i, 'operator', { kind: 'treat', unit: u, manifest: key, method: RECEIVER.method }));
  return manifest;
}

export function planManifests(b: Builder): PlannedManifest[] {
  return [...earlySlots(b), ...LATE].map((slot, i) => planManifest(b, slot, i));
}
