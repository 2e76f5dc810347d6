// What the operator's gate saw, read back from the log for the weighbridge office: the cameras'
// sightings (`vehicle.sighted`), the weighbridge's readings (`vehicle.weighed`) and the arrivals the
// receiver confirmed (`manifest.arrived`, with the plate it confirmed), of the caller's own
// organisation (an inspector: its region's; an admin: all), and the sightings' pictures, which are
// stored by content outside the log. Read-only: everything here is sealed already.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import { picturePath } from '../cameras/pictures.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { problems, Strict, Text } from './schemas.js';

/** How far back in the log the gate view looks, in entries: the type column has no index, so the scan stays bounded. */
const WINDOW = 50_000;
const MAX_ROWS = 500;

/** SQL condition on an entry `e` (jsonb) made by the actor's organisation, or within its view. */
function byScope(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'TRUE';
  params.push(actor.orgId);
  const me = `$${params.length}`;
  if (actor.role === 'inspector') {
    return `EXISTS (SELECT 1 FROM organisations o, organisations a WHERE o.id = e #>> '{by,org}' AND a.id = ${me} AND o.region LIKE a.region || '%')`;
  }
  return `e #>> '{by,org}' = ${me}`;
}

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Sighting = Type.Object({
  index: Type.Integer(), at: Type.String(), plate: Type.String(), gate: Nullable(Type.String()), deviceId: Type.String(),
  direction: Nullable(Type.String()), confidence: Type.Union([Type.Number(), Type.Null()]), pictures: Type.Array(Type.String()),
  manifestId: Nullable(Type.String({ description: 'the manifest whose current leg is this plate, as the camera matched it' })),
}, Strict);
const Weighing = Type.Object({
  index: Type.Integer(), at: Type.String(), deviceId: Type.String(), grossKg: Nullable(Type.String()),
  plate: Nullable(Type.String({ description: 'the plate the gate camera saw last before the reading' })), manifestId: Nullable(Type.String()),
}, Strict);
const Arrival = Type.Object({ index: Type.Integer(), at: Type.String(), manifestId: Type.String(), vehiclePlate: Type.String() }, Strict);

type Entry = { type: string; at: string; by: { org: string; device?: string }; manifest?: string; data: Record<string, unknown> };
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function gateRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; dataDir: string }): void {
  const { sql } = deps.custody;
  const watchers = guard(deps.tokens, ['operator', 'inspector', 'admin']);
  const secured = { security: [{ bearer: [] }], tags: ['devices'] };

  app.get('/api/gate/activity', {
    onRequest: watchers,
    schema: {
      ...secured,
      description: "The gate's recent record, newest first: camera sightings (plate, pictures, the manifest the camera matched), weighbridge readings, and confirmed arrivals with the plate confirmed. `plate` narrows it to one vehicle; `hours` (default 48, at most 720) how far back.",
      querystring: Type.Object({ plate: Type.Optional(Text(16)), hours: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2})$' })) }, Strict),
      response: { 200: Type.Object({ sightings: Type.Array(Sighting), weighings: Type.Array(Weighing), arrivals: Type.Array(Arrival) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query as { plate?: string; hours?: string };
    const hours = Number(q.hours ?? 48);
    if (hours > 720) throw new DomainError('BAD_INPUT', 'hours: at most 720 (30 days)');
    const params: unknown[] = [WINDOW, new Date(Date.now() - hours * 3600_000).toISOString()];
    const where = [byScope(req.actor!, params)];
    if (q.plate) where.push(`$${params.push(q.plate)} IN (e #>> '{data,plate}', e #>> '{data,vehiclePlate}')`);
    const rows = await sql.query<{ idx: unknown; e: Entry | string }>(
      `WITH recent AS (
         SELECT idx, convert_from(body, 'UTF8')::jsonb AS e FROM ledger_entries
          WHERE idx >= (SELECT size FROM ledger_head) - $1 AND type IN ('vehicle.sighted', 'vehicle.weighed', 'manifest.arrived'))
       SELECT idx, e FROM recent WHERE (e ->> 'at')::timestamptz > $2::timestamptz AND ${where.join(' AND ')}
       ORDER BY idx DESC LIMIT ${MAX_ROWS}`,
      params,
    );
    const out = { sightings: [] as unknown[], weighings: [] as unknown[], arrivals: [] as unknown[] };
    for (const r of rows) {
      const e = (typeof r.e === 'string' ? JSON.parse(r.e) : r.e) as Entry;
      const d = e.data;
      const index = Number(r.idx);
      if (e.type === 'vehicle.sighted') {
        out.sightings.push({
          index, at: e.at, plate: String(d.plate), gate: str(d.gate), deviceId: String(d.deviceId ?? e.by.device), direction: str(d.direction),
          confidence: typeof d.confidence === 'number' ? d.confidence : null, pictures: Array.isArray(d.pictures) ? d.pictures.map(String) : [], manifestId: str(d.manifestId),
        });
      } else if (e.type === 'vehicle.weighed') {
        out.weighings.push({ index, at: e.at, deviceId: String(e.by.device), grossKg: str(d.grossKg), plate: str(d.plate), manifestId: str(d.manifestId) });
      } else if (e.manifest && typeof d.vehiclePlate === 'string') {
        out.arrivals.push({ index, at: e.at, manifestId: e.manifest, vehiclePlate: d.vehiclePlate });
      }
    }
    return out;
  });

  app.get('/api/gate/pictures/:sha256', {
    onRequest: watchers,
    schema: {
      ...secured,
      description: 'A gate picture by its SHA-256 (as a sighting lists it), as JPEG: only one a sighting within your view names.',
      params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, Strict),
      response: problems(400, 401, 403, 404),
    },
  }, async (req, reply) => {
    const hash = (req.params as { sha256: string }).sha256;
    const params: unknown[] = [hash];
    // Every sighting that names it, not only recent ones: a picture stays evidence as long as its entry.
    const [seen] = await sql.query(
      `SELECT 1 FROM (SELECT convert_from(body, 'UTF8')::jsonb AS e FROM ledger_entries WHERE type = 'vehicle.sighted') s
        WHERE (e #> '{data,pictures}') ? $1 AND ${byScope(req.actor!, params)} LIMIT 1`,
      params,
    );
    if (!seen) throw new DomainError('NOT_FOUND', `no sighting within your view shows picture ${hash}`);
    const bytes = await readFile(picturePath(deps.dataDir, hash)).catch(() => undefined);
    if (!bytes) throw new DomainError('NOT_FOUND', `picture ${hash} is not in the picture store`);
    // Stored by content: the same URL always gives the same bytes.
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=31536000, immutable').send(bytes);
  });
}
