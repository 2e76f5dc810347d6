// GET /live (websocket): newly sealed entries the caller may see, one JSON message each.
// Browsers cannot set headers on a websocket, so the access token comes as ?access_token=.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import type { Tokens } from '../auth/tokens.js';
import type { LiveHub } from '../live.js';

export async function liveRoutes(app: FastifyInstance, deps: { tokens: Tokens; live: LiveHub }): Promise<void> {
  await app.register(websocket);
  app.get('/live', { websocket: true, schema: { hide: true } }, async (socket, req) => {
    const token = (req.query as Record<string, string | undefined>).access_token ?? /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    let actor;
    try {
      actor = await deps.tokens.verify(token ?? '');
    } catch {
      socket.close(4401, 'unauthenticated: pass ?access_token=');
      return;
    }
    const unsubscribe = deps.live.subscribe(actor, (m) => socket.send(JSON.stringify(m)));
    // The feed lasts as long as the access token: the client reconnects with a fresh one.
    const exp = decodeJwt(token!).exp;
    const expiry = exp ? setTimeout(() => socket.close(4401, 'access token expired'), Math.max(0, exp * 1000 - Date.now())) : undefined;
    socket.on('close', () => {
      unsubscribe();
      clearTimeout(expiry);
    });
    socket.send(JSON.stringify({ hello: { personId: actor.personId, role: actor.role } }));
  });
}
