// Logins: changing one's own password, an admin giving, resetting and taking away a login, and a
// spent refresh token used again. Each ends that person's sessions everywhere: their refresh
// tokens are refused and so are access tokens issued before, though they have not expired.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, personOf, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { expectProblem } from './hostile-support.js';

/** A problem+json answer with this status and stable code. */
function expectCode(res: LightMyRequestResponse, status: number, code: string): void {
  expectProblem(res, `${status} ${code}`);
  expect([res.statusCode, res.json().code]).toEqual([status, code]);
}

type Pair = { accessToken: string; refreshToken: string };

const loginAs = (app: FastifyInstance, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const refresh = (app: FastifyInstance, refreshToken: string) => app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
const me = (app: FastifyInstance, accessToken: string) => new Client(app, accessToken).request('GET', '/api/me');

async function session(app: FastifyInstance, username: string, password: string): Promise<Pair> {
  const res = await loginAs(app, username, password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Both halves of `pair` are refused: the access token on an API route, the refresh token on refresh. */
async function expectEnded(app: FastifyInstance, pair: Pair): Promise<void> {
  expectCode(await me(app, pair.accessToken), 401, 'UNAUTHENTICATED');
  expectCode(await refresh(app, pair.refreshToken), 401, 'UNAUTHENTICATED');
}

describe.each(DRIVERS)('logins, on %s', (driver) => {
  let opened: TestApp;
  let app: FastifyInstance;
  let admin: Client;
  beforeAll(async () => {
    opened = await openTestApp(driver);
    app = opened.app;
    admin = await Client.as(app, 'admin');
  });
  afterAll(() => opened?.close());

  it('changes one’s own password: the other sessions end, this one goes on with the new pair', async () => {
    const phone = await session(app, 'driver', 'driver-demo');
    const laptop = await session(app, 'driver', 'driver-demo');
    const change = (body: object) => new Client(app, laptop.accessToken).request('PUT', '/api/me/password', body);
    expectCode(await change({ currentPassword: 'not-it-at-all', newPassword: 'Wenzhou-harbour-7' }), 403, 'WRONG_PASSWORD');
    expectCode(await change({ currentPassword: 'driver-demo', newPassword: 'short' }), 422, 'WEAK_PASSWORD');
    expectCode(await change({ currentPassword: 'driver-demo', newPassword: 'my-driver-login' }), 422, 'WEAK_PASSWORD'); // holds the username
    expectCode(await change({ currentPassword: 'driver-demo', newPassword: 'aaaaaaaaaaaaab' }), 422, 'WEAK_PASSWORD');
    expect((await me(app, phone.accessToken)).statusCode).toBe(200); // nothing changed yet
    const changed = await change({ currentPassword: 'driver-demo', newPassword: 'Wenzhou-harbour-7' });
    expect(changed.statusCode, changed.body).toBe(200);
    await expectEnded(app, phone);
    await expectEnded(app, laptop);
    expect((await me(app, changed.json().accessToken)).statusCode).toBe(200);
    expect((await refresh(app, changed.json().refreshToken)).statusCode).toBe(200);
    expectCode(await loginAs(app, 'driver', 'driver-demo'), 401, 'UNAUTHENTICATED');
    const fresh = await session(app, 'driver', 'Wenzhou-harbour-7');
    // The new password is not accepted as a change to itself; then put the demo password back.
    const again = new Client(app, fresh.accessToken);
    expectCode(await again.request('PUT', '/api/me/password', { currentPassword: 'Wenzhou-harbour-7', newPassword: 'Wenzhou-harbour-7' }), 422, 'WEAK_PASSWORD');
    expect((await admin.request('PUT', `/api/people/${personOf('driver').id}/login`, { username: 'driver', password: 'back-to-the-demo-1' })).statusCode).toBe(200);
    await expectEnded(app, fresh);
  });

  it('ends every session of a login whose spent refresh token is used again, after a moment’s grace', async () => {
    const other = await session(app, 'operator', 'operator-demo');
    const first = await session(app, 'operator', 'operator-demo');
    const rotated = await refresh(app, first.refreshToken);
    expect(rotated.statusCode).toBe(200);
    // At once (an answer lost on the way, a second tab): refused, and nothing ends.
    const retried = await refresh(app, first.refreshToken);
    expectCode(retried, 401, 'UNAUTHENTICATED');
    expect(retried.json().detail).toMatch(/a moment ago/);
    expect((await me(app, rotated.json().accessToken)).statusCode).toBe(200);
    expect((await me(app, other.accessToken)).statusCode).toBe(200);
    // Later: two holders of one token, one of them a thief.
    await opened.ctx.db.sql.query("UPDATE refresh_tokens SET rotated_at = rotated_at - interval '1 minute' WHERE person_id = $1 AND rotated_at IS NOT NULL", [personOf('operator').id]);
    const reused = await refresh(app, first.refreshToken);
    expectCode(reused, 401, 'UNAUTHENTICATED');
    expect(reused.json().detail).toMatch(/already used/);
    await expectEnded(app, rotated.json());
    await expectEnded(app, other);
    // A refresh token never issued is refused, and ends nothing.
    const next = await session(app, 'operator', 'operator-demo');
    expectCode(await refresh(app, 'x'.repeat(43)), 401, 'UNAUTHENTICATED');
    expect((await me(app, next.accessToken)).statusCode).toBe(200);
  });

  it('lets the admin list people, take a login away, give it back and reset a password', async () => {
    const inspector = personOf('inspector');
    const people = await admin.request('GET', '/api/people');
    expect(people.statusCode).toBe(200);
    expect(people.json()).toContainEqual({ id: inspector.id, orgId: inspector.orgId, role: 'inspector', name: inspector.name, username: 'inspector' });
    const before = await session(app, 'inspector', 'inspector-demo');

    expect((await admin.request('DELETE', `/api/people/${inspector.id}/login`)).statusCode).toBe(204);
    await expectEnded(app, before);
    expectCode(await loginAs(app, 'inspector', 'inspector-demo'), 401, 'UNAUTHENTICATED');
    expect((await admin.request('GET', '/api/people')).json()).toContainEqual(expect.objectContaining({ id: inspector.id, username: null }));
    expectCode(await admin.request('DELETE', `/api/people/${inspector.id}/login`), 404, 'NOT_FOUND');

    const give = (who: string, body: object) => admin.request('PUT', `/api/people/${who}/login`, body);
    expectCode(await give(inspector.id, { username: 'producer', password: 'Ningbo-customs-4' }), 409, 'USERNAME_TAKEN');
    expectCode(await give(inspector.id, { username: 'sun.li', password: 'sun.li-2026!' }), 422, 'WEAK_PASSWORD');
    expectCode(await give('p-nobody', { username: 'nobody', password: 'Ningbo-customs-4' }), 404, 'NOT_FOUND');
    const given = await give(inspector.id, { username: 'sun.li', password: 'Ningbo-customs-4' });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json()).toEqual({ personId: inspector.id, username: 'sun.li' });
    const after = await session(app, 'sun.li', 'Ningbo-customs-4');
    expect((await me(app, after.accessToken)).json()).toMatchObject({ personId: inspector.id, role: 'inspector' });

    // A reset (a forgotten password) ends the sessions of the old one, as a change does.
    expect((await give(inspector.id, { username: 'inspector', password: 'inspector-demo' })).statusCode).toBe(422); // holds the username
    expect((await give(inspector.id, { username: 'inspector', password: 'Jiaxing-canal-22' })).statusCode).toBe(200);
    await expectEnded(app, after);
    expectCode(await loginAs(app, 'sun.li', 'Ningbo-customs-4'), 401, 'UNAUTHENTICATED');
    expect((await loginAs(app, 'inspector', 'Jiaxing-canal-22')).statusCode).toBe(200);
  });

  it('gives a login taken away and given again a new session version: tokens from before stay refused', async () => {
    const person = personOf('operator2');
    const before = await session(app, 'operator2', 'operator2-demo');
    expect((await admin.request('DELETE', `/api/people/${person.id}/login`)).statusCode).toBe(204);
    expect((await admin.request('PUT', `/api/people/${person.id}/login`, { username: 'operator2', password: 'Quzhou-orange-88' })).statusCode).toBe(200);
    await expectEnded(app, before);
    expect((await loginAs(app, 'operator2', 'Quzhou-orange-88')).statusCode).toBe(200);
  });

  it('issues tokens that are refused from the start when the login changed while it was being checked', async () => {
    // A login (or refresh) read the session version with the password; an admin's reset committed
    // before its tokens were made: they are made under the old version, and refused.
    const person = personOf('producer2');
    const [{ session_version: read }] = await opened.ctx.db.sql.query<{ session_version: unknown }>('SELECT session_version FROM credentials WHERE person_id = $1', [person.id]);
    expect((await admin.request('PUT', `/api/people/${person.id}/login`, { username: 'producer2', password: 'Huzhou-silk-road-3' })).statusCode).toBe(200);
    const late = await opened.ctx.tokens.issue({ personId: person.id, orgId: person.orgId, role: 'producer' }, Number(read));
    await expectEnded(app, late);
    expect((await loginAs(app, 'producer2', 'Huzhou-silk-road-3')).statusCode).toBe(200);
  });

  it('refuses an admin taking away their own login, and everyone else the admin routes', async () => {
    expectCode(await admin.request('DELETE', `/api/people/${personOf('admin').id}/login`), 409, 'OWN_LOGIN');
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(200);
    for (const who of ['producer', 'driver2', 'operator'] as Who[]) {
      const c = await Client.as(app, who);
      expectCode(await c.request('GET', '/api/people'), 403, 'ROLE_FORBIDDEN');
      expectCode(await c.request('DELETE', `/api/people/${personOf('admin').id}/login`), 403, 'ROLE_FORBIDDEN');
      expectCode(await c.request('PUT', `/api/people/${personOf(who).id}/login`, { username: who, password: 'Shaoxing-wine-99' }), 403, 'ROLE_FORBIDDEN');
    }
  });
});
