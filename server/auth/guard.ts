// Route guards: who is calling (Bearer access token) and whether their role may use the route.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../custody/context.js';
import type { Role } from '../custody/unit-lifecycle.js';
import { Problem } from '../problem.js';
import { AuthError, type Tokens } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Requires a valid access token and one of `roles`. */
export function guard(tokens: Tokens, roles: readonly Role[]): Guard {
  return async (req) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m) throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'send an access token: Authorization: Bearer <token>');
    try {
      req.actor = await tokens.verify(m[1]);
    } catch (e) {
      if (e instanceof AuthError) throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', e.message);
      throw e;
    }
    if (!roles.includes(req.actor.role)) {
      throw new Problem(403, 'ROLE_FORBIDDEN', 'Forbidden', `this needs one of the roles ${roles.join(', ')}; you are ${req.actor.role}`);
    }
  };
}

export const ALL_ROLES: readonly Role[] = ['producer', 'driver', 'operator', 'inspector', 'admin'];
