// GET /live (websocket): newly sealed entries the caller may see, one JSON message each.
// Browsers cannot set headers on a websocket, so the access token comes as ?access_token=.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import type { Tokens } from '../auth/tokens.js';
import type { LiveHub } from '../live.js';
import { upgradeRequired } from '../problem.js';

/** The largest websocket message either socket takes (/gateway's readings are a few kB); a larger one closes it with 1009. */
export const MAX_WS_MESSAGE = 1 << 20;
/** /live only sends: a client may say a little (a keep-alive), but this many messages a minute closes it with 1008. */
const LIVE_INBOUND_PER_MINUTE = 120;

export async function liveRoutes(app: FastifyInstance, deps: { tokens: Tokens; live: LiveHub }): Promise<void> {
  await app.register(websocket, { options: { maxPayload: MAX_WS_MESSAGE } });
  app.route({ method: 'GET', url: '/live', schema: { hide: true }, handler: upgradeRequired, wsHandler: async (socket, req) => {
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
    let inbound = 0;
    let windowStart = Date.now();
    socket.on('message', () => {
      if (Date.now() - windowStart > 60_000) [inbound, windowStart] = [0, Date.now()];
      if (++inbound > LIVE_INBOUND_PER_MINUTE) socket.close(1008, 'the live feed takes no messages');
    });
    socket.on('close', () => {
      unsubscribe();
      clearTimeout(expiry);
    });
    socket.send(JSON.stringify({ hello: { personId: actor.personId, role: actor.role } }));
  } });
}
