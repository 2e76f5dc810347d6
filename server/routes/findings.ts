// Findings: the open and resolved breaks each party may see, and an inspector resolving one.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { FINDING_CODES, SEVERITIES } from '../findings/codes.js';
import { findFindings, findingForActor } from '../findings/finding-store.js';
import { resolveFinding } from '../findings/resolve.js';
import { Id, problems, SealedRef, StepFields, Strict, Text } from './schemas.js';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
export const Finding = Type.Object({
  id: Type.String(),
  key: Type.String(),
  code: Type.String(),
  severity: Type.String(),
  status: Type.String(),
  subjects: Type.Object({ manifest: Type.Optional(Type.String()), units: Type.Optional(Type.Array(Type.String())), vehicle: Type.Optional(Type.String()) }, Strict),
  orgIds: Type.Array(Type.String()),
  evidence: Type.Array(Type.Integer(), { description: 'ledger indices of the entries that show it' }),
  detail: Type.String(),
  raisedAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  resolvedBy: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
}, Strict);

const literals = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));

export function findingRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { tokens, custody } = deps;
  const secured = { security: [{ bearer: [] }], tags: ['findings'] };

  app.get('/api/findings', {
    preHandler: guard(tokens, ALL_ROLES),
    schema: {
      ...secured,
      description: 'Findings touching your organisation (an inspector: its region), newest first.',
      querystring: Type.Object({
        status: Type.Optional(literals(['open', 'resolved'])),
        severity: Type.Optional(literals(SEVERITIES)),
        code: Type.Optional(literals(FINDING_CODES)),
        orgId: Type.Optional(Id),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })),
        offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
      }, Strict),
      response: { 200: Type.Object({ findings: Type.Array(Finding) }, Strict), ...problems(400, 401) },
    },
  }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return { findings: await findFindings(custody.sql, req.actor!, { ...q, limit: Number(q.limit ?? 100), offset: Number(q.offset ?? 0) }) };
  });

  app.get('/api/findings/:id', {
    preHandler: guard(tokens, ALL_ROLES),
    schema: { ...secured, params: Type.Object({ id: Id }, Strict), response: { 200: Finding, ...problems(401, 403, 404) } },
  }, async (req) => findingForActor(custody.sql, req.actor!, (req.params as { id: string }).id));

  app.post('/api/findings/:id/resolution', {
    preHandler: guard(tokens, ['inspector']),
    schema: {
      ...secured,
      description: 'Resolve a finding with a note (sealed as `finding.resolved`). A finding is never deleted.',
      params: Type.Object({ id: Id }, Strict),
      body: Type.Object({ ...StepFields, note: Text(1000) }, Strict),
      response: { 201: Type.Object({ finding: Finding, entry: SealedRef, replayed: Type.Boolean() }, Strict), 200: Type.Object({ finding: Finding, entry: SealedRef, replayed: Type.Boolean() }, Strict), ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const r = await resolveFinding(custody, req.actor!, (req.params as { id: string }).id, req.body as { eventId: string; note: string });
    return reply.code(r.replayed ? 200 : 201).send({ finding: r.response, entry: r.entry, replayed: r.replayed });
  });
}
