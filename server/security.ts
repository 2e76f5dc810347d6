// HTTP hardening: helmet's headers on every answer, CORS closed unless origins are
// configured, and rate limits where a stranger can knock: login (per address and username, so
// guessing one account's password is slow without locking the others out, and five times that
// per address across usernames) and the public QR pages (per address). A limited caller gets 429 problem+json with Retry-After.
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { Problem } from './problem.js';

export interface SecuritySettings {
  /** Origins allowed to call the API from a browser page they serve (none by default). */
  corsOrigins: string[];
  /** Login attempts a minute per address and username. */
  loginPerMinute: number;
  /** Public page requests a minute per address. */
  publicPerMinute: number;
}

export const DEFAULT_SECURITY: SecuritySettings = { corsOrigins: [], loginPerMinute: 10, publicPerMinute: 120 };

/**
 * A limit for each signed-in person rather than each address: a park's staff often share one
 * address (a NAT), and a stolen token is held to the person's own limit. Counted after the guard
 * (which names the person) and the body's validation (a malformed request guesses nothing).
 */
const perPerson = (max: number) => ({
  max,
  timeWindow: 60_000,
  hook: 'preHandler',
  keyGenerator: (req: FastifyRequest) => (req.actor ? `person:${req.actor.personId}` : `address:${req.ip}`),
});

const LIMITED: Record<string, (s: SecuritySettings) => object> = {
  'POST /api/auth/login': (s) => ({
    max: s.loginPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler', // after the body is parsed: the key names the account
    keyGenerator: (req: FastifyRequest) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').slice(0, 100)}`,
  }),
  'POST /api/auth/refresh': (s) => ({ max: s.loginPerMinute * 6, timeWindow: 60_000 }),
  // Routes that check a password, for a caller already signed in: as slow to guess through as login.
  'PUT /api/me/password': (s) => perPerson(s.loginPerMinute),
  'PUT /api/me/key': (s) => perPerson(s.loginPerMinute),
  // Each subscription looks its host up in DNS.
  'POST /api/webhooks': (s) => perPerson(s.loginPerMinute * 3),
  'GET /8003/:grai': (s) => ({ max: s.publicPerMinute, timeWindow: 60_000 }),
};

/** Login attempts a minute from one address across all usernames, as a multiple of the per-account limit. */
export const LOGIN_ADDRESS_FACTOR = 5;

/** Register before the routes: the limits attach to them as they are declared. */
export async function installSecurity(app: FastifyInstance, s: SecuritySettings): Promise<void> {
  // helmet's middleware built once (@fastify/helmet built it again for every request).
  const secureHeaders = helmet();
  app.addHook('onRequest', (req, reply, done) => secureHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
  if (s.corsOrigins.length > 0) await app.register(cors, { origin: s.corsOrigins, methods: ['GET', 'POST', 'PUT', 'DELETE'] });
  const loginsPerAddress = addressLimit(s.loginPerMinute * LOGIN_ADDRESS_FACTOR, 60_000);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      const limit = LIMITED[`${method} ${r.url}`];
      if (limit) r.config = { ...(r.config as object), rateLimit: limit(s) } as typeof r.config;
      // Besides each account's limit, one per address: guesses spread over many usernames (a
      // password tried against every account) are slowed too.
      // (@fastify/rate-limit runs one limit a request, so this one is our own.)
      if (`${method} ${r.url}` === 'POST /api/auth/login') r.preHandler = [loginsPerAddress, ...[r.preHandler ?? []].flat()];
    }
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new Problem(429, 'RATE_LIMITED', 'Too many requests', `at most ${ctx.max} in ${ctx.after}: try again later`),
  });
}

/** At most `max` requests an address in each window of `windowMs`; then 429 with Retry-After. Bounded memory. */
function addressLimit(max: number, windowMs: number): preHandlerHookHandler {
  const seen = new Map<string, { count: number; since: number }>();
  return async (req, reply) => {
    const now = Date.now();
    let w = seen.get(req.ip);
    if (!w || now - w.since >= windowMs) {
      if (seen.size >= 10_000) for (const [ip, old] of seen) if (now - old.since >= windowMs || seen.size >= 10_000) seen.delete(ip);
      seen.set(req.ip, (w = { count: 0, since: now }));
    }
    if (++w.count <= max) return;
    reply.header('retry-after', Math.ceil((w.since + windowMs - now) / 1000));
    throw new Problem(429, 'RATE_LIMITED', 'Too many requests', `at most ${max} login attempts a minute from one address: try again later`);
  };
}
