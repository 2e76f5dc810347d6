// The producer's management ledger (管理台账, HJ 1259) for a period, as CSV or XLSX, streamed from
// the sealed log as it is read. A producer gets its own organisation's; an inspector those of the
// producers in its jurisdiction; an admin any producer's. The period is checked before the first
// byte goes out: a bad one is a 400 problem.
import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { CSV_MEDIA_TYPE, csvChunks } from '../exports/csv.js';
import { managementLedger, type LedgerQuery } from '../exports/management-ledger.js';
import { parsePeriod, PeriodError } from '../exports/period.js';
import { writeXlsx, XLSX_MEDIA_TYPE } from '../exports/xlsx.js';
import { badParameter, notFound, Problem } from '../problem.js';
import { Id, problems, Strict } from './schemas.js';

const FORMATS = { csv: CSV_MEDIA_TYPE, xlsx: XLSX_MEDIA_TYPE } as const;
/** The shape only: whether it is a real day, and the period's bounds, parsePeriod says (BAD_PARAMETER). */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, a day in China Standard Time' });

export function managementLedgerRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { sql } = deps.custody;
  const readers = guard(deps.tokens, ['producer', 'inspector', 'admin']);

  /** Who may read which producer's ledger, and for which period; refused before anything is read. */
  async function ledgerQuery(req: FastifyRequest): Promise<LedgerQuery> {
    const { orgId } = req.params as { orgId: string };
    const { from, to } = req.query as { from: string; to: string };
    const actor = req.actor!;
    if (actor.role === 'producer' && actor.orgId !== orgId) throw new Problem(403, 'NOT_IN_SCOPE', 'Forbidden', "a producer reads its own organisation's ledger only");
    let period;
    try {
      period = parsePeriod(from, to);
    } catch (e) {
      if (e instanceof PeriodError) throw badParameter(e.message);
      throw e;
    }
    // An inspector's jurisdiction, as for units: producers whose region lies within its authority's.
    const [org] = await sql.query<{ kind: string; in_jurisdiction: boolean }>(
      `SELECT p.kind, COALESCE(p.region LIKE a.region || '%', false) AS in_jurisdiction
         FROM organisations p LEFT JOIN organisations a ON a.id = $2 WHERE p.id = $1`,
      [orgId, actor.orgId],
    );
    if (org?.kind !== 'producer') throw notFound(`no producer ${orgId}`);
    if (actor.role === 'inspector' && !org.in_jurisdiction) throw new Problem(403, 'NOT_IN_SCOPE', 'Forbidden', `producer ${orgId} is outside your authority's jurisdiction`);
    return { orgId, period };
  }

  for (const format of Object.keys(FORMATS) as (keyof typeof FORMATS)[]) {
    app.get(`/api/producers/:orgId/management-ledger.${format}`, {
      onRequest: readers,
      schema: {
        security: [{ bearer: [] }],
        tags: ['exports'],
        description: `The producer's HJ 1259 management ledger (管理台账) for the days from…to (China Standard Time, both included), as ${format === 'csv' ? 'CSV (UTF-8 with BOM, RFC 4180)' : 'XLSX'}: generation, storage in and out, transfer and receipt lines, each with the ledger index of its entry. Streamed; columns in README.md.`,
        params: Type.Object({ orgId: Id }, Strict),
        querystring: Type.Object({ from: Day, to: Day }, Strict),
        response: problems(400, 401, 403, 404),
      },
    }, async (req, reply) => {
      const q = await ledgerQuery(req);
      const windows = managementLedger(sql, q);
      const name = `management-ledger-${q.orgId}-${q.period.from}-${q.period.to}.${format}`;
      reply.type(FORMATS[format]).header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'csv') return reply.send(Readable.from(csvChunks(windows)));
      const out = new PassThrough();
      writeXlsx(windows, out).catch((err: Error) => out.destroy(err));
      return reply.send(out);
    });
  }
}
