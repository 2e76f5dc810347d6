// The receivers' gate cameras in the demo history: before an operator records a truck's arrival,
// the gate camera of the receiver (if it has one) reads the plate. The capture is what the park
// simulator's camera emulator pushes (Hikvision ISAPI XML and picture, or the Dahua JSON), read by
// the server's own ANPR parsers and sealed as `vehicle.sighted` with its picture stored, dated at
// the camera's clock, so the operator's gate view has the history's trucks, pictures and plates.
import { createHash } from 'node:crypto';
import { capturePicture, dahuaBody, hikvisionXml, type Capture } from '../../devices/simulator/emulators/cameras.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Sequencer } from '../../ledger/store/sequencer.js';
import { parseDahua, parseHikvision } from '../cameras/anpr.js';
import { cameraOf, recordSighting } from '../cameras/sightings.js';

export interface GateCaptureDeps {
  sql: Sql;
  sequencer: Sequencer;
  dataDir: string;
}

/** A UUID made from the step's event id: a second seeding process sends the same capture, recognised as a resend. */
function captureUuid(eventId: string): string {
  const h = createHash('sha256').update(`gate-capture:${eventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The truck `plate` seen coming in at `orgId`'s gate at `at`; nothing when that organisation has no gate camera. */
export async function captureAtGate(deps: GateCaptureDeps, orgId: string, plate: string, at: Date, eventId: string): Promise<void> {
  const [device] = await deps.sql.query<{ id: string; protocol: string }>(
    `SELECT id, record ->> 'protocol' AS protocol FROM devices WHERE kind = 'camera' AND org_id = $1 ORDER BY id LIMIT 1`,
    [orgId],
  );
  if (!device) return;
  const capture: Capture = { plate, way: 'in', at };
  const sighting = device.protocol === 'dahua-json'
    ? parseDahua(dahuaBody(device.id, capture))
    : parseHikvision(hikvisionXml(capture, captureUuid(eventId)), [capturePicture(capture)]);
  await recordSighting(deps, await cameraOf(deps.sql, device.id, device.protocol), sighting);
}
