// The park registry, for the pages' pickers: organisations (with operators' licences), sites,
// vehicles, the national waste list shipped in fixtures/, and the storage limit. Everything here
// is sealed in the public log as `registry.changed` entries; the admin registers vehicles and
// licences, new or changed, as more of them.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { registerLicence, registerVehicle, type LicenceInput, type VehicleInput } from '../custody/registry-admin.js';
import { wasteCodes } from '../custody/waste-codes.js';
import type { FindingLimits } from '../findings/limits.js';
import { VEHICLE_KINDS } from '../registry/validate.js';
import { DateOnly, EventId, Id, problems, Strict, Text } from './schemas.js';

const Kind = Type.Union(['producer', 'transporter', 'operator', 'authority'].map((k) => Type.Literal(k)));
const Licence = Type.Object(
  { id: Type.String(), number: Type.String(), wasteCodes: Type.Array(Type.String()), tonnesPerYear: Type.Union([Type.Number(), Type.Null()]), validUntil: Type.Union([Type.String(), Type.Null()]) },
  Strict,
);
const Organisation = Type.Object(
  { id: Type.String(), uscc: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), region: Type.String(), licences: Type.Array(Licence) },
  Strict,
);
const Site = Type.Object({ id: Type.String(), orgId: Type.String(), kind: Type.String(), name: Type.String() }, Strict);
const Vehicle = Type.Object(
  { plate: Type.String(), orgId: Type.String(), kind: Type.Union([Type.String(), Type.Null()]), ratedLoadKg: Type.Union([Type.Number(), Type.Null()]) },
  Strict,
);
const OrgId = Type.String({ minLength: 1, maxLength: 100 });
const VehicleKind = Type.Union(VEHICLE_KINDS.map((k) => Type.Literal(k)));
const VehicleRecord = Type.Object({ plate: Type.String(), orgId: Type.String(), kind: Type.String(), ratedLoadKg: Type.Number(), roadTransportPermit: Type.String() }, Strict);
const LicenceRecord = Type.Object(
  { id: Type.String(), orgId: Type.String(), number: Type.String(), wasteCodes: Type.Array(Type.String()), tonnesPerYear: Type.Number(), validUntil: Type.String(), methods: Type.Array(Type.String()) },
  Strict,
);
/** The answers to registering a record: 201 new, 200 changed (or a retry answered), or a problem. */
const registered = <T extends ReturnType<typeof Type.Object>>(name: string, record: T) => {
  const answer = Type.Object({ [name]: record, index: Type.Integer(), replayed: Type.Boolean() }, Strict);
  return { 201: answer, 200: answer, ...problems(400, 401, 403, 409, 422, 503) };
};
const WasteCode = Type.Object(
  { code: Type.String(), category: Type.String(), categoryName: Type.String(), industry: Type.String(), description: Type.String(), hazards: Type.Array(Type.String()) },
  Strict,
);

type Rec = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const numOrNull = (v: unknown) => (typeof v === 'number' ? v : null);
const record = (v: unknown): Rec => (typeof v === 'string' ? JSON.parse(v) : ((v ?? {}) as Rec));

export function registryRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; limits: FindingLimits }): void {
  const { custody } = deps;
  const everyone = guard(deps.tokens, ALL_ROLES);
  const admins = guard(deps.tokens, ['admin']);
  const secured = { security: [{ bearer: [] }], tags: ['registry'] };

  app.get('/api/registry/organisations', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: "The park's organisations, of one kind or all; an operator's licences (waste codes, tonnes a year, valid until) come with it.",
      querystring: Type.Object({ kind: Type.Optional(Kind) }, Strict),
      response: { 200: Type.Object({ organisations: Type.Array(Organisation) }, Strict), ...problems(400, 401) },
    },
  }, async (req) => {
    const kind = (req.query as { kind?: string }).kind;
    const orgs = await custody.sql.query<{ id: string; uscc: string; name: string; kind: string; region: string; record: unknown }>(
      `SELECT id, uscc, name, kind, region, record FROM organisations ${kind ? 'WHERE kind = $1' : ''} ORDER BY kind, id`,
      kind ? [kind] : [],
    );
    const licences = await custody.sql.query<{ id: string; org_id: string; record: unknown }>('SELECT id, org_id, record FROM licences ORDER BY id');
    return {
      organisations: orgs.map((o) => ({
        id: o.id,
        uscc: o.uscc,
        name: o.name,
        nameEn: str(record(o.record).nameEn),
        kind: o.kind,
        region: o.region,
        licences: licences
          .filter((l) => l.org_id === o.id)
          .map((l) => {
            const r = record(l.record);
            return { id: l.id, number: str(r.number) ?? l.id, wasteCodes: Array.isArray(r.wasteCodes) ? r.wasteCodes.map(String) : [], tonnesPerYear: numOrNull(r.tonnesPerYear), validUntil: str(r.validUntil) };
          }),
      })),
    };
  });

  app.get('/api/registry/sites', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: "Sites (plants, storage facilities, gates, weighbridges, offices); by default your organisation's.",
      querystring: Type.Object({ orgId: Type.Optional(Id), kind: Type.Optional(Type.String({ pattern: '^[a-z-]{1,40}$' })) }, Strict),
      response: { 200: Type.Object({ sites: Type.Array(Site) }, Strict), ...problems(400, 401) },
    },
  }, async (req) => {
    const q = req.query as { orgId?: string; kind?: string };
    const params: string[] = [q.orgId ?? req.actor!.orgId];
    if (q.kind) params.push(q.kind);
    const rows = await custody.sql.query<{ id: string; org_id: string; kind: string; name: string }>(
      `SELECT id, org_id, kind, name FROM sites WHERE org_id = $1 ${q.kind ? 'AND kind = $2' : ''} ORDER BY id`,
      params,
    );
    return { sites: rows.map((s) => ({ id: s.id, orgId: s.org_id, kind: s.kind, name: s.name })) };
  });

  app.get('/api/registry/vehicles', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: "The transporters' vehicles, of one transporter or all.",
      querystring: Type.Object({ orgId: Type.Optional(Id) }, Strict),
      response: { 200: Type.Object({ vehicles: Type.Array(Vehicle) }, Strict), ...problems(400, 401) },
    },
  }, async (req) => {
    const orgId = (req.query as { orgId?: string }).orgId;
    const rows = await custody.sql.query<{ plate: string; org_id: string; record: unknown }>(
      `SELECT plate, org_id, record FROM vehicles ${orgId ? 'WHERE org_id = $1' : ''} ORDER BY org_id, plate`,
      orgId ? [orgId] : [],
    );
    return {
      vehicles: rows.map((v) => {
        const r = record(v.record);
        return { plate: v.plate, orgId: v.org_id, kind: str(r.kind), ratedLoadKg: numOrNull(r.ratedLoadKg) };
      }),
    };
  });

  app.put('/api/registry/vehicles/:plate', {
    onRequest: admins,
    schema: {
      ...secured,
      description:
        "Register a transporter's vehicle, or change one (sealed as registry.changed): a Chinese plate (a middle dot is dropped), owned by a transporter, of a hazmat kind, with a positive rated load and its road transport permit. A field left out keeps the vehicle's registered value; a new vehicle needs them all. 201 when new, 200 when changed; a retry with the same eventId gets the first answer (200, replayed).",
      params: Type.Object({ plate: Type.String({ minLength: 1, maxLength: 20 }) }, Strict),
      body: Type.Object(
        { eventId: EventId, orgId: OrgId, kind: Type.Optional(VehicleKind), ratedLoadKg: Type.Optional(Type.Number()), roadTransportPermit: Type.Optional(Text(100)) },
        Strict,
      ),
      response: registered('vehicle', VehicleRecord),
    },
  }, async (req, reply) => {
    const { record, created, ...answer } = await registerVehicle(custody, req.actor!, (req.params as { plate: string }).plate, req.body as VehicleInput);
    return reply.code(created ? 201 : 200).send({ vehicle: record, ...answer });
  });

  app.put('/api/registry/licences/:id', {
    onRequest: admins,
    schema: {
      ...secured,
      description:
        "Register an operator's licence, or renew or change one (sealed as registry.changed): held by an operator, covering codes of the national waste list, a positive tonnage a year, valid until a date, for treatment methods (R1–R15, D1–D16, C1–C4; left out, a renewal keeps the licence's). The receipt and treatment checks use it at once. 201 when new, 200 when changed; a retry with the same eventId gets the first answer (200, replayed).",
      params: Type.Object({ id: Id }, Strict),
      body: Type.Object(
        {
          eventId: EventId,
          orgId: OrgId,
          number: Text(100),
          wasteCodes: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 1000 }),
          tonnesPerYear: Type.Number(),
          validUntil: DateOnly,
          methods: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 40 })),
        },
        Strict,
      ),
      response: registered('licence', LicenceRecord),
    },
  }, async (req, reply) => {
    const { record, created, ...answer } = await registerLicence(custody, req.actor!, (req.params as { id: string }).id, req.body as LicenceInput);
    return reply.code(created ? 201 : 200).send({ licence: record, ...answer });
  });

  app.get('/api/registry/waste-codes', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: 'The national list of hazardous wastes as shipped with hazledger (the subset the park uses).',
      response: { 200: Type.Object({ edition: Type.String(), codes: Type.Array(WasteCode) }, Strict), ...problems(401) },
    },
  }, async () => {
    const { edition, codes } = wasteCodes();
    return { edition, codes };
  });

  app.get('/api/registry/limits', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: 'The configured time limits the finding rules apply (HAZLEDGER_FINDING_*).',
      response: { 200: Type.Object({ storageDays: Type.Number(), transitHours: Type.Number(), receiptHours: Type.Number() }, Strict), ...problems(401) },
    },
  }, async () => ({ storageDays: deps.limits.storageDays, transitHours: deps.limits.transitHours, receiptHours: deps.limits.receiptHours }));
}
