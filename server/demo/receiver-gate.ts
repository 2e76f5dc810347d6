// The receivers' gates in the demo history: before an operator records a truck's arrival, the
// receiver's gate camera reads its plate and its weighbridge weighs it in, as the park simulator's
// emulated devices do (devices/simulator/emulators/). The camera's capture is the XML and picture
// (Hikvision) or JSON (Dahua) the emulator pushes, read by the server's own ANPR parsers and sealed
// as `vehicle.sighted` with its picture stored. The weighbridge's frames are the emulator's truck
// profile, decoded by the indicator's codec and frozen by the stability rule as the gateway's
// driver does, then a reading signed with the device's demo key and taken as a gateway's would
// be: `vehicle.weighed`, matched to the plate just seen. Both are dated at the devices' clocks, so
// the operator's gate view has the history's trucks, pictures, plates and weights.
import { createHash } from 'node:crypto';
import { capturePicture, dahuaBody, hikvisionXml, type Capture } from '../../devices/simulator/emulators/cameras.js';
import { DIVISION_KG, indicatorFrame, truckProfile, type IndicatorProtocol } from '../../devices/simulator/emulators/weighbridge.js';
import { FrameError } from '../../devices/codec.js';
import { toKg } from '../../devices/drivers/weighbridge.js';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { fromToledo, fromXk3190 } from '../../devices/scale/readings.js';
import { stableWeighings, type ScaleReading, type StableWeighing } from '../../devices/scale/stability.js';
import { createToledoDecoder } from '../../devices/toledo/protocol.js';
import { createXk3190Decoder } from '../../devices/xk3190/protocol.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Sequencer } from '../../ledger/store/sequencer.js';
import { parseDahua, parseHikvision } from '../cameras/anpr.js';
import { cameraOf, recordSighting } from '../cameras/sightings.js';
import type { CustodyContext } from '../custody/context.js';
import { lastReadingSeqs, takeReading } from '../readings/ingest.js';
import { demoPrivateJwk } from '../registry/demo-people.js';
import { TRANSPORTERS } from './catalogue.js';

/** Frames an indicator sends in a second or so (the emulator's pace), and how many at rest. */
const FRAME_MS = 100;
const REST_FRAMES = 25;
/** An empty vehicle of the demo transporters (catalogue.ts): a van or a lorry, kg. */
const TARE_KG = { van: 2600, lorry: 7800 };

/** A UUID made from the step's event id: a second seeding process sends the same capture, recognised as a resend. */
function captureUuid(eventId: string): string {
  const h = createHash('sha256').update(`gate-capture:${eventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The organisation's device of this kind at a site of this kind (a gate camera; a weighbridge's indicator, not a platform scale). */
async function deviceOf(sql: Sql, orgId: string, kind: 'camera' | 'scale', siteKinds: string[]): Promise<{ id: string; protocol: string } | undefined> {
  const [d] = await sql.query<{ id: string; protocol: string }>(
    `SELECT d.id, d.record ->> 'protocol' AS protocol FROM devices d JOIN sites s ON s.id = d.site_id
      WHERE d.kind = $1 AND d.org_id = $2 AND s.kind = ANY($3) ORDER BY d.id LIMIT 1`,
    [kind, orgId, siteKinds],
  );
  return d;
}

/** The truck `plate` seen coming in at `orgId`'s gate at `at`; nothing when that organisation has no gate camera. */
export async function captureAtGate(deps: { sql: Sql; sequencer: Sequencer; dataDir: string }, orgId: string, plate: string, at: Date, eventId: string): Promise<void> {
  const device = await deviceOf(deps.sql, orgId, 'camera', ['gate']);
  if (!device) return;
  const capture: Capture = { plate, way: 'in', at };
  const sighting = device.protocol === 'dahua-json'
    ? parseDahua(dahuaBody(device.id, capture))
    : parseHikvision(hikvisionXml(capture, captureUuid(eventId)), [capturePicture(capture)]);
  await recordSighting(deps, await cameraOf(deps.sql, device.id, device.protocol), sighting);
}

/** The indicator's frames for a truck driving on and resting at `kg`, read as its gateway driver reads them. */
export function stableWeighing(protocol: IndicatorProtocol, kg: number): StableWeighing | undefined {
  const shown: [number, boolean][] = [...truckProfile(0, kg), ...Array.from({ length: REST_FRAMES }, (): [number, boolean] => [kg, false])];
  const decode = protocol === 'xk3190'
    ? ((d) => (bytes: Uint8Array, at: number) => d.push(bytes).flatMap((f) => (f instanceof FrameError ? [] : [fromXk3190(f, at)])))(createXk3190Decoder({ format: 0 }))
    : ((d) => (bytes: Uint8Array, at: number) => d.push(bytes).flatMap((f) => (f instanceof FrameError ? [] : [fromToledo(f, at)])))(createToledoDecoder({ checksum: true }));
  const readings: ScaleReading[] = shown.flatMap(([w, motion], i) => decode(indicatorFrame(protocol, w, motion), i * FRAME_MS));
  return stableWeighings(readings, { division: String(DIVISION_KG) })[0];
}

/**
 * The truck weighed in on `orgId`'s weighbridge at `at`, loaded with the manifest's drums; nothing
 * when it has none. The plate comes from the organisation's last sealed sighting, as for a gateway's reading.
 */
export async function weighInAtGate(custody: CustodyContext, orgId: string, manifestId: string, plate: string, at: Date): Promise<void> {
  const { sql } = custody;
  const device = await deviceOf(sql, orgId, 'scale', ['weighbridge']);
  if (!device) return;
  const [load] = await sql.query<{ kg: unknown }>(
    `SELECT coalesce(sum(gross_kg), 0) AS kg FROM units WHERE id IN (SELECT jsonb_array_elements_text(unit_ids) FROM manifests WHERE id = $1)`,
    [manifestId],
  );
  const tare = TRANSPORTERS.some((t) => t.van.plate === plate) ? TARE_KG.van : TARE_KG.lorry;
  const w = stableWeighing(device.protocol as IndicatorProtocol, tare + Number(load.kg));
  const grossKg = w && toKg(w.weight, w.unit);
  if (!w || !grossKg) throw new Error(`demo: the ${device.protocol} frames for ${plate} did not settle into a weighing`);
  const seq = (await lastReadingSeqs(sql, [device.id]))[device.id] + 1;
  const reading: Reading = { v: 1, device: device.id, seq, at: at.toISOString(), kind: 'weight', data: { grossKg, unit: 'kg', stable: true, frames: w.frames.length, rawSha256: w.sha256 } };
  await takeReading(custody, reading, await signReading(reading, demoPrivateJwk(`device:${device.id}`)));
}
