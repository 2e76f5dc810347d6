// The public side: a drum's QR (GS1 Digital Link, AI 8003) resolves here for anyone, showing
// that the drum is tracked, without what only its custodians and the regulator may see. A
// browser gets the web app's page (it renders /8003/… itself); an API client gets JSON: what the
// drum is, its state, when it was last seen, and a C2SP tlog-proof that this latest entry is in
// the signed log (the entry's bytes are public at /ledger/entries/{index}). Anyone may report a
// problem with the drum; the regulator of its producer reads the reports.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { fromUtf8 } from '../../ledger/index.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { bytes, num } from '../../ledger/store/sql.js';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import type { LiveHub } from '../live.js';
import { REPORT_CATEGORIES, type ReportCategory } from '../api-types.js';
import type { PublicReports } from '../public-reports.js';
import { parseDigitalLinkPath } from '../units/identifiers/digital-link.js';
import { IdentifierError } from '../units/identifiers/errors.js';
import { badParameter, notFound } from '../problem.js';
import { problems, Strict, Text } from './schemas.js';
import { wantsHtml } from './web.js';

const PublicUnit = Type.Object(
  {
    tracked: Type.Literal(true),
    grai: Type.String(),
    wasteCategory: Type.String(),
    wasteCode: Type.String(),
    state: Type.String(),
    producer: Type.String(),
    registeredAt: Type.String(),
    entries: Type.Integer(),
    lastSeen: Type.Optional(Type.Object({
      at: Type.String({ description: "the latest sealed step's time (its entry's `at`)" }),
      event: Type.String({ description: "the latest sealed step's entry type" }),
      index: Type.Integer({ description: 'its ledger index: GET /ledger/entries/{index} gives its exact bytes' }),
    }, Strict)),
    proof: Type.Optional(Type.String({ description: 'C2SP tlog-proof@v1 of that entry against the latest signed checkpoint; verify with GET /ledger/vkey' })),
  },
  Strict,
);

const Report = Type.Object({
  id: Type.String(), receivedAt: Type.String(), grai: Type.String(), unitId: Type.String(), producerOrgId: Type.String(),
  category: Type.String(), message: Type.String(), contact: Type.Optional(Type.String()),
}, Strict);

export interface PublicDeps {
  custody: CustodyContext;
  reader: LedgerReader;
  tokens: Tokens;
  reports: PublicReports;
  /** Regulators watching /live hear of a report at once. */
  live?: LiveHub;
  /** The web app's page, for a browser opening a QR link. */
  page?: (reply: FastifyReply) => Promise<FastifyReply>;
  /** Public requests a minute per address; reports get a twelfth of it (at least 1). */
  publicPerMinute: number;
}

const Grai = Type.Object({ grai: Type.String({ maxLength: 100 }) }, Strict);

function graiOf(path: string): string {
  try {
    return parseDigitalLinkPath(`/8003/${path}`).grai;
  } catch (e) {
    if (e instanceof IdentifierError) throw badParameter(e.message);
    throw e;
  }
}

export function publicRoutes(app: FastifyInstance, deps: PublicDeps): void {
  const { sql } = deps.custody;

  async function tracked(grai: string) {
    const [u] = await sql.query<Record<string, unknown>>(
      `SELECT u.id, u.producer_org_id, u.grai, u.waste_category, u.waste_code, u.state, o.name AS producer, u.registered_at, u.entries
         FROM units u JOIN organisations o ON o.id = u.producer_org_id
        WHERE u.grai = $1 ORDER BY u.registered_at DESC LIMIT 1`,
      [grai],
    );
    if (!u) throw notFound(`no drum ${grai} is tracked here`);
    return u;
  }

  app.get('/8003/:grai', {
    schema: {
      tags: ['public'],
      description: "A drum's QR target. A browser (Accept naming text/html) gets the web page; anyone else this JSON.",
      params: Grai,
      response: { 200: PublicUnit, ...problems(400, 404) },
    },
  }, async (req, reply) => {
    // A person scanning the label gets the page; it asks again for JSON.
    if (deps.page && wantsHtml(req)) return deps.page(reply);
    const grai = graiOf((req.params as { grai: string }).grai);
    const u = await tracked(grai);
    const [last] = await sql.query<Record<string, unknown>>('SELECT idx, body FROM ledger_entries WHERE unit_id = $1 ORDER BY idx DESC LIMIT 1', [u.id]);
    let seen = {};
    if (last) {
      const index = num(last.idx);
      const entry = JSON.parse(fromUtf8(bytes(last.body))) as { at: string; type: string };
      seen = { lastSeen: { at: entry.at, event: entry.type, index }, proof: await deps.reader.tlogProof(index) };
    }
    return {
      tracked: true as const,
      grai,
      wasteCategory: u.waste_category as string,
      wasteCode: u.waste_code as string,
      state: u.state as string,
      producer: u.producer as string,
      registeredAt: new Date(u.registered_at as string).toISOString(),
      entries: Number(u.entries),
      ...seen,
    };
  });

  app.post('/8003/:grai/reports', {
    config: { rateLimit: { max: Math.max(1, Math.floor(deps.publicPerMinute / 12)), timeWindow: 60_000 } },
    schema: {
      tags: ['public'],
      description: 'Report a problem with a tracked drum (anyone, no account; limited per address). Kept for the regulator of its producer, not sealed.',
      params: Grai,
      body: Type.Object({
        category: Type.Union(REPORT_CATEGORIES.map((c) => Type.Literal(c))),
        message: Text(1000),
        contact: Type.Optional(Text(200)),
      }, Strict),
      response: { 201: Type.Object({ id: Type.String(), receivedAt: Type.String(), message: Type.String() }, Strict), ...problems(400, 404, 429) },
    },
  }, async (req, reply) => {
    const grai = graiOf((req.params as { grai: string }).grai);
    const u = await tracked(grai);
    const body = req.body as { category: ReportCategory; message: string; contact?: string };
    const report = await deps.reports.add({ grai, unitId: u.id as string, producerOrgId: u.producer_org_id as string, ...body });
    if (deps.live) {
      const regulators = await sql.query<{ id: string }>(
        `SELECT a.id FROM organisations a, organisations p WHERE a.kind = 'authority' AND p.id = $1 AND p.region LIKE a.region || '%'`,
        [report.producerOrgId],
      );
      for (const r of regulators) deps.live.tell(r.id, { type: 'public.report', report });
    }
    return reply.code(201).send({ id: report.id, receivedAt: report.receivedAt, message: `report ${report.id} recorded: the regulator of this drum's producer will see it` });
  });

  app.get('/api/public-reports', {
    onRequest: guard(deps.tokens, ['inspector', 'admin']),
    schema: {
      security: [{ bearer: [] }],
      tags: ['inspections'],
      description: 'Problems the public reported about drums of your region, newest first.',
      querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })) }, Strict),
      response: { 200: Type.Object({ reports: Type.Array(Report) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const actor = req.actor!;
    const limit = Number((req.query as { limit?: string }).limit ?? 100);
    let producers: Set<string> | undefined;
    if (actor.role !== 'admin') {
      const rows = await sql.query<{ id: string }>(
        `SELECT o.id FROM organisations o WHERE o.region LIKE (SELECT region FROM organisations WHERE id = $1) || '%'`,
        [actor.orgId],
      );
      producers = new Set(rows.map((r) => r.id));
    }
    return { reports: await deps.reports.list(producers, limit) };
  });
}
