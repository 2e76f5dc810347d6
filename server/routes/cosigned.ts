// GET /ledger/checkpoint/cosigned: the latest checkpoint the witnesses cosigned, as a signed
// note — the log's signature line, then each witness's C2SP tlog-cosignature/v1 line.
// `?witnesses=K` asks for the latest one cosigned by at least K of them (default 1).
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../ledger/store/sql.js';
import { CosignatureStore } from '../witness-client/store.js';
import { badParameter, notFound } from '../problem.js';

const TEXT = 'text/plain; charset=utf-8';

export function cosignedRoutes(app: FastifyInstance, opts: { sql: Sql }): void {
  const store = new CosignatureStore(opts.sql);
  type Q = { Querystring: Record<string, string | undefined> };

  app.get<Q>('/ledger/checkpoint/cosigned', async (req, reply) => {
    const raw = req.query.witnesses;
    if (raw !== undefined && !/^[1-9][0-9]{0,2}$/.test(raw)) throw badParameter(`witnesses must be an integer from 1 to 999, got ${JSON.stringify(raw)}`);
    const min = raw === undefined ? 1 : Number(raw);
    const cosigned = await store.cosigned({ min });
    if (!cosigned) throw notFound(`no checkpoint has been cosigned by ${min === 1 ? 'a witness' : `${min} witnesses`} yet`);
    return reply
      .type(TEXT)
      .header('cache-control', 'no-cache')
      .header('x-tlog-size', String(cosigned.size))
      .send(cosigned.note);
  });
}
