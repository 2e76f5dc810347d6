// Manifest steps beyond the straight path: the driver leaving the gate, refused units sent on,
// and corrections proposed and answered.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { depart, type ManifestDraft } from '../custody/manifest-commands.js';
import { answerCorrection, proposeCorrection } from '../custody/manifest-corrections.js';
import { sendOnRefused } from '../custody/manifest-onward.js';
import type { ManifestChanges as Changes } from '../custody/manifest-projection.js';
import { Legs, ManifestChanges, ManifestStep, stepView } from './manifest-schemas.js';
import { DateOnly, Id, problems, StepFields, Strict, Text } from './schemas.js';

type Body<T> = T & { eventId: string };

export function manifestChangeRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { tokens, custody } = deps;
  const secured = { security: [{ bearer: [] }], tags: ['manifests'] };
  const Params = Type.Object({ id: Id }, Strict);
  const response = { 201: ManifestStep, 200: ManifestStep, ...problems(400, 401, 403, 404, 409, 422) };
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.post('/api/manifests/:id/departure', {
    onRequest: guard(tokens, ['driver']),
    schema: { ...secured, description: "The current leg's driver leaves the gate with the load.", params: Params, body: Type.Object({ ...StepFields, vehiclePlate: Text(16) }, Strict), response },
  }, async (req, reply) => {
    const r = await depart(custody, req.actor!, id(req), req.body as Body<{ vehiclePlate: string }>);
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.post('/api/manifests/:id/onward', {
    onRequest: guard(tokens, ['operator']),
    schema: {
      ...secured,
      description:
        'The receiver sends refused units of this manifest on: a new draft manifest back to their producer or to another licensed operator, ' +
        'linked to this one by a sealed entry on each. Answers with the new manifest; this one closes when every unit is treated or sent on.',
      params: Params,
      body: Type.Object({ ...StepFields, receiverOrgId: Id, legs: Legs, unitIds: Type.Array(Id, { minItems: 1, maxItems: 200 }), plannedDate: DateOnly }, Strict),
      response,
    },
  }, async (req, reply) => {
    const r = await sendOnRefused(custody, req.actor!, id(req), req.body as ManifestDraft);
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.post('/api/manifests/:id/corrections', {
    onRequest: guard(tokens, ['producer', 'driver', 'operator']),
    schema: {
      ...secured,
      description:
        'A party proposes a new version (planned date before pickup, receiver before arrival, legs not yet under way) with its reason; ' +
        'the other parties it touches must approve it before it applies. Nothing is edited in place.',
      params: Params,
      body: Type.Object({ ...StepFields, reason: Text(300), changes: ManifestChanges }, Strict),
      response,
    },
  }, async (req, reply) => {
    const r = await proposeCorrection(custody, req.actor!, id(req), req.body as Body<{ reason: string; changes: Changes }>);
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });

  app.post('/api/manifests/:id/corrections/:version/answer', {
    onRequest: guard(tokens, ['producer', 'driver', 'operator']),
    schema: {
      ...secured,
      description: 'A party the correction touches approves it, or rejects it with a reason.',
      params: Type.Object({ id: Id, version: Type.String({ pattern: '^[1-9][0-9]{0,5}$' }) }, Strict),
      body: Type.Object({ ...StepFields, approve: Type.Boolean(), reason: Type.Optional(Text(300)) }, Strict),
      response,
    },
  }, async (req, reply) => {
    const version = Number((req.params as { version: string }).version);
    const r = await answerCorrection(custody, req.actor!, id(req), { ...(req.body as Body<{ approve: boolean; reason?: string }>), version });
    return reply.code(r.replayed ? 200 : 201).send(stepView(r));
  });
}
