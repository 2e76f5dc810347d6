// Units: register, tag, weigh, store, retrieve; list, one, history. Every route checks role
// (guard) and organisation scope (custody layer).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import { registerUnits, retrieveUnit, storeUnit, tagUnit, weighUnit, type Registration, type Weighing } from '../custody/unit-commands.js';
import type { StepResult } from '../custody/write-step.js';
import type { UnitRow } from '../custody/unit-projection.js';
import { findUnits, unitForActor } from '../custody/unit-store.js';
import { unitEvidence } from '../custody/evidence.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { UNIT_STATES } from '../custody/unit-lifecycle.js';
import { DateOnly, Id, problems, SealedRef as SealedRefSchema, StepFields, StepResult as StepResultSchema, Strict, Text, Unit } from './schemas.js';
import { treatUnit } from '../custody/treatment.js';

const Registration = Type.Object(
  {
    ...StepFields,
    siteId: Id,
    wasteCode: Type.String({ pattern: '^\\d{3}-\\d{3}-\\d{2}$' }),
    name: Text(200),
    hazards: Type.Array(Type.Union([Type.Literal('T'), Type.Literal('C'), Type.Literal('I'), Type.Literal('R'), Type.Literal('In')]), { minItems: 1, uniqueItems: true }),
    physicalForm: Text(40),
    containerType: Text(60),
    volumeL: Type.Integer({ minimum: 1, maximum: 100000 }),
    components: Text(500),
    generationDate: DateOnly,
    epc: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  Strict,
);

const stepView = (r: StepResult<UnitRow>) => ({ unit: r.response, entry: r.entry, replayed: r.replayed });
const TreatmentResult = Type.Object({ manifestId: Type.String(), manifestState: Type.String(), entries: Type.Array(SealedRefSchema), replayed: Type.Boolean() }, Strict);

export function unitRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; reader: LedgerReader; vkey: string }): void {
  const { tokens, custody } = deps;
  const producers = guard(tokens, ['producer']);
  const weighers = guard(tokens, ['producer', 'operator']);
  const readers = guard(tokens, ['producer', 'driver', 'operator', 'inspector', 'admin']);
  const secured = { security: [{ bearer: [] }], tags: ['units'] };
  const UnitParams = Type.Object({ id: Id }, Strict);
  const stepStatus = (reply: FastifyReply, r: StepResult<UnitRow>) => reply.code(r.replayed ? 200 : 201).send(stepView(r));

  app.post('/api/units', {
    onRequest: producers,
    schema: {
      ...secured,
      description: 'Register one unit, or a batch as {units: [...]}; each with its own event id.',
      body: Type.Union([Registration, Type.Object({ units: Type.Array(Registration, { minItems: 1, maxItems: 500 }) }, Strict)]),
      response: { 201: Type.Object({ units: Type.Array(StepResultSchema) }, Strict), 200: Type.Object({ units: Type.Array(StepResultSchema) }, Strict), ...problems(400, 401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const body = req.body as Registration | { units: Registration[] };
    const batch = 'units' in body ? body.units : [body];
    const results = await registerUnits(custody, req.actor!, batch);
    return reply.code(results.every((r) => r.replayed) ? 200 : 201).send({ units: results.map(stepView) });
  });

  const step = <B>(path: string, body: ReturnType<typeof Type.Object>, description: string, run: (actor: Actor, id: string, b: B) => Promise<StepResult<UnitRow>>, who = producers) =>
    app.post(path, {
      onRequest: who,
      schema: { ...secured, description, params: UnitParams, body, response: { 201: StepResultSchema, 200: StepResultSchema, ...problems(400, 401, 403, 404, 409, 422) } },
    }, async (req, reply) => stepStatus(reply, await run(req.actor!, (req.params as { id: string }).id, req.body as B)));

  step<{ eventId: string; epc: string }>('/api/units/:id/tag', Type.Object({ ...StepFields, epc: Type.String({ minLength: 1, maxLength: 64 }) }, Strict),
    'Bind the drum\'s RFID tag (GRAI-96 EPC, hex) to the unit.', (a, id, b) => tagUnit(custody, a, id, b));
  step<Weighing>('/api/units/:id/weighings', Type.Object({
    ...StepFields,
    grossKg: Type.String({ maxLength: 12 }),
    tareKg: Type.String({ maxLength: 12 }),
    source: Type.Union([Type.Literal('manual'), Type.Literal('scale')]),
    deviceId: Type.Optional(Id),
    framesSha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  }, Strict), 'Weigh the unit: gross and tare in kg as decimal text; net is computed.', (a, id, b) => weighUnit(custody, a, id, b), weighers);
  step<{ eventId: string; siteId: string; bay: string }>('/api/units/:id/storage', Type.Object({ ...StepFields, siteId: Id, bay: Text(40) }, Strict),
    'Put the unit into a storage facility and bay.', (a, id, b) => storeUnit(custody, a, id, b));
  step<{ eventId: string; reason?: string }>('/api/units/:id/retrieval', Type.Object({ ...StepFields, reason: Type.Optional(Text(200)) }, Strict),
    'Take the unit out of storage.', (a, id, b) => retrieveUnit(custody, a, id, b));

  app.post('/api/units/:id/treatment', {
    onRequest: guard(tokens, ['operator']),
    schema: {
      ...secured,
      description: 'The receiving operator records the treatment (a D or R code its licence lists); this closes the unit, and the manifest when it was the last one.',
      params: UnitParams,
      body: Type.Object({ ...StepFields, method: Type.String({ pattern: '^(D([1-9]|1[0-6])|R([1-9]|1[0-5])|C[1-4])$' }) }, Strict),
      response: { 201: TreatmentResult, 200: TreatmentResult, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const r = await treatUnit(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string; method: string });
    return reply.code(r.replayed ? 200 : 201).send({ manifestId: r.response.id, manifestState: r.response.state, entries: r.entries, replayed: r.replayed });
  });

  app.get('/api/units', {
    onRequest: readers,
    schema: {
      ...secured,
      querystring: Type.Object({
        state: Type.Optional(Type.Union(UNIT_STATES.map((s) => Type.Literal(s)))),
        wasteCode: Type.Optional(Type.String({ pattern: '^\\d{3}-\\d{3}-\\d{2}$' })),
        siteId: Type.Optional(Id),
        from: Type.Optional(DateOnly),
        to: Type.Optional(DateOnly),
        storedLongerThanDays: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })),
        offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
      }, Strict),
      response: { 200: Type.Object({ units: Type.Array(Unit) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const units = await findUnits(custody.sql, req.actor!, {
      state: q.state,
      wasteCode: q.wasteCode,
      siteId: q.siteId,
      from: q.from,
      to: q.to,
      storedLongerThanDays: q.storedLongerThanDays === undefined ? undefined : Number(q.storedLongerThanDays),
      limit: Number(q.limit ?? 100),
      offset: Number(q.offset ?? 0),
    });
    return { units };
  });

  app.get('/api/units/:id', {
    onRequest: readers,
    schema: { ...secured, params: UnitParams, response: { 200: Unit, ...problems(401, 403, 404) } },
  }, async (req) => unitForActor(custody.sql, req.actor!, (req.params as { id: string }).id));

  app.get('/api/units/:id/evidence', {
    onRequest: guard(tokens, ['producer', 'inspector', 'admin']),
    schema: {
      ...secured,
      description: 'An evidence bundle: every sealed entry of the unit, exact bytes, each with an inclusion proof against one signed checkpoint, and the log key. Verify it offline with `hazledger verify-bundle`.',
      params: UnitParams,
      response: problems(401, 403, 404),
    },
  }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    await unitForActor(custody.sql, req.actor!, id);
    const bundle = await unitEvidence(custody.sql, deps.reader, deps.vkey, id);
    return reply.header('content-disposition', `attachment; filename="unit-${id}.evidence.json"`).send(bundle);
  });

  app.get('/api/units/:id/history', {
    onRequest: readers,
    schema: {
      ...secured,
      params: UnitParams,
      response: {
        200: Type.Object({
          unit: Type.String(),
          entries: Type.Array(Type.Object({ index: Type.Union([Type.Integer(), Type.Null()]), type: Type.String(), at: Type.String(), sealed: Type.Boolean() }, Strict)),
        }, Strict),
        ...problems(401, 403, 404),
      },
    },
  }, async (req) => {
    const id = (req.params as { id: string }).id;
    await unitForActor(custody.sql, req.actor!, id);
    // One snapshot, so that an entry sealed between the two reads is not missed.
    const { sealed, pending } = await custody.sql.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return {
        sealed: await tx.query<{ idx: unknown; type: string; body: Uint8Array }>('SELECT idx, type, body FROM ledger_entries WHERE unit_id = $1 ORDER BY idx', [id]),
        pending: await tx.query<{ type: string; body: Uint8Array }>('SELECT type, body FROM ledger_intake WHERE unit_id = $1 ORDER BY id', [id]),
      };
    });
    const at = (b: Uint8Array) => (JSON.parse(Buffer.from(b).toString('utf8')) as { at: string }).at;
    return {
      unit: id,
      entries: [
        ...sealed.map((r) => ({ index: Number(r.idx), type: r.type, at: at(r.body), sealed: true })),
        ...pending.map((r) => ({ index: null, type: r.type, at: at(r.body), sealed: false })),
      ],
    };
  });
}
