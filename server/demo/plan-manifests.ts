// The demo park's transfer manifests: thirty-one to org-dongxin, each with a fate decided up front
// so that every state is there at the end (at least twice), with refusals, partial acceptances,
// corrections, an offline batch and the planted faults — a drum never scanned at pickup, a light
// drum at receipt, a wrong plate at the gate — and the onward manifests of refused units.
import { clock, dayOf, H, M, working, type Builder, type Fate, type Note, type Phase, type PlannedDecision, type PlannedManifest, type PlannedUnit } from './builder.js';
import { CANCEL_REASONS, CORRECTIONS, PICKUP_RETRIEVAL, PRODUCERS, RECEIVER, RECYCLER, REFUSALS, TRANSPORTERS, type Producer } from './catalogue.js';
import { planOnward, receiptWeights } from './plan-onward.js';
import { planUnit } from './plan-units.js';

interface Slot {
  fate: Fate;
  /** The day it is drafted, on the anchor's clock. */
  day: number;
  notes: Note[];
  late: boolean;
  /**
   * A load still under way at the start: its pickup, in working seconds before the start (from,
   * to). Everything from the producer's retrieval on is then on the start's clock, so that no
   * load has been on the road, or waited at the gate, longer than the finding limits allow.
   */
  pickupAgo?: [number, number];
}

/** Fates of the manifests of the first two weeks and a half, which are done by now or stuck for good. */
function earlySlots(b: Builder): Slot[] {
  const closed = Array.from({ length: 12 }, (): { fate: Fate; notes: Note[] } => ({ fate: 'closed', notes: [] }));
  closed[2].notes.push('light_drum');
  closed[3].notes.push('corrected');
  closed[5].notes.push('wrong_plate');
  closed[8].notes.push('two_legs');
  closed[11].notes.push('two_legs');
  const others: { fate: Fate; notes: Note[] }[] = [
    { fate: 'partially_accepted', notes: [] },
    { fate: 'partially_accepted', notes: ['recycled'] },
    { fate: 'refused', notes: ['returned'] },
    { fate: 'received', notes: ['missing_at_pickup'] },
    { fate: 'cancelled', notes: [] },
    { fate: 'cancelled', notes: [] },
    { fate: 'cancelled', notes: ['cancelled_after_signing'] },
  ];
  const all = b.rng.shuffle([...closed, ...others]);
  return all.map((s, i) => ({ ...s, day: -20 + Math.floor((i * 15) / all.length), late: false }));
}

const ago = (h: number, m = 0) => h * H + m * M;

/** The last days: manifests still under way, each unfinished state at least twice. */
const LATE: Slot[] = [
  { fate: 'received', day: -4, notes: [], late: true },
  { fate: 'received', day: -3, notes: [], late: true },
  { fate: 'arrived', day: -2, notes: [], late: true, pickupAgo: [ago(6, 30), ago(7)] },
  { fate: 'arrived', day: -1, notes: [], late: true, pickupAgo: [ago(5, 20), ago(6)] },
  { fate: 'signed', day: -2, notes: ['correction_rejected'], late: true },
  { fate: 'departed', day: -1, notes: [], late: true, pickupAgo: [ago(3, 30), ago(4, 15)] },
  { fate: 'departed', day: -1, notes: ['offline'], late: true, pickupAgo: [ago(0, 25), ago(0, 40)] },
  { fate: 'picked_up', day: -1, notes: ['two_legs'], late: true, pickupAgo: [ago(2, 20), ago(2, 50)] },
  { fate: 'picked_up', day: -1, notes: [], late: true, pickupAgo: [ago(1, 20), ago(1, 50)] },
  { fate: 'signed', day: -1, notes: [], late: true },
  { fate: 'draft', day: -1, notes: [], late: true },
  { fate: 'draft', day: -1, notes: [], late: true },
];

const REACHES: Record<Fate, number> = { draft: 0, cancelled: 0, signed: 1, picked_up: 2, departed: 3, arrived: 4, received: 5, partially_accepted: 5, refused: 5, closed: 6 };

const available = (b: Builder, p: Producer, at: number) =>
  [...b.units.values()].filter((u) => u.producer === p.who && !u.held && u.readyAt < at - 10 * M).sort((x, y) => x.readyAt - y.readyAt);

const recyclable = (u: { wasteCode: string }) => RECYCLER.wasteCodes.includes(u.wasteCode);

function decide(b: Builder, slot: Slot, units: PlannedUnit[]): PlannedDecision[] {
  const weighed = slot.notes.includes('light_drum') || slot.fate !== 'closed' || b.rng.chance(0.85);
  const refused = new Map<string, PlannedDecision>();
  if (slot.fate === 'refused') for (const u of units) refused.set(u.key, { unit: u.key, accept: false, reason: REFUSALS.whole, discrepancy: 'type' });
  if (slot.notes.includes('recycled')) {
    const solvent = units.find(recyclable)!;
    refused.set(solvent.key, { unit: solvent.key, accept: false, reason: REFUSALS.recycle, discrepancy: 'type' });
  } else if (slot.fate === 'partially_accepted') {
    const [first, second] = b.rng.shuffle(units.slice(1));
    refused.set(first.key, { unit: first.key, accept: false, reason: REFUSALS.type(first.wasteCode), discrepancy: 'type' });
    // A leaking drum is refused without being weighed (so no weight against its producer's).
    if (second) refused.set(second.key, { unit: second.key, accept: false, reason: REFUSALS.quantity, discrepancy: 'quantity' });
  }
  // The planted light drum: about half what its producer weighed. Every other one within a few hundred grams.
  const light = slot.notes.includes('light_drum') ? units[b.rng.int(0, units.length - 1)].key : undefined;
  return units.map((u) => refused.get(u.key) ?? { unit: u.key, accept: true, ...(weighed ? receiptWeights(b, u, u.key === light ? b.rng.real(0.5, 0.6, 3) : 1) : {}) });
}

/** The units a manifest carries: the plant's oldest ready ones (a recyclable one first if the slot needs one). */
function pickUnits(b: Builder, slot: Slot, createAt: number): { p: Producer; units: PlannedUnit[] } {
  const { rng } = b;
  const pools = PRODUCERS.map((p) => ({ p, units: available(b, p, createAt) }));
  const fit = pools.filter((x) => x.units.length >= 4);
  const { p, units: pool } = fit.length === 2 && fit[0].units.length === fit[1].units.length ? rng.pick(fit) : [...(fit.length ? fit : pools)].sort((x, y) => y.units.length - x.units.length)[0];
  const units = pool.slice(0, rng.int(4, 9));
  const filled = (stream?: Producer['streams'][number][0]) => planUnit(b, p, clock(slot.day - 1, rng.int(10, 14), rng.int(0, 59), rng.int(0, 59)), { moves: false, stream });
  // Seldom, the draws leave a plant short: it filled a few more the day before.
  while (units.length < 3) units.push(filled());
  if (slot.notes.includes('recycled') && !units.some(recyclable)) {
    units.unshift(pool.slice(units.length).find(recyclable) ?? filled(p.streams.map(([s]) => s).find(recyclable)));
  }
  return { p, units };
}

function planManifest(b: Builder, slot: Slot, index: number): PlannedManifest[] {
  const { rng } = b;
  const key = `m${String(index + 1).padStart(2, '0')}`;
  const createAt = slot.late ? clock(slot.day, 8, 30 + rng.int(0, 59), rng.int(0, 59)) : clock(slot.day, 9, rng.int(0, 119), rng.int(0, 59));
  const { p, units } = pickUnits(b, slot, createAt);
  const twoLegs = slot.notes.includes('two_legs');
  const carrier = twoLegs ? TRANSPORTERS[0] : rng.chance(0.6) ? TRANSPORTERS[0] : TRANSPORTERS[1];
  // A van when the load is light, a truck otherwise; two legs go truck to truck.
  while (units.reduce((s, u) => s + u.grossG, 0) > carrier.truck.ratedKg * 1000) units.pop();
  const load = units.reduce((s, u) => s + u.grossG, 0) / 1000;
  const plate = !twoLegs && load <= carrier.van.ratedKg * 0.8 ? carrier.van.plate : carrier.truck.plate;
  const legs = [{ transporterOrgId: carrier.orgId, vehiclePlate: plate }];
  if (twoLegs) legs.push({ transporterOrgId: TRANSPORTERS[1].orgId, vehiclePlate: TRANSPORTERS[1].truck.plate });
  // The start's clock: when the load still under way at the start was picked up.
  const from: Phase = slot.pickupAgo ? 'now' : 'anchor';
  const pickupNow = slot.pickupAgo ? -rng.int(slot.pickupAgo[0], slot.pickupAgo[1]) : undefined;
  let plannedDay = slot.late ? (REACHES[slot.fate] < 2 ? 1 : slot.day) : rng.chance(0.65) ? slot.day : slot.day + 1;
  for (const u of units) u.held = true;
  const received = ['received', 'partially_accepted', 'refused'].includes(slot.fate);
  const manifest: PlannedManifest = { key, fate: slot.fate, state: received ? 'received' : (slot.fate as PlannedManifest['state']), notes: slot.notes, units: units.map((u) => u.key) };
  const out = [manifest];
  const reach = REACHES[slot.fate];

  let t = b.add(createAt, p.who, { kind: 'create', manifest: key, receiverOrgId: RECEIVER.orgId, legs, units: manifest.units, plannedDay, ...(pickupNow ? { plannedAt: pickupNow } : {}) });
  const release = (at: number) => units.forEach((u) => ((u.held = false), (u.readyAt = at + M)));
  if (slot.fate === 'cancelled' && !slot.notes.includes('cancelled_after_signing')) {
    release(b.add(t + rng.int(30 * M, 150 * M), p.who, { kind: 'cancel', manifest: key, reason: CANCEL_REASONS[0] }));
    return out;
  }
  if (reach < 1 && slot.fate !== 'cancelled') return out;
  t = b.add(t + rng.int(10 * M, slot.late ? 30 * M : 60 * M), p.who, { kind: 'sign', manifest: key });
  if (slot.fate === 'cancelled') {
    release(b.add(working(t + rng.int(H, 3 * H)), p.who, { kind: 'cancel', manifest: key, reason: rng.pick(CANCEL_REASONS.slice(1)) }));
    return out;
  }
  if (slot.notes.includes('corrected')) {
    // The receiver's line stops for a day: the producer moves the date, the carrier and the receiver agree.
    t = b.add(working(t + rng.int(H, 2 * H)), p.who, { kind: 'correct', manifest: key, reason: CORRECTIONS.postpone, changes: { plannedDay: plannedDay + 1 } });
    for (const who of rng.shuffle([carrier.who, 'operator'] as const)) t = b.add(working(t + rng.int(10 * M, 60 * M)), who, { kind: 'answer', manifest: key, version: 2, approve: true });
    plannedDay += 1;
  }
  if (slot.notes.includes('correction_rejected')) {
    // The carrier would send its tanker instead; the producer says no (drums do not go in a tanker).
    t = b.add(working(t + rng.int(H, 3 * H)), carrier.who, { kind: 'correct', manifest: key, reason: CORRECTIONS.swap(carrier.other), changes: { legs: [{ transporterOrgId: carrier.orgId, vehiclePlate: carrier.other }] } });
    t = b.add(working(t + rng.int(15 * M, 60 * M)), p.who, { kind: 'answer', manifest: key, version: 2, approve: false, reason: CORRECTIONS.swapRefused(carrier.other) });
  }
  if (reach < 2) return out;

  // Pickup: the producer may bring the drums out of the store first; the driver scans them on.
  // Done ones were picked up by early afternoon, the late received ones in the morning; loads
  // still under way at the start, within the last working hours before it.
  const step = (at: number, who: Parameters<Builder['add']>[1], body: Parameters<Builder['add']>[2]) => b.add(at, who, body, { from });
  const pickupAt = pickupNow ?? (slot.late ? clock(plannedDay, 10, 30 + rng.int(0, 59), rng.int(0, 59)) : clock(plannedDay, 13, rng.int(0, 119), rng.int(0, 59)));
  const missing = slot.notes.includes('missing_at_pickup') ? units[rng.int(1, units.length - 1)].key : undefined;
  const loaded = units.filter((u) => u.key !== missing);
  if (rng.chance(0.4)) {
    let r = pickupAt - rng.int(20 * M, 40 * M);
    for (const u of loaded) r = step(r + rng.int(20, 80), p.who, { kind: 'retrieve', unit: u.key, reason: PICKUP_RETRIEVAL });
  }
  const scanned = loaded.map((u) => u.key);
  if (slot.notes.includes('offline')) {
    // Out of signal at the plant: the device records the pickup and the departure, and sends both at the start.
    const left = pickupAt + rng.int(5 * M, 12 * M);
    step(left, carrier.who, { kind: 'offline', manifest: key, records: [{ kind: 'pickup', t: pickupAt, vehiclePlate: plate, scanned }, { kind: 'departure', t: left, vehiclePlate: plate }] });
    return out;
  }
  t = step(pickupAt, carrier.who, { kind: 'pick_up', manifest: key, vehiclePlate: plate, scanned });
  // The driver leaves the producer's gate (a step not always recorded when the load goes on
  // anyway), and on two legs hands the load over at the transporters' transfer point.
  if (twoLegs || reach === 3 || (reach > 3 && rng.chance(0.85))) t = step(t + rng.int(5 * M, 20 * M), carrier.who, { kind: 'depart', manifest: key, vehiclePlate: plate });
  if (twoLegs) {
    const second = TRANSPORTERS[1];
    t = step(t + rng.int(35 * M, 60 * M), second.who, { kind: 'hand_over', manifest: key, vehiclePlate: legs[1].vehiclePlate, scanned });
    if (reach >= 3) t = step(t + rng.int(5 * M, 15 * M), second.who, { kind: 'depart', manifest: key, vehiclePlate: legs[1].vehiclePlate });
  }
  if (reach < 4) return out;

  const lastLeg = twoLegs ? TRANSPORTERS[1] : carrier;
  const gatePlate = slot.notes.includes('wrong_plate') ? lastLeg.other : legs[legs.length - 1].vehiclePlate;
  t = step(t + rng.int(20 * M, 45 * M), 'operator', { kind: 'arrive', manifest: key, vehiclePlate: gatePlate });
  if (reach < 5) return out;

  const decisions = decide(b, slot, loaded);
  t = b.add(working(t + rng.int(20 * M, slot.late ? 60 * M : 90 * M)), 'operator', { kind: 'receive', manifest: key, decisions });
  if (slot.late) return out;

  // Refused units leave the next morning: back to their producer, or the solvent on to the recycler.
  const refused = loaded.filter((u) => decisions.some((d) => d.unit === u.key && !d.accept));
  if (slot.notes.includes('returned')) out.push(planOnward(b, manifest, refused, t, { producer: p }));
  if (slot.notes.includes('recycled')) out.push(planOnward(b, manifest, refused, t, { recycler: RECYCLER }));

  // Treatment (D10, incineration) of what was accepted, over the next days.
  const accepted = decisions.filter((d) => d.accept).map((d) => d.unit);
  const times = accepted.map(() => clock(Math.min(dayOf(t) + rng.int(1, 3), -1), rng.int(9, 15), rng.int(0, 59), rng.int(0, 59))).sort((x, y) => x - y);
  accepted.forEach((u, i) => b.add(times[i] + i, 'operator', { kind: 'treat', unit: u, manifest: key, method: RECEIVER.method }));
  // It closes with its last unit treated or sent on; refused units kept at the receiver hold it open.
  if (refused.length === 0 || slot.notes.includes('returned') || slot.notes.includes('recycled')) manifest.state = 'closed';
  return out;
}

export function planManifests(b: Builder): PlannedManifest[] {
  return [...earlySlots(b), ...LATE].flatMap((slot, i) => planManifest(b, slot, i));
}
