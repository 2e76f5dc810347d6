// A camera's sighting becomes a sealed `vehicle.sighted` entry: pictures stored first, then in
// one transaction the device event key is taken (a resent push is recognised and answered as a
// duplicate) and the entry put into intake. The camera gets its answer without waiting for the
// batch: the intake row is already durable, and the sequencer seals it moments later.
import { encodeEntry, leafHash, toBase64, type Envelope } from '../../ledger/index.js';
import type { Sequencer } from '../../ledger/store/sequencer.js';
import type { Sql } from '../../ledger/store/sql.js';
import { DomainError } from '../custody/errors.js';
import type { Sighting } from './anpr.js';
import { storePicture } from './pictures.js';

export interface Camera {
  id: string;
  orgId: string;
  siteId: string | null;
}

export async function cameraOf(sql: Sql, deviceId: string, protocol: string): Promise<Camera> {
  const [d] = await sql.query<{ id: string; org_id: string; site_id: string | null; kind: string; record: { protocol?: string } }>(
    'SELECT id, org_id, site_id, kind, record FROM devices WHERE id = $1',
    [deviceId],
  );
  if (!d || d.kind !== 'camera') throw new DomainError('NOT_FOUND', `no gate camera ${deviceId} in the registry`);
  if (d.record.protocol !== protocol) throw new DomainError('BAD_INPUT', `camera ${deviceId} is registered as ${d.record.protocol}, not ${protocol}`);
  return { id: d.id, orgId: d.org_id, siteId: d.site_id };
}

export interface Recorded {
  duplicate: boolean;
  leafHash: string;
  manifestId?: string;
}

export async function recordSighting(deps: { sql: Sql; sequencer: Sequencer; dataDir: string }, cam: Camera, s: Sighting): Promise<Recorded> {
  const pictures = s.pictures.map((p) => storePicture(deps.dataDir, p));
  const receivedAt = new Date().toISOString();
  const result = await deps.sql.transaction(async (tx) => {
    const [seen] = await tx.query<{ leaf_hash: Uint8Array }>('SELECT leaf_hash FROM device_events WHERE device_id = $1 AND event_key = $2', [cam.id, s.eventKey]);
    if (seen) return { duplicate: true, leafHash: toBase64(seen.leaf_hash) };
    // The load this truck carries to this camera's organisation, if one is on its way.
    const [m] = await tx.query<{ id: string }>(
      `SELECT id FROM manifests WHERE state IN ('picked_up', 'departed') AND receiver_org_id = $1 AND legs -> current_leg ->> 'vehiclePlate' = $2 ORDER BY created_at DESC LIMIT 1`,
      [cam.orgId, s.plate],
    );
    const entry: Envelope = {
      v: 1,
      type: 'vehicle.sighted',
      at: s.at,
      by: { org: cam.orgId, role: 'device', device: cam.id },
      data: {
        plate: s.plate, ...(s.plateAsRead ? { plateAsRead: s.plateAsRead } : {}), ...(s.plateColor ? { plateColor: s.plateColor } : {}), gate: cam.siteId, deviceId: cam.id, direction: s.direction.way, cameraDirection: s.direction.raw, confidence: s.confidence,
        vendor: s.vendor, eventKey: s.eventKey, pictures, receivedAt, ...(m ? { manifestId: m.id } : {}),
      },
    };
    const e = encodeEntry(entry);
    const leaf = leafHash(e.body);
    await tx.query('INSERT INTO device_events (device_id, event_key, leaf_hash) VALUES ($1, $2, $3)', [cam.id, s.eventKey, leaf]);
    await tx.query('INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ($1, $2, $3, NULL, NULL)', [e.body, leaf, e.type]);
    return { duplicate: false, leafHash: toBase64(leaf), manifestId: m?.id };
  });
  if (!result.duplicate) deps.sequencer.drainIntake();
  return result;
}
