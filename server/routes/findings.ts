// Findings: the open and resolved breaks each party may see, an inspector resolving one, and the
// inspector's view (open findings, risk per organisation, whom to visit).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { cstDate } from '../china-time.js';
import { FINDING_CODES, SEVERITIES } from '../findings/codes.js';
import { findFindings, findingForActor } from '../findings/finding-store.js';
import { resolveFinding } from '../findings/resolve.js';
import type { FindingLimits } from '../findings/limits.js';
import { openSummary, pickList, riskScores } from '../findings/risk.js';
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
    onRequest: guard(tokens, ALL_ROLES),
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
    onRequest: guard(tokens, ALL_ROLES),
    schema: { ...secured, params: Type.Object({ id: Id }, Strict), response: { 200: Finding, ...problems(401, 403, 404) } },
  }, async (req) => findingForActor(custody.sql, req.actor!, (req.params as { id: string }).id));

  app.post('/api/findings/:id/resolution', {
    onRequest: guard(tokens, ['inspector']),
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

export function inspectionRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; limits: FindingLimits }): void {
  const inspectors = guard(deps.tokens, ['inspector', 'admin']);
  const secured = { security: [{ bearer: [] }], tags: ['inspections'] };
  const Severities = Type.Object({ low: Type.Integer(), medium: Type.Integer(), high: Type.Integer(), critical: Type.Integer() }, Strict);

  app.get('/api/inspections/open-findings', {
    onRequest: inspectors,
    schema: {
      ...secured,
      description: 'Open findings in your region by severity, by age and by organisation (a finding naming several organisations counts once in the totals).',
      response: {
        200: Type.Object({
          bySeverity: Severities,
          byAge: Type.Object({ under1Day: Type.Integer(), under1Week: Type.Integer(), under30Days: Type.Integer(), over30Days: Type.Integer() }, Strict),
          byOrg: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String(), open: Type.Integer(), bySeverity: Severities, oldestDays: Type.Integer() }, Strict)),
        }, Strict),
        ...problems(401, 403),
      },
    },
  }, async (req) => openSummary(deps.custody.sql, req.actor!));

  const Risk = Type.Object({
    orgId: Type.String(), name: Type.String(), kind: Type.String(), score: Type.Number(), open: Type.Integer(),
    parts: Type.Object({ openFindings: Type.Number(), resolvedFindings: Type.Number(), overdueStorage: Type.Number(), discrepancies: Type.Number() }, Strict),
  }, Strict);
  app.get('/api/inspections/risk', {
    onRequest: inspectors,
    schema: {
      ...secured,
      description: 'Risk score per organisation of your region, highest first: open findings weighted by severity and age, recently resolved ones, overdue storage and refused units (formula in the README).',
      response: { 200: Type.Object({ organisations: Type.Array(Risk) }, Strict), ...problems(401, 403) },
    },
  }, async (req) => ({ organisations: await riskScores(deps.custody.sql, req.actor!, deps.limits) }));

  app.get('/api/inspections/pick-list', {
    onRequest: inspectors,
    schema: {
      ...secured,
      description: 'Whom to visit: organisations drawn without replacement with probability ∝ 1 + risk score. The same seed and the same scores give the same list.',
      querystring: Type.Object({ count: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4][0-9]|50)$' })), seed: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })) }, Strict),
      response: {
        200: Type.Object({
          seed: Type.Integer(),
          picks: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String(), score: Type.Number(), weight: Type.Number(), chanceFirst: Type.Number() }, Strict)),
        }, Strict),
        ...problems(400, 401, 403),
      },
    },
  }, async (req) => {
    const q = req.query as { count?: string; seed?: string };
    // Without a seed, today's date in China Standard Time (YYYYMMDD): one list a day, the same for
    // everyone who asks, changing at midnight in Zhejiang.
    const seed = q.seed !== undefined ? Number(q.seed) % 2 ** 32 : Number(cstDate(new Date().toISOString()).replace(/-/g, ''));
    const risks = await riskScores(deps.custody.sql, req.actor!, deps.limits);
    return { seed, picks: pickList(risks, Number(q.count ?? 3), seed) };
  });
}
