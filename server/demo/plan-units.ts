// The units of the demo park: a handful left in storage long ago (overdue storage), then three
// weeks of filling at the two demo producers, each unit registered (usually with its drum's tag),
// weighed, stored, and now and then moved to another bay.
import { encodeGrai96 } from '../units/identifiers/epc.js';
import { clock, dayOf, M, working, type Builder, type PlannedUnit } from './builder.js';
import { GS1_PREFIX, MOVE_RETRIEVAL, PRODUCERS, type Producer, type Stream } from './catalogue.js';

/** The days the plants fill units on: the three weeks and two days before today. */
export const FIRST_DAY = -23;
/** Left in storage on purpose, days ago: past a 90-day, a 180-day and a one-year limit. */
const FORGOTTEN: [daysAgo: number, count: number][] = [[395, 2], [190, 2], [96, 2]];

const kgText = (g: number) => (g / 1000).toFixed(1);

/** One unit filled at `t0`: registered, weighed, stored (and maybe moved the next morning). */
export function planUnit(b: Builder, p: Producer, t0: number, opts: { held?: boolean; moves?: boolean; stream?: Stream } = {}): PlannedUnit {
  const { held = false, moves = !held } = opts;
  const { rng } = b;
  const key = `u${String(b.units.size + 1).padStart(4, '0')}`;
  const s = opts.stream ?? rng.weighted(p.streams);
  const epc = encodeGrai96({ companyPrefix: GS1_PREFIX, assetType: s.assetType, serial: 1_000_000 + b.units.size * 7 + rng.int(0, 6) });
  // Most drums are tagged when filled; some get their tag a little later, at the scale.
  const tagLater = rng.chance(0.12);
  let t = b.add(t0, p.who, {
    kind: 'register',
    unit: key,
    siteId: p.plantId,
    wasteCode: s.wasteCode,
    name: s.name,
    hazards: s.hazards,
    physicalForm: s.physicalForm,
    containerType: s.containerType,
    volumeL: s.volumeL,
    components: s.components,
    ...(tagLater ? {} : { epc }),
  });
  if (tagLater) t = b.add(t + rng.int(3 * M, 12 * M), p.who, { kind: 'tag', unit: key, epc });
  const tareG = Math.round(rng.real(s.tare[0], s.tare[1]) * 1000);
  const grossG = tareG + Math.round(rng.real(s.net[0], s.net[1]) * 1000);
  const scale = rng.chance(0.9);
  t = b.add(t + rng.int(4 * M, 20 * M), p.who, {
    kind: 'weigh',
    unit: key,
    grossKg: kgText(grossG),
    tareKg: kgText(tareG),
    source: scale ? 'scale' : 'manual',
    ...(scale ? { deviceId: p.scaleId } : {}),
  });
  const bay = () => `${s.zone}-${String(rng.int(1, 12)).padStart(2, '0')}`;
  const first = bay();
  t = b.add(working(t + rng.int(10 * M, 50 * M)), p.who, { kind: 'store', unit: key, siteId: p.storeId, bay: first });
  // Now and then the store is rearranged the next morning.
  if (moves && dayOf(t) < -2 && rng.chance(0.06)) {
    const next = dayOf(t) + 1;
    t = b.add(clock(next, 8, rng.int(10, 50), rng.int(0, 59)), p.who, { kind: 'retrieve', unit: key, reason: MOVE_RETRIEVAL });
    let other = bay();
    if (other === first) other = `${s.zone}-13`;
    t = b.add(t + rng.int(5 * M, 20 * M), p.who, { kind: 'store', unit: key, siteId: p.storeId, bay: other });
  }
  const unit: PlannedUnit = { key, producer: p.who, grossG, tareG, wasteCode: s.wasteCode, zone: s.zone, readyAt: t, held };
  b.units.set(key, unit);
  return unit;
}

export function planUnits(b: Builder): void {
  const { rng } = b;
  for (const [daysAgo, count] of FORGOTTEN) {
    for (let i = 0; i < count; i++) planUnit(b, PRODUCERS[i % 2], clock(-daysAgo - rng.int(0, 5), rng.int(9, 14), rng.int(0, 59), rng.int(0, 59)), { held: true });
  }
  // Enough for at least 200 units with the forgotten ones, spread over the days and the plants.
  const total = rng.int(224, 240);
  const fills: { p: Producer; t: number }[] = [];
  for (let i = 0; i < total; i++) {
    const p = rng.chance(0.56) ? PRODUCERS[0] : PRODUCERS[1];
    // Filled during the shift, early enough to be weighed and stored the same day.
    fills.push({ p, t: clock(rng.int(FIRST_DAY, -1), rng.int(8, 14), rng.int(0, 59), rng.int(0, 59)) + (rng.chance(0.5) ? 30 * M : 0) });
  }
  fills.sort((x, y) => x.t - y.t);
  for (const f of fills) planUnit(b, f.p, f.t);
}
