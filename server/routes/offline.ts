// The driver's device offline: reserve event ids ahead, send the steps recorded out of signal
// (any order, any number of times), and see what became of each.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { OFFLINE_KINDS, offlineSteps, receiveOfflineSteps, reserveEventIds, settlePending, type OfflineStep } from '../custody/offline-steps.js';
import { EventId, Id, Jws, problems, Rfc3339, SealedRef, Strict, Text } from './schemas.js';

const Outcome = Type.Union([
  Type.Object({
    entries: Type.Optional(Type.Array(SealedRef)),
    waitingFor: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
  }, Strict),
  Type.Null(),
]);
const Kept = Type.Object({
  eventId: Type.String(),
  kind: Type.String(),
  manifestId: Type.String(),
  deviceAt: Type.String({ description: "the device's clock when the step was recorded" }),
  receivedAt: Type.String({ description: 'when the server received it' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sealed'), Type.Literal('conflict')], { description: 'pending: waits for an earlier step of the chain; conflict: refused against what is sealed, and kept' }),
  outcome: Outcome,
}, Strict);
const Refused = Type.Object({ eventId: Type.String(), status: Type.Literal('refused'), code: Type.String(), detail: Type.String() }, Strict);

export function offlineRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const drivers = guard(deps.tokens, ['driver']);
  const secured = { security: [{ bearer: [] }], tags: ['offline'] };

  app.post('/api/me/event-ids', {
    onRequest: drivers,
    schema: {
      ...secured,
      description: 'Reserve event ids for steps the device will record while out of signal.',
      body: Type.Object({ count: Type.Integer({ minimum: 1, maximum: 500 }) }, Strict),
      response: { 201: Type.Object({ eventIds: Type.Array(Type.String()) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => reply.code(201).send({ eventIds: await reserveEventIds(deps.custody.sql, req.actor!, (req.body as { count: number }).count) }));

  app.post('/api/offline/steps', {
    onRequest: drivers,
    schema: {
      ...secured,
      description:
        'Steps recorded offline, each with a reserved event id and the device clock in `at`. Each is kept, then each manifest\'s waiting steps are sealed in device-clock order. ' +
        'Answers each step\'s state in the order sent: sealed, pending (an earlier step has not arrived), conflict (refused against what is sealed; kept) or refused (bad event id).',
      body: Type.Object({
        steps: Type.Array(Type.Object({
          eventId: EventId,
          at: Rfc3339,
          kind: Type.Union(OFFLINE_KINDS.map((k) => Type.Literal(k))),
          manifestId: Id,
          vehiclePlate: Text(16),
          scannedUnitIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 500 })),
          signature: Type.Optional(Jws),
        }, Strict), { minItems: 1, maxItems: 200 }),
      }, Strict),
      response: { 200: Type.Object({ results: Type.Array(Type.Union([Kept, Refused])) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req) => ({ results: await receiveOfflineSteps(deps.custody, req.actor!, (req.body as { steps: OfflineStep[] }).steps) }));

  app.get('/api/offline/steps', {
    onRequest: drivers,
    schema: {
      ...secured,
      description: 'Your offline steps and what became of each, newest first: what is still waiting, what was sealed, what conflicted.',
      response: { 200: Type.Object({ steps: Type.Array(Kept) }, Strict), ...problems(401, 403) },
    },
  }, async (req) => {
    await settlePending(deps.custody, req.actor!);
    return { steps: await offlineSteps(deps.custody.sql, req.actor!) };
  });
}
