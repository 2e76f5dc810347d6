// The floor under the custody figures: a route that does strictly less than a custody command.
// The same authenticated POST with the same body, a transaction of one SELECT and one INSERT
// committed to PostgreSQL (a flush to disk, as a command's commit is), and an answer of the same
// size; no ledger, no read side, no checks. Whatever this route cannot reach on the machine, a
// custody command cannot reach either: it is printed beside the goals for the record.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Sql } from '../ledger/store/sql.js';
import { guard } from '../server/auth/guard.js';
import type { Tokens } from '../server/auth/tokens.js';
import { installSecurity, type SecuritySettings } from '../server/security.js';

/** The path the load generator posts to in its 'floor' mode. */
export const FLOOR_PATH = '/api/units';

export async function startFloorServer(opts: { sql: Sql; tokens: Tokens; security: SecuritySettings }): Promise<{ base: string; app: FastifyInstance }> {
  await opts.sql.query('CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body bytea NOT NULL)');
  const app = Fastify({ bodyLimit: 1 << 20 });
  await installSecurity(app, opts.security);
  // About the size of a registration's answer (the unit, its entry and its ledger index).
  const answer = JSON.stringify({ units: [{ unit: { id: 'u'.repeat(36), note: 'x'.repeat(1200) } }], entry: { index: 0 } });
  app.post(FLOOR_PATH, { onRequest: guard(opts.tokens, ['producer']) }, async (req, reply) => {
    const body = Buffer.from(JSON.stringify(req.body));
    await opts.sql.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await tx.commitWith('INSERT INTO bench_floor (body) VALUES ($1)', [body]);
    });
    return reply.code(201).type('application/json').send(answer);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}
