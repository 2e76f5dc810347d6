// Device health as the API shows it: from the registry, what was taken from each device (last
// seen, readings sealed or kept), what the server refused, and what its gateway last reported
// (frames, errors by kind, link state).
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from '../custody/context.js';
import type { DeviceHealth } from '../api-types.js';

export async function refusedReading(sql: Sql, deviceId: string, detail: string): Promise<void> {
  await sql.query(
    `INSERT INTO device_health (device_id, refused, last_refused_at, last_refusal) SELECT id, 1, now(), $2 FROM devices WHERE id = $1
     ON CONFLICT (device_id) DO UPDATE SET refused = device_health.refused + 1, last_refused_at = now(), last_refusal = EXCLUDED.last_refusal`,
    [deviceId, detail.slice(0, 500)],
  );
}

export async function reportedHealth(sql: Sql, deviceId: string, health: Record<string, unknown>): Promise<void> {
  await sql.query(
    `INSERT INTO device_health (device_id, reported_at, health) SELECT id, now(), $2 FROM devices WHERE id = $1
     ON CONFLICT (device_id) DO UPDATE SET reported_at = now(), health = EXCLUDED.health`,
    [deviceId, JSON.stringify(health)],
  );
}

/** The devices of the actor's organisation; an inspector's, those of its region; an admin's, all. */
export async function deviceHealth(sql: Sql, actor: Actor): Promise<DeviceHealth[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT d.id, d.org_id, d.site_id, d.kind, d.public_jwk IS NOT NULL AS key_enrolled,
            e.last_seen, e.sealed, e.kept, h.refused, h.last_refused_at, h.last_refusal, h.reported_at, h.health
       FROM devices d
       LEFT JOIN (SELECT device_id, max(received_at) AS last_seen, count(*) FILTER (WHERE length(leaf_hash) > 0) AS sealed,
                         count(*) FILTER (WHERE length(leaf_hash) = 0) AS kept FROM device_events GROUP BY device_id) e ON e.device_id = d.id
       LEFT JOIN device_health h ON h.device_id = d.id
      WHERE $2 = 'admin' OR d.org_id = $1
         OR ($2 = 'inspector' AND EXISTS (SELECT 1 FROM organisations o, organisations a WHERE o.id = d.org_id AND a.id = $1 AND o.region LIKE a.region || '%'))
      ORDER BY d.id`,
    [actor.orgId, actor.role],
  );
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return rows.map((r) => ({
    id: r.id as string,
    orgId: r.org_id as string,
    siteId: (r.site_id as string) ?? null,
    kind: r.kind as string,
    keyEnrolled: Boolean(r.key_enrolled),
    lastSeen: iso(r.last_seen),
    readings: { sealed: Number(r.sealed ?? 0), kept: Number(r.kept ?? 0), refused: Number(r.refused ?? 0) },
    lastRefusal: r.last_refused_at ? { at: iso(r.last_refused_at)!, detail: r.last_refusal as string } : null,
    gateway: r.reported_at ? { reportedAt: iso(r.reported_at)!, health: r.health as Record<string, unknown> } : null,
  }));
}
