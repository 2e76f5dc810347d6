// The floors under the custody figures: routes that do strictly less than a custody command.
// The same authenticated POST with the same body, a transaction of one SELECT and one INSERT
// committed to PostgreSQL (a flush to disk, as a command's commit is), and an answer of the same
// size; no read side, no checks. The plain floor inserts into a table of its own; the sealed floor
// puts the body into the ledger's intake as an entry and answers once the sequencer has sealed it
// (DESIGN.md §3's least: a batch, its tiles and a signed checkpoint). Whatever these cannot reach
// on the machine, a custody command cannot reach either: they are printed beside the goals.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { encodeEntry, leafHash } from '../ledger/index.js';
import type { Sequencer } from '../ledger/store/sequencer.js';
import type { Sql } from '../ledger/store/sql.js';
import { guard } from '../server/auth/guard.js';
import type { Tokens } from '../server/auth/tokens.js';
import { installSecurity, type SecuritySettings } from '../server/security.js';

/** The path the load generator posts to in its 'floor' mode. */
export const FLOOR_PATH = '/api/units';

/** With `sequencer`, the sealed floor; without, the plain one. */
export async function startFloorServer(opts: { sql: Sql; tokens: Tokens; security: SecuritySettings; sequencer?: Sequencer }): Promise<{ base: string; app: FastifyInstance }> {
  await opts.sql.query('CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body bytea NOT NULL)');
  const app = Fastify({ bodyLimit: 1 << 20 });
  await installSecurity(app, opts.security);
  // About the size of a registration's answer (the unit, its entry and its ledger index).
  const answer = JSON.stringify({ units: [{ unit: { id: 'u'.repeat(36), note: 'x'.repeat(1200) } }], entry: { index: 0 } });
  const { sequencer } = opts;
  app.post(FLOOR_PATH, { onRequest: guard(opts.tokens, ['producer']) }, async (req, reply) => {
    if (!sequencer) {
      const body = Buffer.from(JSON.stringify(req.body));
      await opts.sql.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await tx.commitWith('INSERT INTO bench_floor (body) VALUES ($1)', [body]);
      });
      return reply.code(201).type('application/json').send(answer);
    }
    // A sighting names no unit of the read side, so no finding rule looks it up.
    const entry = encodeEntry({ v: 1, type: 'unit.sighted', at: new Date().toISOString(), by: { role: 'producer' }, data: { floor: req.body as Record<string, unknown> } });
    const leaf = leafHash(entry.body);
    const id = await opts.sql.transaction(async (tx) => {
      await tx.query('SELECT 1');
      const [row] = await tx.commitWith<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type) VALUES ($1, $2, $3) RETURNING id', [entry.body, leaf, entry.type]);
      return Number(row.id);
    });
    await sequencer.sealIntake(id, { leafHash: leaf, entry });
    return reply.code(201).type('application/json').send(answer);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}
