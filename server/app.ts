// The Fastify app as a factory that never listens: main.ts listens, tests inject.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Context } from './context.js';
import { installProblemHandlers } from './problem.js';
import { ledgerRoutes } from './routes/ledger.js';

export async function buildApp(ctx: Context, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1 << 20 });
  installProblemHandlers(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  ledgerRoutes(app, { reader: ctx.reader, vkey: ctx.key.vkey });
  await app.ready();
  return app;
}
