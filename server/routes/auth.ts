// Login, refresh, logout, who am I, and enrolling one's signing key.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { JWK } from 'jose';
import { checkPassword, NOBODY } from '../auth/passwords.js';
import { wrongPassword } from '../auth/logins.js';
import { ALL_ROLES, guard } from '../auth/guard.js';
import { AuthError, type Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { enrollKey } from '../custody/people.js';
import { Problem as ProblemError } from '../problem.js';
import { Jws, problems, Strict, Jwk, TokenPair } from './schemas.js';


export function authRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { tokens, custody } = deps;
  const unauthorised = (detail: string) => new ProblemError(401, 'UNAUTHENTICATED', 'Unauthenticated', detail);

  app.post('/api/auth/login', {
    schema: {
      tags: ['auth'],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, Strict),
      response: { 200: TokenPair, ...problems(400, 401) },
    },
  }, async (req) => {
    const { username, password } = req.body as { username: string; password: string };
    // The session version read with the password: a reset committed while this login is checked
    // leaves it tokens that are refused from the start.
    const [row] = await custody.sql.query<{ person_id: string; password_hash: string; org_id: string; role: string; session_version: unknown }>(
      'SELECT c.person_id, c.password_hash, c.session_version, p.org_id, p.role FROM credentials c JOIN people p ON p.id = c.person_id WHERE c.username = $1',
      [username],
    );
    const ok = await checkPassword(password, row?.password_hash ?? NOBODY);
    if (!row || !ok) throw unauthorised('wrong username or password');
    return tokens.issue({ personId: row.person_id, orgId: row.org_id, role: row.role as never }, Number(row.session_version));
  });

  app.post('/api/auth/refresh', {
    schema: {
      tags: ['auth'],
      body: Type.Object({ refreshToken: Type.String({ minLength: 20, maxLength: 200 }) }, Strict),
      response: { 200: TokenPair, ...problems(400, 401) },
    },
  }, async (req) => {
    try {
      return await tokens.refresh((req.body as { refreshToken: string }).refreshToken);
    } catch (e) {
      if (e instanceof AuthError) throw unauthorised(e.message);
      throw e;
    }
  });

  app.post('/api/auth/logout', {
    schema: {
      tags: ['auth'],
      description: 'Revoke a refresh token. Answers 204 whether or not it was still valid (it says nothing about tokens).',
      body: Type.Object({ refreshToken: Type.String({ minLength: 20, maxLength: 200 }) }, Strict),
      response: { 204: Type.Null(), ...problems(400) },
    },
  }, async (req, reply) => {
    await tokens.revoke((req.body as { refreshToken: string }).refreshToken);
    return reply.code(204).send();
  });

  app.get('/api/me', {
    onRequest: guard(tokens, ALL_ROLES),
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      response: {
        200: Type.Object({ personId: Type.String(), orgId: Type.String(), role: Type.String(), name: Type.String(), keyEnrolled: Type.Boolean() }, Strict),
        ...problems(401),
      },
    },
  }, async (req) => {
    const a = req.actor!;
    const [p] = await custody.sql.query<{ name: string; public_jwk: unknown }>('SELECT name, public_jwk FROM people WHERE id = $1', [a.personId]);
    return { ...a, name: p?.name ?? '', keyEnrolled: Boolean(p?.public_jwk) };
  });

  app.put('/api/me/key', {
    onRequest: guard(tokens, ALL_ROLES),
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      description: 'Enrol the public key your steps will be signed with (sealed as a registry change). Takes your password and `proof`: a compact JWS by the new key over the RFC 8785 form of {"action":"key.enrol","person":"<your id>"}.',
      body: Type.Object({ jwk: Jwk, password: Type.String({ minLength: 1, maxLength: 200 }), proof: Jws }, Strict),
      response: { 200: Type.Object({ index: Type.Integer() }, Strict), ...problems(400, 401, 403, 422) },
    },
  }, async (req) => {
    const { jwk, password, proof } = req.body as { jwk: JWK; password: string; proof: string };
    const [cred] = await custody.sql.query<{ password_hash: string }>('SELECT password_hash FROM credentials WHERE person_id = $1', [req.actor!.personId]);
    if (!(await checkPassword(password, cred?.password_hash ?? NOBODY))) throw wrongPassword('enrolling a key takes your password');
    return enrollKey(custody, req.actor!, jwk, proof);
  });
}
