// The witness's HTTP face: POST /add-checkpoint (C2SP tlog-witness) and a health check.
// A factory that never listens: main.ts listens, tests inject or listen on port 0.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Witness } from './witness.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function buildWitnessApp(witness: Witness, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  // A checkpoint, 63 proof lines and a few signatures fit in a few kilobytes.
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 64 * 1024 });
  // The body is text whatever the client calls it; JSON parsing must never see it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok', witness: witness.name }));

  app.post('/add-checkpoint', async (req, reply) => {
    let body: string;
    try {
      body = req.body instanceof Buffer ? decoder.decode(req.body) : '';
    } catch {
      return reply.code(400).type('text/plain; charset=utf-8').send('the body is not UTF-8\n');
    }
    const answer = await witness.addCheckpoint(body);
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'add-checkpoint failed');
    return reply.code(status).type('text/plain; charset=utf-8').send(status === 500 ? 'internal error\n' : `${err.message}\n`);
  });
  await app.ready();
  return app;
}
