// A device's signed reading, as a gateway forwards it, becomes what it means in the record: a tag
// or QR code of a unit whose pickup is open, read by the producer's or the first carrier's reader,
// becomes `unit.loaded` for that manifest; of any other open unit, `unit.sighted` on its chain; a weighbridge's stable
// weight becomes `vehicle.weighed`, matched to the truck the same organisation's gate camera saw
// last and to the manifest that truck carries. A reading with no such context is kept as a device
// event and counted, not sealed. Readings are taken once per (device, seq): a replay is
// recognised and answered as such; a reading whose signature does not verify is refused.
import type { JWK } from 'jose';
import { canonicalBytes, encodeEntry, equalBytes, leafHash, toBase64, type Envelope } from '../../ledger/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Sql } from '../../ledger/store/sql.js';
import { readingSignedBy, type Reading } from '../../devices/gateway/reading.js';
import type { CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { applyUnitEntry } from '../custody/unit-projection.js';
import { lockUnit, saveUnitSql } from '../custody/unit-store.js';
import { AT_PRODUCER } from '../custody/manifest-lifecycle.js';
import { applyManifestEntry } from '../custody/manifest-projection.js';
import { lockManifest, saveManifestSql } from '../custody/manifest-store.js';

export type Taken = { status: 'sealed'; leafHash: string; type: string } | { status: 'kept' | 'duplicate'; leafHash?: string };

/** How recent a gate sighting must be for a weighbridge reading to take its plate. */
const PLATE_WINDOW_MS = 30 * 60_000;

interface Device extends Record<string, unknown> {
  id: string;
  org_id: string;
  site_id: string | null;
  kind: string;
  public_jwk: JWK | null;
}

async function unitBy(tx: Sql, r: Reading): Promise<string | undefined> {
  const epc = typeof r.data.epc === 'string' ? r.data.epc.toUpperCase() : undefined;
  const grai = typeof r.data.text === 'string' ? /\/8003\/(\d{14,})/.exec(r.data.text)?.[1] : undefined;
  if (!epc && !grai) return undefined;
  const [u] = await tx.query<{ id: string }>(
    `SELECT id FROM units WHERE state <> 'disposed' AND (upper(epc) = $1 OR grai = $2) LIMIT 1`,
    [epc ?? null, grai ?? null],
  );
  return u?.id;
}

/** What the reading means here: the entry to seal (with its read-side writes), or nothing. */
async function meaning(tx: Sql, d: Device, r: Reading, sig: object): Promise<{ entry: Envelope; sql?: (leaf: Uint8Array, params: unknown[]) => string[] } | undefined> {
  const by = { org: d.org_id, role: 'device', device: d.id };
  const data = { ...r.data, seq: r.seq, site: d.site_id };
  if (r.kind === 'tag' || r.kind === 'code') {
    const unitId = await unitBy(tx, r);
    if (!unitId) return undefined;
    // A pickup is open (signed, not yet picked up) for this unit, and the reader is the producer's
    // or the first carrier's: the read puts the drum on the truck.
    const [open] = await tx.query<{ id: string }>(
      `SELECT id FROM manifests WHERE state = 'signed' AND unit_ids ? $1 AND (producer_org_id = $2 OR legs -> 0 ->> 'transporterOrgId' = $2) LIMIT 1`,
      [unitId, d.org_id],
    );
    const m = open ? await lockManifest(tx, open.id) : undefined; // the manifest before its unit, as a pickup locks them
    const unit = await lockUnit(tx, unitId);
    // A read from before the manifest existed (delivered late from the gateway's outbox) is a sighting, not a load.
    if (m && AT_PRODUCER.includes(unit.state) && Date.parse(r.at) >= Date.parse(m.createdAt)) {
      const entry: Envelope = { v: 1, type: 'unit.loaded', at: r.at, by, unit: unitId, manifest: m.id, prev: { unit: unit.lastLeafHash, manifest: m.lastLeafHash }, data: { ...data, manifestId: m.id, leg: 0 }, sig: [sig] };
      return { entry, sql: (leaf, params) => [saveUnitSql(applyUnitEntry(unit, entry, leaf), params), saveManifestSql(applyManifestEntry(m, entry, leaf), params)] };
    }
    const entry: Envelope = { v: 1, type: 'unit.sighted', at: r.at, by, unit: unitId, prev: { unit: unit.lastLeafHash }, data, sig: [sig] };
    return { entry, sql: (leaf, params) => [saveUnitSql(applyUnitEntry(unit, entry, leaf), params)] };
  }
  if (r.kind === 'weight' && r.data.stable === true) {
    // The truck on the bridge: the last one the site's cameras saw at or before the weighing (a
    // weight delivered late from the gateway's outbox must not take a later truck's plate).
    const [seen] = await tx.query<{ plate: string; manifest_id: string | null }>(
      `SELECT e->'data'->>'plate' AS plate, e->'data'->>'manifestId' AS manifest_id
         FROM (SELECT idx, convert_from(body, 'UTF8')::jsonb AS e FROM ledger_entries
                WHERE type = 'vehicle.sighted' AND idx >= (SELECT size FROM ledger_head) - 5000) s
        WHERE e->'by'->>'org' = $1 AND (e->>'at')::timestamptz > $2 AND (e->>'at')::timestamptz <= $3
        ORDER BY (e->>'at')::timestamptz DESC, idx DESC LIMIT 1`,
      [d.org_id, new Date(Date.parse(r.at) - PLATE_WINDOW_MS).toISOString(), r.at],
    );
    const entry: Envelope = { v: 1, type: 'vehicle.weighed', at: r.at, by, data: { ...data, ...(seen ? { plate: seen.plate, ...(seen.manifest_id ? { manifestId: seen.manifest_id } : {}) } : {}) }, sig: [sig] };
    return { entry };
  }
  return undefined;
}

/** What became of one reading: taken (sealed, kept, duplicate), or refused with the error. */
export type Outcome = Taken | { error: unknown };

interface Signed {
  device: Device;
  reading: Reading;
  sig: object;
}

/** The reading's device, enrolled key and signature checked (outside any transaction). */
async function checkSigned(devices: Map<string, Device>, r: Reading, jws: string): Promise<Signed> {
  const d = devices.get(r.device);
  if (!d) throw new DomainError('NOT_FOUND', `no device ${r.device} in the registry`);
  if (!d.public_jwk) throw new DomainError('KEY_NOT_ENROLLED', `device ${d.id} has no enrolled key`);
  if (!(await readingSignedBy(r, jws, d.public_jwk))) throw new DomainError('SIGNATURE_INVALID', `reading ${r.seq} of ${d.id} is not signed by its enrolled key`);
  return { device: d, reading: r, sig: { by: `device:${d.id}`, alg: d.public_jwk.kty === 'EC' ? 'ES256' : 'EdDSA', jws } };
}

/** One signed reading inside the caller's transaction: recognised as a replay, kept, or put into the intake. */
async function takeInTx(tx: Sql, { device: d, reading: r, sig }: Signed): Promise<Taken> {
  const key = `seq:${r.seq}`;
  const content = sha256(canonicalBytes(r));
  const [seen] = await tx.query<{ leaf_hash: Uint8Array; content_sha256: Uint8Array | null }>(
    'SELECT leaf_hash, content_sha256 FROM device_events WHERE device_id = $1 AND event_key = $2',
    [d.id, key],
  );
  if (seen?.content_sha256 && !equalBytes(seen.content_sha256, content)) {
    // A gateway whose outbox was lost numbers from 1 again: answering "duplicate" would make it drop a new reading.
    throw new DomainError('EVENT_ID_REUSED', `reading ${r.seq} of ${d.id} differs from the reading already taken with that number: the gateway's numbering restarted`);
  }
  if (seen) return { status: 'duplicate', leafHash: seen.leaf_hash.length ? toBase64(seen.leaf_hash) : undefined };
  const m = await meaning(tx, d, r, sig);
  if (!m) {
    await tx.query('INSERT INTO device_events (device_id, event_key, leaf_hash, content_sha256) VALUES ($1, $2, $3, $4)', [d.id, key, new Uint8Array(0), content]);
    return { status: 'kept' };
  }
  const e = encodeEntry(m.entry);
  const leaf = leafHash(e.body);
  const params: unknown[] = [e.body, leaf, e.type, e.unitId, e.manifestId, d.id, key, content];
  const write = (m.sql?.(leaf, params) ?? []).map((statement, i) => `, w${i} AS (${statement} RETURNING 1)`).join('');
  await tx.query(
    `WITH ev AS (INSERT INTO device_events (device_id, event_key, leaf_hash, content_sha256) VALUES ($6, $7, $2, $8))${write}
     INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ($1, $2, $3, $4, $5)`,
    params,
  );
  return { status: 'sealed', leafHash: toBase64(leaf), type: e.type };
}

/**
 * Readings in arrival order, taken together: one transaction for the whole batch, so a busy
 * reader's readings share commits (each later reading sees what the earlier ones wrote). If that
 * transaction fails (a deadlock with a custody step, say), each reading is tried alone, so one
 * bad reading never costs the others. Outcomes come back in the same order.
 */
export async function takeReadings(ctx: CustodyContext, batch: { reading: Reading; jws: string }[]): Promise<Outcome[]> {
  const ids = [...new Set(batch.map((b) => b.reading.device))];
  const rows = await ctx.sql.query<Device>('SELECT id, org_id, site_id, kind, public_jwk FROM devices WHERE id = ANY($1)', [ids]);
  const devices = new Map(rows.map((d) => [d.id, d]));
  const checked = await Promise.all(batch.map((b) => checkSigned(devices, b.reading, b.jws).catch((error: unknown) => ({ error }))));
  const outcomes: Outcome[] = checked.map((c) => ('error' in c ? c : { status: 'kept' }));
  const signed = checked.flatMap((c, i) => ('error' in c ? [] : [{ i, s: c }]));
  const alone = (s: Signed) => ctx.sql.transaction((tx) => takeInTx(tx, s)).catch((error: unknown) => ({ error }));
  try {
    const taken = await ctx.sql.transaction(async (tx) => {
      const out: Taken[] = [];
      for (const { s } of signed) out.push(await takeInTx(tx, s));
      return out;
    });
    signed.forEach(({ i }, k) => (outcomes[i] = taken[k]));
  } catch (e) {
    if (signed.length === 1) outcomes[signed[0].i] = { error: e };
    else for (const { i, s } of signed) outcomes[i] = await alone(s);
  }
  // A tag that matched no unit (kept, not sealed), remembered after the commit for a producer binding it (unbound-tags.ts).
  for (const { i, s } of signed) {
    const o = outcomes[i];
    if ('status' in o && o.status === 'kept' && s.reading.kind === 'tag' && typeof s.reading.data.epc === 'string') {
      ctx.unboundTags?.add(s.device.org_id, s.device.id, s.reading.data.epc, s.reading.at);
    }
  }
  // Durable in intake once committed: answer now and let the sequencer seal them with its next
  // batch, so readings share batches instead of waiting one seal each.
  if (outcomes.some((o) => 'status' in o && o.status === 'sealed')) ctx.sequencer.drainIntake();
  return outcomes;
}

/** One reading alone (a batch of one); throws what refused it. */
export async function takeReading(ctx: CustodyContext, r: Reading, jws: string): Promise<Taken> {
  const [outcome] = await takeReadings(ctx, [{ reading: r, jws }]);
  if ('error' in outcome) throw outcome.error;
  return outcome;
}

/** The highest reading number taken of each device (0 for none): a gateway numbers new readings after it. */
export async function lastReadingSeqs(sql: Sql, devices: string[]): Promise<Record<string, number>> {
  const rows = await sql.query<{ device_id: string; seq: unknown }>(
    `SELECT device_id, max(substring(event_key FROM 5)::bigint) AS seq FROM device_events
      WHERE device_id = ANY($1) AND event_key ~ '^seq:[0-9]{1,15}$' GROUP BY device_id`,
    [devices],
  );
  const found = new Map(rows.map((r) => [r.device_id, Number(r.seq)]));
  return Object.fromEntries(devices.map((d) => [d, found.get(d) ?? 0]));
}
