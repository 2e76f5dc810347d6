// The park simulator's day, drawn from a seed: pure (no I/O, no clock), so the same options give
// the same day — the same drums, weights, trucks, receivers, times and planted faults. Times are
// simulated seconds from the start of the working day (08:00); the runner compresses them.
//
// Manifest m goes from producer m % 2 (hengkang, LLRP bay reader; ruitai, R2000 bay reader) to
// receiver (m + ⌊m/2⌋) % 2 (dongxin: Hikvision camera, XK3190 weighbridge; lvxun: Dahua camera,
// Toledo weighbridge), so two manifests already use every emulated device. Its drums come from the
// producer's streams that the receiver's licence covers.
import { PRODUCERS, TRANSPORTERS, GS1_PREFIX, type Producer, type Stream, type Transporter } from '../../server/demo/catalogue.js';
import { loadPilotPark } from '../../server/registry/seed.js';
import { Rng } from '../../server/seeded-random.js';

export const FAULTS = ['drum-left-behind', 'light-drum', 'wrong-plate', 'garbage-reader'] as const;
export type Fault = (typeof FAULTS)[number];

export interface DayOptions {
  seed: number;
  manifests: number;
  unitsPerManifest: number;
  faults: ReadonlySet<Fault>;
}

/** A receiving operator's site and devices (fixtures/pilot-park.json). */
export interface Receiver {
  who: 'operator' | 'operator2';
  orgId: string;
  /** Treatment code its licence allows. */
  method: string;
  camera: { id: string; vendor: 'hikvision' | 'dahua' };
  weighbridge: string;
}

export const RECEIVERS: Receiver[] = [
  { who: 'operator', orgId: 'org-dongxin', method: 'D10', camera: { id: 'dev-dongxin-cam', vendor: 'hikvision' }, weighbridge: 'dev-dongxin-wb' },
  { who: 'operator2', orgId: 'org-lvxun', method: 'R2', camera: { id: 'dev-lvxun-cam', vendor: 'dahua' }, weighbridge: 'dev-lvxun-wb' },
];

/** Each producer's loading-bay reader, and each transporter's handheld (QR labels). */
export const BAY_READERS: Record<string, string> = { 'org-hengkang': 'dev-hengkang-rfid', 'org-ruitai': 'dev-ruitai-rfid' };
export const HANDHELDS: Record<string, string> = { 'org-anyun': 'dev-anyun-hh1', 'org-taihang': 'dev-taihang-hh1' };

export interface PlannedUnit {
  key: string;
  stream: Stream;
  /** Producer's weighing, kg as decimal text. */
  tareKg: string;
  netKg: string;
  grossKg: string;
  /** The receiver's weighing of the same drum (light: 50–60 % of the net). */
  receiptGrossKg: string;
  bay: string;
  /** GRAI-96 serial offset within the run (the runner adds a per-run base). */
  serial: number;
  /** Never read onto the truck, never scanned: UNIT_MISSING. */
  leftBehind: boolean;
  /** Weighed light at receipt: WEIGHT_MISMATCH. */
  light: boolean;
  /** Read by the driver's handheld from its QR label instead of by the bay reader. */
  byHandheld: boolean;
  /** When the producer fills it (simulated seconds). */
  filledAt: number;
}

export interface PlannedManifest {
  key: string;
  producer: Producer;
  receiver: Receiver;
  transporter: Transporter;
  plate: string;
  /** What the receiver's gate camera reads: the plate, or another of the carrier's vehicles. */
  cameraPlate: string;
  /** The empty truck's weight on the weighbridge, kg (a multiple of the 20 kg division). */
  truckTareKg: number;
  units: PlannedUnit[];
  signedAt: number;
  truckAt: number;
}

export interface ExpectedFinding {
  code: 'UNIT_MISSING' | 'WEIGHT_MISMATCH' | 'PLATE_MISMATCH';
  manifest: string;
  unit?: string;
}

export interface DayPlan {
  options: DayOptions;
  manifests: PlannedManifest[];
  expectedFindings: ExpectedFinding[];
}

const MIN = 60;
const kg = (n: number) => n.toFixed(1);

function coveredStreams(producer: Producer, receiver: Receiver): [Stream, number][] {
  const licence = loadPilotPark().park.licences.find((l) => l.orgId === receiver.orgId);
  const codes = new Set<string>((licence as { wasteCodes?: string[] } | undefined)?.wasteCodes ?? []);
  return producer.streams.filter(([s]) => codes.has(s.wasteCode));
}

/** Throws a plain Error with a clear message on options the day cannot be drawn from. */
export function checkDayOptions(o: DayOptions): void {
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new Error(`--seed must be an integer 0 … 4294967295, got ${o.seed}`);
  if (!Number.isInteger(o.manifests) || o.manifests < 1 || o.manifests > 200) throw new Error(`--manifests must be an integer 1 … 200, got ${o.manifests}`);
  if (!Number.isInteger(o.unitsPerManifest) || o.unitsPerManifest < 1 || o.unitsPerManifest > 40) throw new Error(`--units-per-manifest must be an integer 1 … 40, got ${o.unitsPerManifest}`);
  if (o.faults.has('drum-left-behind') && o.unitsPerManifest < 2) throw new Error('drum-left-behind needs --units-per-manifest of 2 or more (a pickup loads at least one drum)');
}

export function planDay(o: DayOptions): DayPlan {
  checkDayOptions(o);
  const rng = new Rng(o.seed);
  const n = o.manifests;
  // Which manifest carries which planted fault (two of them on different manifests when there are two).
  const leftOn = o.faults.has('drum-left-behind') ? rng.int(0, n - 1) : -1;
  const lightOn = o.faults.has('light-drum') ? (leftOn >= 0 && n > 1 ? (leftOn + 1) % n : rng.int(0, n - 1)) : -1;
  const plateOn = o.faults.has('wrong-plate') ? rng.int(0, n - 1) : -1;
  const fillClock = new Map<string, number>();
  let serial = 0;
  const manifests: PlannedManifest[] = [];
  const expectedFindings: ExpectedFinding[] = [];
  for (let m = 0; m < n; m++) {
    const key = `m${String(m + 1).padStart(2, '0')}`;
    const producer = PRODUCERS[m % 2]!;
    let receiver = RECEIVERS[(m + Math.floor(m / 2)) % 2]!;
    if (coveredStreams(producer, receiver).length === 0) receiver = RECEIVERS.find((r) => coveredStreams(producer, r).length > 0)!;
    const streams = coveredStreams(producer, receiver);
    const transporter = rng.pick(TRANSPORTERS);
    const units: PlannedUnit[] = [];
    const left = m === leftOn ? rng.int(0, o.unitsPerManifest - 1) : -1;
    let light = -1;
    if (m === lightOn) do light = rng.int(0, o.unitsPerManifest - 1); while (light === left);
    let handheld = -1;
    if (o.unitsPerManifest > 1) do handheld = rng.int(0, o.unitsPerManifest - 1); while (handheld === left);
    for (let u = 0; u < o.unitsPerManifest; u++) {
      const stream = rng.weighted(streams);
      const tare = rng.real(stream.tare[0], stream.tare[1]);
      const net = rng.real(stream.net[0], stream.net[1]);
      const receiptNet = u === light ? Math.round(net * rng.real(0.5, 0.6, 2) * 10) / 10 : net + rng.real(-0.3, 0.3);
      const filledAt = (fillClock.get(producer.orgId) ?? 0) + rng.int(4, 9) * MIN;
      fillClock.set(producer.orgId, filledAt);
      units.push({
        key: `${key}-u${u + 1}`, stream, tareKg: kg(tare), netKg: kg(net), grossKg: kg(tare + net), receiptGrossKg: kg(tare + receiptNet),
        bay: `${stream.zone}-${String(rng.int(1, 24)).padStart(2, '0')}`, serial: serial++, leftBehind: u === left, light: u === light, byHandheld: u === handheld, filledAt,
      });
    }
    const loadKg = units.reduce((s, u) => s + Number(u.grossKg), 0);
    const vehicle = loadKg <= transporter.van.ratedKg * 0.9 ? transporter.van : transporter.truck;
    const signedAt = units[units.length - 1]!.filledAt + rng.int(10, 20) * MIN;
    manifests.push({
      key, producer, receiver, transporter, plate: vehicle.plate, cameraPlate: m === plateOn ? transporter.other : vehicle.plate,
      truckTareKg: vehicle === transporter.van ? 20 * rng.int(120, 140) : 20 * rng.int(360, 420), units,
      signedAt, truckAt: signedAt + rng.int(20, 60) * MIN,
    });
    if (left >= 0) expectedFindings.push({ code: 'UNIT_MISSING', manifest: key, unit: units[left]!.key });
    if (light >= 0) expectedFindings.push({ code: 'WEIGHT_MISMATCH', manifest: key, unit: units[light]!.key });
    if (m === plateOn) expectedFindings.push({ code: 'PLATE_MISMATCH', manifest: key });
  }
  return { options: o, manifests, expectedFindings };
}

/** Our drums' company prefix and asset type (the demo park's GRAI-96 layout). */
export const GRAI = { companyPrefix: GS1_PREFIX };

export function parseFaults(text: string | undefined): Set<Fault> {
  if (!text) return new Set();
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return new Set(FAULTS);
  for (const f of names) if (!(FAULTS as readonly string[]).includes(f)) throw new Error(`unknown fault ${JSON.stringify(f)}: one of ${FAULTS.join(', ')} or all`);
  return new Set(names as Fault[]);
}
