// Logins: a person changes their own password; the park's admin lists people, adds one (a sealed
// registry change, with a login if one is given), gives one a login (or a new password) and takes
// a login away. Each change of a login ends that person's sessions everywhere (refresh tokens
// revoked, older access tokens refused). Logins are never sealed into the log.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { giveLogin, personExists, refuseWeak, weak, wrongPassword } from '../auth/logins.js';
import { checkPassword, hashPassword, NOBODY } from '../auth/passwords.js';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { addPerson, type NewPerson } from '../custody/people.js';
import type { Role } from '../custody/unit-lifecycle.js';
import { Problem } from '../problem.js';
import { PERSON_ROLES } from '../registry/person-roles.js';
import { EventId, problems, Strict, Text, TokenPair } from './schemas.js';

const Password = Type.String({ minLength: 1, maxLength: 200 });
const Username = Type.String({ minLength: 3, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' });
const Person = Type.Object(
  { id: Type.String(), orgId: Type.String(), role: Type.String(), name: Type.String(), username: Type.Union([Type.String(), Type.Null()]) },
  Strict,
);

const AddedPerson = Type.Object({ person: Person, index: Type.Integer(), replayed: Type.Boolean() }, Strict);

export function loginRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { tokens, custody } = deps;
  const admins = guard(tokens, ['admin']);
  app.put('/api/me/password', {
    onRequest: guard(tokens, ALL_ROLES),
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      description: 'Change your password. Every other session of yours ends (other devices log in again); this one continues with the new token pair returned.',
      body: Type.Object({ currentPassword: Password, newPassword: Password }, Strict),
      response: { 200: TokenPair, ...problems(400, 401, 403, 409, 422) },
    },
  }, async (req) => {
    const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
    const { personId } = req.actor!;
    const [login] = await custody.sql.query<{ username: string; password_hash: string; org_id: string; role: Role }>(
      'SELECT c.username, c.password_hash, p.org_id, p.role FROM credentials c JOIN people p ON p.id = c.person_id WHERE c.person_id = $1',
      [personId],
    );
    if (!(await checkPassword(currentPassword, login?.password_hash ?? NOBODY)) || !login) throw wrongPassword('the current password is wrong');
    refuseWeak(newPassword, login.username);
    if (await checkPassword(newPassword, login.password_hash)) throw weak('the new password is the current one');
    const hash = await hashPassword(newPassword);
    // Only over the password just checked: an admin's reset meanwhile is not undone.
    const version = await tokens.endSessions(personId, async (tx) => {
      const changed = await tx.query('UPDATE credentials SET password_hash = $2 WHERE person_id = $1 AND password_hash = $3 RETURNING 1', [personId, hash, login.password_hash]);
      if (changed.length === 0) throw new Problem(409, 'LOGIN_CHANGED', 'Login changed', 'your login was changed or taken away meanwhile: log in again');
    });
    return tokens.issue({ personId, orgId: login.org_id, role: login.role }, version!);
  });

  app.get('/api/people', {
    onRequest: admins,
    schema: { tags: ['auth'], security: [{ bearer: [] }], description: "The park's people and their usernames (null: no login).", response: { 200: Type.Array(Person), ...problems(401, 403) } },
  }, async () =>
    custody.sql.query<{ id: string; orgId: string; role: string; name: string; username: string | null }>(
      'SELECT p.id, p.org_id AS "orgId", p.role, p.name, c.username FROM people p LEFT JOIN credentials c ON c.person_id = p.id ORDER BY p.org_id, p.id',
    ));

  app.post('/api/people', {
    onRequest: admins,
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      description:
        "Add a person to the park's registry (sealed as registry.changed), in a role that fits the organisation's kind: producer in a producer, driver in a transporter, operator in an operator, inspector or admin in an authority. With a username and password, the person gets a login in the same transaction. A retry with the same eventId gets the first answer and adds no one.",
      body: Type.Object(
        { eventId: EventId, orgId: Type.String({ minLength: 1, maxLength: 100 }), role: Type.Union(PERSON_ROLES.map((r) => Type.Literal(r))), name: Text(100), username: Type.Optional(Username), password: Type.Optional(Password) },
        Strict,
      ),
      response: { 201: AddedPerson, 200: AddedPerson, ...problems(400, 401, 403, 409, 422, 503) },
    },
  }, async (req, reply) => {
    const added = await addPerson(custody, req.actor!, req.body as NewPerson);
    return reply.code(added.replayed ? 200 : 201).send(added);
  });

  app.put('/api/people/:id/login', {
    onRequest: admins,
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      description: "Give a person a login, or a new username and password (a forgotten password). Their sessions end: they log in with the new password.",
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, Strict),
      body: Type.Object({ username: Username, password: Password }, Strict),
      response: { 200: Type.Object({ personId: Type.String(), username: Type.String() }, Strict), ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const { username, password } = req.body as { username: string; password: string };
    await giveLogin(custody.sql, tokens, id, username, password);
    return { personId: id, username };
  });

  app.delete('/api/people/:id/login', {
    onRequest: admins,
    schema: {
      tags: ['auth'],
      security: [{ bearer: [] }],
      description: 'Take a login away (someone who left): its sessions end at once. The person stays in the registry and in the log.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, Strict),
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (id === req.actor!.personId) throw new Problem(409, 'OWN_LOGIN', 'Own login', 'an admin cannot take away their own login (another admin can)');
    await personExists(custody.sql, id);
    let removed = 0;
    await tokens.endSessions(id, async (tx) => {
      removed = (await tx.query('DELETE FROM credentials WHERE person_id = $1 RETURNING 1', [id])).length;
    });
    if (removed === 0) throw new Problem(404, 'NOT_FOUND', 'Not found', `person ${id} has no login`);
    return reply.code(204).send();
  });
}
