// Device health as the API shows it: from the registry, what was taken from each device (last
// seen, readings sealed or kept), what the server refused, and what its gateway last reported
// (frames, errors by kind, link state).
import type { JWK } from 'jose';
import { signedByDevice } from '../../devices/gateway/reading.js';
import { isRealTime } from '../../ledger/entry.js';
import type { Sql } from '../../ledger/store/sql.js';
import { DomainError } from '../custody/errors.js';
import type { Actor } from '../custody/context.js';
import type { DeviceHealth } from '../api-types.js';

export async function refusedReading(sql: Sql, deviceId: string, detail: string): Promise<void> {
  await sql.query(
    `INSERT INTO device_health (device_id, refused, last_refused_at, last_refusal) SELECT id, 1, now(), $2 FROM devices WHERE id = $1
     ON CONFLICT (device_id) DO UPDATE SET refused = device_health.refused + 1, last_refused_at = now(), last_refusal = EXCLUDED.last_refusal`,
    [deviceId, detail.slice(0, 500)],
  );
}

/**
 * Keep a device's health as its gateway reported it, unless a report timed later is already
 * kept (an old report sent again cannot hide a newer one). Reports without a time (`at`) are
 * timed now. True when kept.
 */
export async function reportedHealth(sql: Sql, deviceId: string, health: Record<string, unknown>): Promise<boolean> {
  const at = typeof health.at === 'string' ? health.at : new Date().toISOString();
  const rows = await sql.query(
    `INSERT INTO device_health (device_id, reported_at, health) SELECT id, now(), $2 FROM devices WHERE id = $1
     ON CONFLICT (device_id) DO UPDATE SET reported_at = now(), health = EXCLUDED.health
      WHERE device_health.health IS NULL OR NOT (device_health.health ? 'at') OR (device_health.health->>'at')::timestamptz < $3::timestamptz
     RETURNING 1`,
    [deviceId, JSON.stringify({ ...health, at }), at],
  );
  return rows.length > 0;
}

/** How far ahead of the server's clock a gateway's report may be timed. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A gateway's health report for one device (`{health: {device, at, …counters}, jws}`), signed by
 * that device's key like its readings: kept when the signature holds and it is the latest, else
 * refused with a code and why. The counters are the gateway's word; the signature makes it the
 * device's, so a forged report cannot show a broken device as healthy.
 */
export async function takeHealthReport(sql: Sql, message: { health?: unknown; jws?: unknown }): Promise<void> {
  const health = message.health as Record<string, unknown>;
  const bad = (why: string) => new DomainError('BAD_INPUT', `not a health report: ${why}`);
  if (typeof health !== 'object' || health === null || Array.isArray(health)) throw bad('health must be an object');
  if (typeof health.device !== 'string' || health.device.length > 100) throw bad('health.device is required');
  if (typeof message.jws !== 'string' || message.jws.length > 20000) throw bad('it must be signed by the device (jws)');
  const at = typeof health.at === 'string' && isRealTime(health.at) ? Date.parse(health.at) : NaN;
  if (Number.isNaN(at)) throw bad('health.at must be RFC 3339');
  if (at > Date.now() + CLOCK_SKEW_MS) throw bad(`health.at ${health.at} is ahead of the server's clock`);
  const [device] = await sql.query<{ public_jwk: JWK | null }>('SELECT public_jwk FROM devices WHERE id = $1', [health.device]);
  if (!device) throw new DomainError('NOT_FOUND', `no device ${health.device} in the registry`);
  if (!device.public_jwk) throw new DomainError('KEY_NOT_ENROLLED', `device ${health.device} has no enrolled key`);
  if (!(await signedByDevice(health, message.jws, device.public_jwk))) throw new DomainError('SIGNATURE_INVALID', `the health report of ${health.device} is not signed by its enrolled key`);
  if (!(await reportedHealth(sql, health.device, health))) throw bad(`a report of ${health.device} timed ${health.at} or later is already kept`);
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
