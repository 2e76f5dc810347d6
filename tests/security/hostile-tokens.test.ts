// Access tokens an attacker can make: alg none, a key that is not the server's, an algorithm the
// server does not use, an expired one signed with the real key, a real one with its payload
// edited, and junk. Every one is 401 problem+json on HTTP and closed 4401 on /live, and no answer
// carries data. A real token of another organisation is refused on this organisation's units and
// manifests (403/404, never the record), lists never show them, and /live never carries them.
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AuthError, loadJwtSecret, Tokens } from '../../server/auth/tokens.js';
import { Client, eventId, login, personOf } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg } from '../helpers/park.js';
import { expectProblem, recorded } from './hostile-support.js';

const PROTECTED = ['/api/me', '/api/units', '/api/manifests', '/api/findings', '/api/devices', '/api/me/waiting'];

/** The messages a /live socket gets within `ms`, and how it was closed (if it was). */
function listen(port: number, token: string, ms: number): Promise<{ messages: Record<string, unknown>[]; close?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live?access_token=${encodeURIComponent(token)}`);
    const messages: Record<string, unknown>[] = [];
    let close: number | undefined;
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    ws.on('close', (code) => (close = code));
    ws.on('error', () => {});
    setTimeout(() => {
      ws.terminate();
      resolve({ messages, close });
    }, ms);
  });
}

describe.each(DRIVERS)('hostile access tokens, on %s', (driver) => {
  let opened: TestApp;
  let port = 0;
  let producer: Client;
  let real = '';
  let forged: Record<string, string> = {};
  /** A login's current session version, which tokens are issued under. */
  const versionOf = async (personId: string) =>
    Number((await opened.ctx.db.sql.query<{ session_version: unknown }>('SELECT session_version FROM credentials WHERE person_id = $1', [personId]))[0].session_version);

  beforeAll(async () => {
    opened = await openTestApp(driver);
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    port = (opened.app.server.address() as { port: number }).port;
    real = await login(opened.app, 'producer');
    producer = new Client(opened.app, real);
    const me = personOf('producer');
    const claims = { org: 'org-linhai-eeb', role: 'admin' }; // what a forger wants to be
    const serverSecret = loadJwtSecret(opened.ctx.config.dataDir, opened.ctx.config.jwtSecret);
    const stranger = await generateKeyPair('ES256');
    const [h, , s] = real.split('.');
    const payload = JSON.parse(Buffer.from(real.split('.')[1], 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...payload, ...claims })).toString('base64url');
    forged = {
      'alg none': new UnsecuredJWT({ ...claims }).setSubject(me.id).setIssuedAt().setExpirationTime('1h').encode(),
      'alg none, real payload': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${real.split('.')[1]}.`,
      'HS256 by another secret': await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(me.id).setExpirationTime('1h').sign(new TextEncoder().encode('not-the-server-secret-0123456789')),
      'ES256 by a stranger\'s key': await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject(me.id).setExpirationTime('1h').sign(stranger.privateKey),
      'HS512 by the server\'s own secret': await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).setSubject(me.id).setExpirationTime('1h').sign(serverSecret),
      'expired, by the server\'s own secret': await new SignJWT({ org: me.orgId, role: 'producer' }).setProtectedHeader({ alg: 'HS256' }).setSubject(me.id).setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(serverSecret),
      'payload edited, signature kept': `${h}.${edited}.${s}`,
      'signature stripped': `${h}.${real.split('.')[1]}.`,
      'signature of another token': `${h}.${edited}.${(await login(opened.app, 'admin')).split('.')[2]}`,
      junk: 'a.b.c',
    };
  });
  afterAll(() => opened?.close());

  it('refuses every forged, expired or edited token with 401 problem+json and no data', async () => {
    for (const [what, token] of Object.entries(forged)) {
      for (const url of PROTECTED) {
        const res = await opened.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        expect(expectProblem(res, `${what} on ${url}`)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
        expect(Object.keys(res.json()).sort(), what).toEqual(['code', 'detail', 'instance', 'status', 'title', 'type']);
      }
    }
    for (const header of ['Bearer', 'Bearer ', `Basic ${Buffer.from('producer:producer-demo').toString('base64')}`, `Bearer ${real} extra`, `bearer ${real}`, `Token ${real}`]) {
      expect(expectProblem(await opened.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: header } }), header).status).toBe(401);
    }
    // A forged admin cannot write either, and nothing is sealed.
    const before = await recorded(opened.ctx);
    const res = await opened.app.inject({ method: 'POST', url: '/api/webhooks', payload: { url: 'http://127.0.0.1:9/x' }, headers: { authorization: `Bearer ${forged['alg none']}` } });
    expect(expectProblem(res, 'alg none POST').status).toBe(401);
    expect(await recorded(opened.ctx)).toBe(before);
    expect((await opened.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${real}` } })).statusCode).toBe(200);
  });

  it('closes /live with 4401 for every forged, expired or edited token, before sending anything', async () => {
    const results = await Promise.all(Object.values(forged).map((t) => listen(port, t, 800)));
    for (const [i, r] of results.entries()) {
      expect(r.close, Object.keys(forged)[i]).toBe(4401);
      expect(r.messages, Object.keys(forged)[i]).toEqual([]);
    }
  });

  it('ends every session when the secret changes: a refresh token issued under the old one is refused', async () => {
    const ttl = { access: 60, refresh: 600 };
    const actor = { personId: personOf('producer').id, orgId: 'org-hengkang', role: 'producer' as const };
    const before = new Tokens(opened.ctx.db.sql, new TextEncoder().encode('the-old-secret-0123456789abcdef'), ttl);
    const after = new Tokens(opened.ctx.db.sql, new TextEncoder().encode('the-new-secret-0123456789abcdef'), ttl);
    const pair = await before.issue(actor, await versionOf(actor.personId));
    await expect(after.refresh(pair.refreshToken)).rejects.toBeInstanceOf(AuthError);
    await expect(after.verify(pair.accessToken)).rejects.toBeInstanceOf(AuthError);
    expect((await before.refresh(pair.refreshToken)).refreshToken).not.toBe(pair.refreshToken); // still good under the old one
  });

  it('issues no new tokens to a person whose login was taken away, though their refresh token is unspent', async () => {
    const tokens = new Tokens(opened.ctx.db.sql, new TextEncoder().encode('a-secret-for-this-case-0123456789'), { access: 60, refresh: 600 });
    const person = personOf('driver2').id;
    const actor = { personId: person, orgId: 'org-taihang', role: 'driver' as const };
    const [pair, other] = [await tokens.issue(actor, await versionOf(person)), await tokens.issue(actor, await versionOf(person))];
    expect((await tokens.refresh(other.refreshToken)).accessToken).toBeTruthy(); // while the login exists
    const [login] = await opened.ctx.db.sql.query<Record<string, unknown>>('DELETE FROM credentials WHERE person_id = $1 RETURNING *', [person]);
    try {
      await expect(tokens.refresh(pair.refreshToken)).rejects.toThrow(/taken away/);
    } finally {
      await opened.ctx.db.sql.query('INSERT INTO credentials (person_id, username, password_hash) VALUES ($1, $2, $3)', [login.person_id, login.username, login.password_hash]);
    }
  });

  it('refuses a token once it expires, though it was checked (and remembered) while it was good', async () => {
    const tokens = new Tokens(opened.ctx.db.sql, new TextEncoder().encode('a-secret-for-this-case-0123456789'), { access: 60, refresh: 600 });
    const actor = { personId: personOf('producer').id, orgId: 'org-hengkang', role: 'producer' as const };
    const { accessToken } = await tokens.issue(actor, await versionOf(actor.personId));
    expect(await tokens.verify(accessToken)).toEqual(actor);
    expect(await tokens.verify(accessToken)).toEqual(actor);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      await expect(tokens.verify(accessToken)).rejects.toBeInstanceOf(AuthError);
    } finally {
      vi.useRealTimers();
    }
    const edited = `${accessToken.slice(0, -2)}${accessToken.endsWith('AA') ? 'AB' : 'AA'}`;
    await expect(tokens.verify(edited)).rejects.toBeInstanceOf(AuthError);
  });

  it("refuses another organisation's token on this organisation's unit and manifest, and never shows them", async () => {
    const { unit } = await producer.register();
    const m = await producer.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unit.id], plannedDate: '2026-12-01' });
    expect(m.statusCode, m.body).toBe(201);
    const manifestId = m.json().manifest.id as string;
    const before = await recorded(opened.ctx);
    const producer2 = await Client.as(opened.app, 'producer2');
    const driver2 = await Client.as(opened.app, 'driver2');
    const operator2 = await Client.as(opened.app, 'operator2');
    const attempts: [Client, 'GET' | 'POST', string, unknown?][] = [
      [producer2, 'GET', `/api/units/${unit.id}`], [producer2, 'GET', `/api/units/${unit.id}/history`], [producer2, 'GET', `/api/units/${unit.id}/evidence`],
      [producer2, 'GET', `/api/units/${unit.id}/epcis`], [producer2, 'GET', `/api/units/${unit.id}/label.svg`], [producer2, 'GET', `/api/manifests/${manifestId}`],
      [producer2, 'GET', `/api/manifests/${manifestId}/evidence`], [producer2, 'GET', `/api/manifests/${manifestId}/manifest.pdf`], [producer2, 'GET', `/api/manifests/${manifestId}/epcis`],
      [producer2, 'POST', `/api/units/${unit.id}/weighings`, { eventId: eventId('w'), grossKg: '210.5', tareKg: '18.2', source: 'manual' }],
      [producer2, 'POST', `/api/units/${unit.id}/storage`, { eventId: eventId('s'), siteId: 'site-ruitai-store', bay: 'A1' }],
      [producer2, 'POST', `/api/manifests/${manifestId}/signature`, { eventId: eventId('sig') }],
      [producer2, 'POST', `/api/manifests/${manifestId}/cancellation`, { eventId: eventId('c'), reason: 'not mine to cancel' }],
      [driver2, 'POST', `/api/manifests/${manifestId}/pickup`, { eventId: eventId('p'), vehiclePlate: '浙J·T0001', scannedUnitIds: [unit.id] }],
      [operator2, 'POST', `/api/manifests/${manifestId}/receipt`, { eventId: eventId('r'), decisions: [{ unitId: unit.id, accept: true }] }],
    ];
    for (const [who, method, url, body] of attempts) {
      const res = await who.request(method, url, body);
      const p = expectProblem(res, `${method} ${url}`);
      expect([403, 404, 409, 422], `${method} ${url}: ${res.body}`).toContain(p.status);
      expect(res.body, `${method} ${url} leaks the record`).not.toContain('精馏残渣');
    }
    expect(await recorded(opened.ctx)).toBe(before);
    expect(JSON.stringify((await producer2.request('GET', '/api/units?limit=1000')).json())).not.toContain(unit.id);
    expect(JSON.stringify((await producer2.request('GET', '/api/manifests?limit=1000')).json())).not.toContain(manifestId);
  });

  it("never pushes one organisation's entries to another's /live socket", async () => {
    const other = await login(opened.app, 'producer2');
    const mine = listen(port, real, 1500);
    const theirs = listen(port, other, 1500);
    await new Promise((r) => setTimeout(r, 300));
    const { unit } = await producer.register();
    const [m, t] = await Promise.all([mine, theirs]);
    expect(JSON.stringify(m.messages)).toContain(unit.id);
    expect(JSON.stringify(t.messages)).not.toContain(unit.id);
    expect(t.messages.length).toBeGreaterThan(0); // its hello: the socket was open
  });
});
