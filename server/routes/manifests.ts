// Transfer manifests: draft, sign, cancel; list, one (with who acts next), and "waiting for me".
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { arrive, cancelManifest, createManifest, receive, signManifest, takeCustody, type ManifestDraft } from '../custody/manifest-commands.js';
import type { UnitDecision } from '../api-types.js';
import { MANIFEST_STATES, whoActsNext } from '../custody/manifest-lifecycle.js';
import { findManifests, manifestForActor } from '../custody/manifest-store.js';
import { Legs, Manifest, ManifestMulti, ManifestStep, stepView, view } from './manifest-schemas.js';
import { manifestEvidence } from '../custody/evidence.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { DateOnly, Id, problems, SealedRef, StepFields, Strict, Text } from './schemas.js';

export function manifestRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; reader: LedgerReader; vkey: string }): void {
  const { tokens, custody } = deps;
  const producers = guard(tokens, ['producer']);
  const producersOrOperators = guard(tokens, ['producer', 'operator']);
  const everyone = guard(tokens, ALL_ROLES);
  const secured = { security: [{ bearer: [] }], tags: ['manifests'] };
  const Params = Type.Object({ id: Id }, Strict);
  const stepResponses = { 201: ManifestStep, 200: ManifestStep, ...problems(400, 401, 403, 404, 409, 422) };

  app.post('/api/manifests', {
    onRequest: producers,
    schema: {
      ...secured,
      description: 'Draft a transfer manifest: the receiving operator, 1–5 transport legs (transporter and vehicle), the units it carries.',
      body: Type.Object({
        ...StepFields,
        receiverOrgId: Id,
        legs: Legs,
        unitIds: Type.Array(Id, { minItems: 1, maxItems: 200 }),
        plannedDate: DateOnly,
      }, Strict),
      response: stepResponses,
    },
  }, async (req, reply) => {
    const r = await createManifest(custody, req.actor!, req.body as ManifestDraft);
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.post('/api/manifests/:id/signature', {
    onRequest: producersOrOperators,
    schema: { ...secured, description: 'The consignor signs the draft: the producer, or the operator sending refused units on.', params: Params, body: Type.Object({ ...StepFields }, Strict), response: stepResponses },
  }, async (req, reply) => {
    const r = await signManifest(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string });
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  const Scan = Type.Object({ ...StepFields, vehiclePlate: Text(16), scannedUnitIds: Type.Array(Id, { minItems: 1, maxItems: 500 }) }, Strict);
  const multi = { 201: ManifestMulti, 200: ManifestMulti, ...problems(400, 401, 403, 404, 409, 422) };
  for (const [path, step, description] of [
    ['pickup', 'pick_up', "Pickup by the first leg's driver: the vehicle and the units scanned onto it."],
    ['handover', 'hand_over', "Handover to the next leg's driver: the vehicle and the units scanned onto it."],
  ] as const) {
    app.post(`/api/manifests/:id/${path}`, {
      onRequest: guard(tokens, ['driver']),
      schema: { ...secured, description: `${description} Scanned units the manifest carries move; the others are recorded.`, params: Params, body: Scan, response: multi },
    }, async (req, reply) => {
      const r = await takeCustody(custody, req.actor!, (req.params as { id: string }).id, step, req.body as { eventId: string; vehiclePlate: string; scannedUnitIds: string[] });
      return reply.code(r.replayed ? 200 : 201).send({ ...stepView(r), entries: r.entries });
    });
  }

  app.post('/api/manifests/:id/arrival', {
    onRequest: producersOrOperators, // an operator's gate, or a producer's taking refused units back
    schema: { ...secured, description: "The load has reached the receiver's gate.", params: Params, body: Type.Object({ ...StepFields, vehiclePlate: Text(16) }, Strict), response: stepResponses },
  }, async (req, reply) => {
    const r = await arrive(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string; vehiclePlate: string });
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.post('/api/manifests/:id/receipt', {
    onRequest: producersOrOperators,
    schema: {
      ...secured,
      description: 'The receiver decides on every unit that arrived (accept, or refuse with a reason and a quantity or type discrepancy), with its weights, and signs.',
      params: Params,
      body: Type.Object({
        ...StepFields,
        decisions: Type.Array(Type.Object({
          unitId: Id,
          accept: Type.Boolean(),
          grossKg: Type.Optional(Type.String({ maxLength: 12 })),
          tareKg: Type.Optional(Type.String({ maxLength: 12 })),
          reason: Type.Optional(Text(300)),
          discrepancy: Type.Optional(Type.Union([Type.Literal('quantity'), Type.Literal('type')])),
        }, Strict), { minItems: 1, maxItems: 500 }),
      }, Strict),
      response: multi,
    },
  }, async (req, reply) => {
    const r = await receive(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string; decisions: UnitDecision[] });
    return reply.code(r.replayed ? 200 : 201).send({ ...stepView(r), entries: r.entries });
  });

  app.post('/api/manifests/:id/cancellation', {
    onRequest: producersOrOperators,
    schema: { ...secured, description: 'Cancel, only before pickup.', params: Params, body: Type.Object({ ...StepFields, reason: Text(300) }, Strict), response: stepResponses },
  }, async (req, reply) => {
    const r = await cancelManifest(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string; reason: string });
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.get('/api/manifests', {
    onRequest: everyone,
    schema: {
      ...secured,
      querystring: Type.Object({
        state: Type.Optional(Type.Union(MANIFEST_STATES.map((s) => Type.Literal(s)))),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })),
        offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
      }, Strict),
      response: { 200: Type.Object({ manifests: Type.Array(Manifest) }, Strict), ...problems(400, 401) },
    },
  }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const rows = await findManifests(custody.sql, req.actor!, { state: q.state, limit: Number(q.limit ?? 100), offset: Number(q.offset ?? 0) });
    return { manifests: rows.map(view) };
  });

  app.get('/api/manifests/:id', {
    onRequest: everyone,
    schema: { ...secured, params: Params, response: { 200: Manifest, ...problems(401, 403, 404) } },
  }, async (req) => view(await manifestForActor(custody.sql, req.actor!, (req.params as { id: string }).id)));

  app.get('/api/manifests/:id/evidence', {
    onRequest: guard(tokens, ['producer', 'driver', 'operator', 'inspector', 'admin']),
    schema: {
      ...secured,
      description: 'An evidence bundle: the manifest\'s chain and its units\' chains from registration to where each left this manifest, exact bytes, each with an inclusion proof against one signed checkpoint, and the log key. Verify it offline with `hazledger verify-bundle`.',
      params: Params,
      response: problems(401, 403, 404),
    },
  }, async (req, reply) => {
    const m = await manifestForActor(custody.sql, req.actor!, (req.params as { id: string }).id);
    const b = await manifestEvidence(custody.sql, deps.reader, deps.vkey, m.id, m.unitIds);
    return reply.header('content-disposition', `attachment; filename="manifest-${m.number}.evidence.json"`).send(b);
  });

  app.get('/api/me/waiting', {
    onRequest: everyone,
    schema: {
      ...secured,
      description: 'The manifests on which it is your turn to act (your role in your organisation).',
      response: { 200: Type.Object({ manifests: Type.Array(Manifest) }, Strict), ...problems(401) },
    },
  }, async (req) => {
    const a = req.actor!;
    const open = MANIFEST_STATES.filter((s) => s !== 'closed' && s !== 'cancelled');
    const rows = (await Promise.all(open.map((state) => findManifests(custody.sql, a, { state, limit: 1000, offset: 0 })))).flat();
    return { manifests: rows.filter((m) => whoActsNext(m).some((t) => t.orgId === a.orgId && t.role === a.role)).map(view) };
  });
}
