// The day itself, one task per actor: each producer fills, weighs and stores its drums; each
// manifest is drafted and signed once its drums are in store; each truck comes for its load —
// drums read onto it at the loading bay (the bay reader, or the driver's handheld reading a QR
// label), the pickup and departure signed by the driver — drives to the receiver, passes its
// gate camera, weighs in, is received (the operator weighs each drum), weighs out and leaves; the
// operator treats what it accepted. Faults happen where the plan put them (plan.ts).
import { cstDate } from '../../server/china-time.js';
import { weights } from '../../server/custody/unit-commands.js';
import { graiDigitalLink } from '../../server/units/identifiers/digital-link.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Rng } from '../../server/seeded-random.js';
import type { LedgerTail, ParkApi, Who } from './api.js';
import type { Locks, SimClock } from './clock.js';
import { pushDahua, pushHikvision, type Capture } from './emulators/cameras.js';
import { DIVISION_KG } from './emulators/weighbridge.js';
import type { Park } from './park.js';
import { BAY_READERS, GRAI, HANDHELDS, type DayPlan, type PlannedManifest, type PlannedUnit } from './plan.js';

const MIN = 60;
/** Waits on the devices' readings reaching the log. */
const READING_MS = 30_000;

export interface Made {
  units: Map<string, { id: string; epc: string; grai: string }>;
  manifests: Map<string, string>;
  /** Camera pushes answered, and how many of them were recognised as resent. */
  pushes: { sent: number; duplicates: number };
  /** Expected weighbridge readings: device, plate the camera gave, gross shown. */
  weighings: { device: string; plate: string; grossKg: string }[];
}

export interface DayContext {
  plan: DayPlan;
  api: ParkApi;
  tail: LedgerTail;
  park: Park;
  clock: SimClock;
  locks: Locks;
  /** Added to each planned GRAI serial, so a day can run again on the same server. */
  serialBase: number;
  log: (line: string) => void;
}

const today = () => cstDate(new Date().toISOString());

export async function runDay(c: DayContext): Promise<Made> {
  const made: Made = { units: new Map(), manifests: new Map(), pushes: { sent: 0, duplicates: 0 }, weighings: [] };
  const filled = new Map<string, Promise<void>>();
  const byProducer = new Map<string, { m: PlannedManifest; u: PlannedUnit }[]>();
  for (const m of c.plan.manifests) for (const u of m.units) byProducer.set(m.producer.orgId, [...(byProducer.get(m.producer.orgId) ?? []), { m, u }]);
  // Each producer fills in order; a manifest waits for its own drums.
  for (const list of byProducer.values()) {
    let chain = Promise.resolve();
    for (const { m, u } of list.sort((a, b) => a.u.filledAt - b.u.filledAt)) {
      chain = chain.then(() => fill(c, made, m, u));
      filled.set(m.key, chain);
    }
  }
  await Promise.all(c.plan.manifests.map(async (m) => {
    await filled.get(m.key);
    await draftAndSign(c, made, m);
    await truck(c, made, m);
  }));
  return made;
}

const say = (c: DayContext, what: string) => c.log(`[${c.clock.stamp()}] ${what}`);

async function fill(c: DayContext, made: Made, m: PlannedManifest, u: PlannedUnit): Promise<void> {
  await c.clock.until(u.filledAt);
  const who = m.producer.who as Who;
  const s = u.stream;
  const epc = encodeGrai96({ ...GRAI, assetType: s.assetType, serial: c.serialBase + u.serial });
  const data = { siteId: m.producer.plantId, wasteCode: s.wasteCode, name: s.name, hazards: s.hazards, physicalForm: s.physicalForm, containerType: s.containerType, volumeL: s.volumeL, components: s.components, generationDate: today(), epc };
  const reg = await c.api.step<{ units: { unit: { id: string; grai: string } }[] }>(who, '/api/units', { action: 'unit.register', subject: `site:${data.siteId}`, data }, data);
  const unit = reg.units[0]!.unit;
  made.units.set(u.key, { id: unit.id, epc, grai: unit.grai });
  const w = { grossKg: u.grossKg, tareKg: u.tareKg, source: 'manual' };
  await c.api.step(who, `/api/units/${unit.id}/weighings`, { action: 'unit.weighed', subject: `unit:${unit.id}`, data: { ...weights(u.grossKg, u.tareKg), unitOfMeasure: 'kg', source: 'manual' } }, w);
  const store = { siteId: m.producer.storeId, bay: u.bay };
  await c.api.step(who, `/api/units/${unit.id}/storage`, { action: 'unit.stored', subject: `unit:${unit.id}`, data: store }, store);
  say(c, `${m.producer.orgId}: ${u.key} ${s.name} ${u.netKg} kg net filled, weighed, stored in ${u.bay}`);
}

async function draftAndSign(c: DayContext, made: Made, m: PlannedManifest): Promise<void> {
  await c.clock.until(m.signedAt);
  const who = m.producer.who as Who;
  const unitIds = m.units.map((u) => made.units.get(u.key)!.id);
  const draft = { receiverOrgId: m.receiver.orgId, legs: [{ transporterOrgId: m.transporter.orgId, vehiclePlate: m.plate }], plannedDate: today() };
  const created = await c.api.step<{ manifest: { id: string; number: string } }>(who, '/api/manifests', { action: 'manifest.create', subject: `org:${m.producer.orgId}`, data: { ...draft, units: unitIds } }, { ...draft, unitIds });
  const id = created.manifest.id;
  made.manifests.set(m.key, id);
  await c.api.step(who, `/api/manifests/${id}/signature`, { action: 'manifest.signed', subject: `manifest:${id}`, data: { step: 'sign' } }, {});
  say(c, `${m.key} ${created.manifest.number}: drafted and signed by ${m.producer.orgId} for ${m.receiver.orgId}, ${m.units.length} drums on ${m.plate}`);
}

async function truck(c: DayContext, made: Made, m: PlannedManifest): Promise<void> {
  await c.clock.until(m.truckAt);
  await c.locks.hold(`vehicle:${m.plate}`, async () => {
    const id = made.manifests.get(m.key)!;
    const driver = m.transporter.who as Who;
    const loaded = await c.locks.hold(`bay:${m.producer.orgId}`, () => load(c, made, m, id));
    await c.api.step(driver, `/api/manifests/${id}/departure`, { action: 'manifest.departed', subject: `manifest:${id}`, data: { vehiclePlate: m.plate } }, { vehiclePlate: m.plate });
    say(c, `${m.key}: ${m.plate} left ${m.producer.orgId} with ${loaded.length} of ${m.units.length} drums`);
    await c.clock.pause(25 * MIN);
    await c.locks.hold(`site:${m.receiver.orgId}`, () => atReceiver(c, made, m, id, loaded));
  });
  await c.clock.pause(30 * MIN);
  const loaded = m.units.filter((u) => !u.leftBehind);
  for (const u of loaded) {
    const unitId = made.units.get(u.key)!.id;
    const method = m.receiver.method;
    await c.api.step(m.receiver.who, `/api/units/${unitId}/treatment`, { action: 'unit.dispose', subject: `unit:${unitId}`, data: { method } }, { method });
  }
  say(c, `${m.key}: ${loaded.length} drums treated (${m.receiver.method}) by ${m.receiver.orgId}`);
}

/** Drums out of store and onto the truck: each read by the bay reader or the driver's handheld. */
async function load(c: DayContext, made: Made, m: PlannedManifest, id: string): Promise<PlannedUnit[]> {
  const producer = m.producer.who as Who;
  const rng = new Rng(c.plan.options.seed ^ Number.parseInt(m.key.slice(1), 10));
  say(c, `${m.key}: ${m.plate} (${m.transporter.orgId}) at the ${m.producer.orgId} loading bay`);
  for (const u of m.units) {
    const unitId = made.units.get(u.key)!.id;
    await c.api.step(producer, `/api/units/${unitId}/retrieval`, { action: 'unit.retrieved', subject: `unit:${unitId}`, data: { reason: '出库待转移' } }, { reason: '出库待转移' });
  }
  const reader = BAY_READERS[m.producer.orgId]!;
  const field = c.park.fields[reader as keyof Park['fields']]!;
  const loaded: PlannedUnit[] = [];
  for (const u of m.units) {
    const drum = made.units.get(u.key)!;
    if (u.leftBehind) {
      say(c, `${m.key}: ${u.key} stays on the dock (planted: drum left behind)`);
      continue;
    }
    const mark = c.tail.mark;
    if (u.byHandheld) c.park.scan(HANDHELDS[m.transporter.orgId]!, graiDigitalLink('https://id.hazledger.example', drum.grai));
    else field.enter({ epc: drum.epc, antenna: rng.int(1, 4), rssiDbm: rng.int(-62, -48) });
    await c.clock.pause(45);
    const e = await c.tail.waitFor(`${u.key} read onto ${m.plate} (unit.loaded)`, (x) => x.index >= mark && x.type === 'unit.loaded' && x.unit === drum.id, READING_MS);
    field.leave(drum.epc);
    loaded.push(u);
    say(c, `${m.key}: ${u.key} loaded, read by ${e.by.device}`);
  }
  const scanned = loaded.map((u) => made.units.get(u.key)!.id).sort();
  const driver = m.transporter.who as Who;
  await c.api.step(driver, `/api/manifests/${id}/pickup`, { action: 'manifest.pick_up', subject: `manifest:${id}`, data: { vehiclePlate: m.plate, scanned } }, { vehiclePlate: m.plate, scannedUnitIds: scanned });
  return loaded;
}

async function atReceiver(c: DayContext, made: Made, m: PlannedManifest, id: string, loaded: PlannedUnit[]): Promise<void> {
  const operator = m.receiver.who;
  const loadKg = loaded.reduce((s, u) => s + Number(u.grossKg), 0);
  await gate(c, made, m, 'in');
  await weigh(c, made, m, m.truckTareKg + loadKg, 'in');
  if (m.cameraPlate !== m.plate) say(c, `${m.key}: the gate camera read ${m.cameraPlate}, not ${m.plate} (planted: wrong plate)`);
  await c.api.step(operator, `/api/manifests/${id}/arrival`, { action: 'manifest.arrived', subject: `manifest:${id}`, data: { vehiclePlate: m.cameraPlate } }, { vehiclePlate: m.cameraPlate });
  await c.clock.pause(15 * MIN);
  const decisions = loaded
    .map((u) => ({ unitId: made.units.get(u.key)!.id, accept: true, grossKg: u.receiptGrossKg, tareKg: u.tareKg }))
    .sort((a, b) => (a.unitId < b.unitId ? -1 : 1));
  for (const u of loaded.filter((x) => x.light)) say(c, `${m.key}: ${u.key} weighs ${u.receiptGrossKg} kg gross at receipt, ${u.grossKg} kg at its producer (planted: light drum)`);
  await c.api.step(operator, `/api/manifests/${id}/receipt`, { action: 'manifest.receive', subject: `manifest:${id}`, data: { decisions } }, { decisions });
  say(c, `${m.key}: received by ${m.receiver.orgId}, ${decisions.length} drums accepted`);
  await weigh(c, made, m, m.truckTareKg, 'out');
  await gate(c, made, m, 'out');
}

async function gate(c: DayContext, made: Made, m: PlannedManifest, way: 'in' | 'out'): Promise<void> {
  const capture: Capture = { plate: m.cameraPlate, way, at: new Date() };
  const cam = m.receiver.camera;
  const push = () => (cam.vendor === 'hikvision' ? pushHikvision(c.api.server, cam.id, capture, `${c.api.eventPrefix}-${m.key}-${way}`) : pushDahua(c.api.server, cam.id, capture));
  const mark = c.tail.mark;
  await push();
  made.pushes.sent++;
  // The weighbridge takes its plate from the last sealed sighting: the truck reaches the bridge after it.
  await c.tail.waitFor(`${cam.id}'s sighting of ${m.cameraPlate} sealed`, (x) => x.index >= mark && x.type === 'vehicle.sighted' && x.by.device === cam.id, READING_MS);
  // Cameras resend now and then (devices.md §5.1): the first truck's entry capture comes twice.
  if (way === 'in' && m === c.plan.manifests[0]) {
    if ((await push()).duplicate) made.pushes.duplicates++;
    made.pushes.sent++;
  }
  say(c, `${m.key}: ${cam.id} saw ${m.cameraPlate} ${way === 'in' ? 'entering' : 'leaving'}`);
}

async function weigh(c: DayContext, made: Made, m: PlannedManifest, kg: number, way: 'in' | 'out'): Promise<void> {
  const device = m.receiver.weighbridge;
  const bridge = c.park.bridges[device as keyof Park['bridges']]!;
  await c.clock.pause(2 * MIN);
  const mark = c.tail.mark;
  bridge.driveOn(kg);
  const grossKg = String(Math.round(kg / DIVISION_KG) * DIVISION_KG);
  made.weighings.push({ device, plate: m.cameraPlate, grossKg });
  const e = await c.tail.waitFor(`${m.key} weighed ${way} on ${device}`, (x) => x.index >= mark && x.type === 'vehicle.weighed' && x.by.device === device, READING_MS);
  bridge.driveOff();
  say(c, `${m.key}: ${m.plate} weighed ${way} at ${String(e.data.grossKg)} kg on ${device}${e.data.plate ? ` (plate ${String(e.data.plate)})` : ''}`);
}
