// Units over HTTP on both drivers: the write path, signatures, replays, scope and bad input.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fromUtf8, leafHash, parseVkey, toBase64 } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client, eventId, personOf, registration, signClaim } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

const TAG = '3315A537C8000440000F4241'; // GRAI-96 of company 6901234 (devices.md §3.2)
const OTHER_TAG = '3315A537C8000440000F4242';

describe.each(DRIVERS)('units over HTTP on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let producer: Client;
  let producer2: Client;
  let unitId: string;

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    await app.listen({ port: 0, host: '127.0.0.1' });
    producer = await Client.as(app, 'producer');
    producer2 = await Client.as(app, 'producer2');
  });
  afterAll(() => opened?.close());

  const entryAt = async (index: number) => JSON.parse(fromUtf8((await ctx.reader.entry(index))!));

  it('logs in, refreshes once, and refuses bad credentials and tokens', async () => {
    const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'producer', password: 'producer-demo' } });
    expect(ok.statusCode).toBe(200);
    const { refreshToken } = ok.json();
    const refreshed = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'producer', password: 'nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nope' } })).statusCode).toBe(401);
    // Logging out revokes the refresh token in hand; the answer is the same for one already gone.
    const logout = (token: string) => app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken: token } });
    expect((await logout(refreshed.json().refreshToken)).statusCode).toBe(204);
    expect((await logout(refreshed.json().refreshToken)).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: refreshed.json().refreshToken } })).statusCode).toBe(401);
    const me = await new Client(app, refreshed.json().accessToken).request('GET', '/api/me');
    expect(me.json()).toMatchObject({ personId: personOf('producer').id, orgId: 'org-hengkang', role: 'producer', keyEnrolled: true });
    expect((await new Client(app, 'garbage').request('GET', '/api/me')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/me' })).headers['content-type']).toMatch(/problem\+json/);
    // The spent refresh token used again is refused (and, after a moment's grace, ends every
    // session of the login: tests/security/logins.test.ts).
    expect((await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } })).statusCode).toBe(401);
  });

  it('registers a unit: HJ 1276 code, tag, entry sealed with its index, server-attested', async () => {
    const { unit, entry } = await producer.register({ epc: TAG });
    unitId = unit.id;
    expect(unit).toMatchObject({ state: 'registered', producerOrgId: 'org-hengkang', wasteCategory: 'HW02', grai: '069012340001771000001', entries: 1 });
    expect(unit.hjCode).toMatch(/^9133108214815273XT2710010220261120\d{3}$/);
    const sealed = await entryAt(entry.index);
    expect(sealed).toMatchObject({ type: 'unit.registered', unit: unit.id, by: { org: 'org-hengkang', role: 'producer' } });
    expect(sealed.prev).toBeUndefined();
    expect(sealed.sig).toEqual([{ attestation: 'server', by: `person:${personOf('producer').id}` }]);
    expect(toBase64(leafHash((await ctx.reader.entry(entry.index))!))).toBe(entry.leafHash);
  });

  it('weighs, stores and retrieves, each entry linked to the previous one', async () => {
    const w = await producer.request('POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: '212.5', tareKg: '18.25', source: 'manual' });
    expect(w.statusCode).toBe(201);
    expect(w.json().unit).toMatchObject({ grossKg: '212.5', tareKg: '18.25', netKg: '194.25' });
    const s = await producer.request('POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'B-07' });
    expect(s.json().unit).toMatchObject({ state: 'stored', storageSiteId: 'site-hengkang-store', storageBay: 'B-07' });
    const r = await producer.request('POST', `/api/units/${unitId}/retrieval`, { eventId: eventId(), reason: 'to the loading bay' });
    expect(r.json().unit.state).toBe('retrieved');
    const history = (await producer.request('GET', `/api/units/${unitId}/history`)).json();
    expect(history.entries.map((e: { type: string }) => e.type)).toEqual(['unit.registered', 'unit.weighed', 'unit.stored', 'unit.retrieved']);
    for (let i = 1; i < history.entries.length; i++) {
      const prev = history.entries[i - 1].index;
      const e = await entryAt(history.entries[i].index);
      expect(e.prev.unit).toBe(toBase64(leafHash((await ctx.reader.entry(prev))!)));
    }
  });

  it('refuses moves the lifecycle does not allow, and bad weights', async () => {
    const again = await producer.request('POST', `/api/units/${unitId}/retrieval`, { eventId: eventId() });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('TRANSITION_REFUSED');
    for (const [grossKg, tareKg] of [['10', '20'], ['1.2345', '1'], ['-5', '1'], ['1e3', '1']]) {
      const res = await producer.request('POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg, tareKg, source: 'manual' });
      expect(res.statusCode, `${grossKg}/${tareKg}`).toBe(422);
      expect(res.json().code).toBe('BAD_WEIGHT');
    }
    const scaleWithoutDevice = await producer.request('POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: '100', tareKg: '10', source: 'scale' });
    expect(scaleWithoutDevice.json().code).toBe('BAD_WEIGHT');
    const wrongSite = await producer.request('POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-ruitai-store', bay: 'A' });
    expect(wrongSite.json().code).toBe('UNKNOWN_SITE');
    const plant = await producer.request('POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-hengkang-plant', bay: 'A' });
    expect(plant.json().code).toBe('UNKNOWN_SITE');
  });

  it('binds tags: refuses malformed, foreign and already bound ones', async () => {
    const { unit } = await producer.register();
    const tag = (epc: string) => producer.request('POST', `/api/units/${unit.id}/tag`, { eventId: eventId(), epc });
    expect((await tag('ZZZZ')).json().code).toBe('BAD_TAG');
    expect((await tag('3315A537C8000440000F424')).json().code).toBe('BAD_TAG');
    // Company prefix 6901235: not one of the park's.
    const foreign = (await import('../../server/units/identifiers/epc.js')).encodeGrai96({ companyPrefix: '6901235', assetType: '00017', serial: 5 });
    expect((await tag(foreign)).json().code).toBe('BAD_TAG');
    const taken = await tag(TAG);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('TAG_IN_USE');
    const ok = await tag(OTHER_TAG);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().unit.epc).toBe(OTHER_TAG);
    expect((await app.inject(`/8003/${ok.json().unit.grai}`)).json()).toMatchObject({ tracked: true, wasteCategory: 'HW02', state: 'registered' });
  });

  it('answers an identical retry with the first answer, and refuses a reused event id', async () => {
    const body = registration();
    const first = await producer.request('POST', '/api/units', body);
    const retry = await producer.request('POST', '/api/units', body);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().units[0].replayed).toBe(true);
    expect(retry.json().units[0].unit.id).toBe(first.json().units[0].unit.id);
    expect(retry.json().units[0].entry).toEqual(first.json().units[0].entry);
    // A step that changed the state is answered as before when it comes again, not re-checked.
    const tagged = registration({ epc: '3315A537C8000440000F4299' });
    expect((await producer.request('POST', '/api/units', tagged)).statusCode).toBe(201);
    expect((await producer.request('POST', '/api/units', tagged)).json().units[0].replayed).toBe(true);
    const unit = first.json().units[0].unit.id;
    const store = { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'Z-9' };
    expect((await producer.request('POST', `/api/units/${unit}/storage`, store)).statusCode).toBe(201);
    const again = await producer.request('POST', `/api/units/${unit}/storage`, store);
    expect(again.statusCode).toBe(200);
    expect(again.json().replayed).toBe(true);
    // Event ids are per person: another person may use the same one.
    expect((await producer2.request('POST', '/api/units', { ...registration({ siteId: 'site-ruitai-plant' }), eventId: body.eventId })).statusCode).toBe(201);
    const reused = await producer.request('POST', '/api/units', { ...body, name: 'something else' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('EVENT_ID_REUSED');
  });

  it('checks actor signatures: valid, forged, over another claim; and refuses steps by unenrolled keys', async () => {
    const at = '2026-11-28T08:00:00.000Z';
    const w = { eventId: eventId('sig'), at, grossKg: '100', tareKg: '10', source: 'manual' as const };
    const claim = { eventId: w.eventId, action: 'unit.weighed', subject: `unit:${unitId}`, at, data: { grossKg: '100', tareKg: '10', netKg: '90', unitOfMeasure: 'kg', source: 'manual' } };
    const signed = await producer.request('POST', `/api/units/${unitId}/weighings`, { ...w, signature: await signClaim(claim) });
    expect(signed.statusCode, signed.body).toBe(201);
    const entry = await entryAt(signed.json().entry.index);
    expect(entry.sig).toHaveLength(1);
    expect(entry.sig[0]).toMatchObject({ by: `person:${personOf('producer').id}`, alg: 'EdDSA' });

    const forged = await signClaim({ ...claim, eventId: 'x' }, demoPrivateJwk(personOf('producer2').id));
    const w2 = { ...w, eventId: eventId('sig') };
    const claim2 = { ...claim, eventId: w2.eventId };
    const byOther = await producer.request('POST', `/api/units/${unitId}/weighings`, { ...w2, signature: await signClaim(claim2, demoPrivateJwk(personOf('producer2').id)) });
    expect(byOther.statusCode).toBe(422);
    expect(byOther.json().code).toBe('SIGNATURE_INVALID');
    const otherClaim = await producer.request('POST', `/api/units/${unitId}/weighings`, { ...w2, signature: await signClaim({ ...claim2, data: { ...claim2.data, grossKg: '999' } }) });
    expect(otherClaim.json().code).toBe('SIGNATURE_MISMATCH');
    const tampered = forged.slice(0, -4) + (forged.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await producer.request('POST', `/api/units/${unitId}/weighings`, { ...w2, signature: tampered })).json().code).toBe('SIGNATURE_INVALID');
    // Nothing refused was sealed or changed the unit.
    expect((await producer.request('GET', `/api/units/${unitId}`)).json().grossKg).toBe('100');
  });

  it('enrols a new key (sealed as a registry change) and verifies steps against it', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pub = await exportJWK(publicKey);
    const c2 = producer2;
    const jwkPub = { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y };
    const proofBy = async (key: Parameters<typeof signClaim>[1]) => signClaim({ action: 'key.enrol', person: personOf('producer2').id }, key);
    const priv = { ...(await exportJWK(privateKey)) };
    // A step signed with the key producer2 has now, to be sent again once the key is replaced.
    const before = { ...registration({ siteId: 'site-ruitai-plant' }), at: '2026-11-28T08:30:00.000Z' };
    const { eventId: beforeId, at: beforeAt, ...beforeData } = before;
    const oldSigned = { ...before, signature: await signClaim({ eventId: beforeId, action: 'unit.register', subject: 'site:site-ruitai-plant', at: beforeAt, data: beforeData }, demoPrivateJwk(personOf('producer2').id)) };
    const first = await c2.request('POST', '/api/units', oldSigned);
    expect(first.statusCode, first.body).toBe(201);
    // Without the password, or without proof of holding the key, nothing is enrolled.
    expect((await c2.request('PUT', '/api/me/key', { jwk: jwkPub, password: 'wrong', proof: await proofBy(priv) })).statusCode).toBe(403);
    const noProof = await c2.request('PUT', '/api/me/key', { jwk: jwkPub, password: 'producer2-demo', proof: await proofBy(demoPrivateJwk(personOf('producer2').id)) });
    expect(noProof.statusCode).toBe(422);
    const put = await c2.request('PUT', '/api/me/key', { jwk: jwkPub, password: 'producer2-demo', proof: await proofBy(priv) });
    expect(put.statusCode, put.body).toBe(200);
    expect((await entryAt(put.json().index))).toMatchObject({ type: 'registry.changed', data: { kind: 'person', record: { publicJwk: { kty: 'EC' } } } });
    // The step taken under the old key, sent again: its first answer, not a refusal of the old signature.
    const resent = await c2.request('POST', '/api/units', oldSigned);
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json().units[0].entry).toEqual(first.json().units[0].entry);
    // A new step with the old key is refused.
    const stale = await c2.request('POST', '/api/units', { ...oldSigned, eventId: eventId() });
    expect(stale.json().code).toMatch(/^SIGNATURE_/);
    const { eventId: id, ...data } = registration({ siteId: 'site-ruitai-plant' });
    const at = '2026-11-28T09:00:00.000Z';
    const body = { eventId: id, at, ...data };
    const claim = { eventId: id, action: 'unit.register', subject: 'site:site-ruitai-plant', at, data };
    const jwk = { ...(await exportJWK(privateKey)) };
    const res = await c2.request('POST', '/api/units', { ...body, signature: await signClaim(claim, jwk) });
    expect(res.statusCode, res.body).toBe(201);
    expect((await entryAt(res.json().units[0].entry.index)).sig[0].alg).toBe('ES256');
  });

  it('keeps organisations apart: another producer can neither see nor move this unit', async () => {
    expect((await producer2.request('GET', `/api/units/${unitId}`)).statusCode).toBe(403);
    expect((await producer2.request('GET', `/api/units/${unitId}/history`)).statusCode).toBe(403);
    const step = await producer2.request('POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: '100', tareKg: '10', source: 'manual' });
    expect(step.statusCode).toBe(403);
    expect(step.json().code).toBe('NOT_IN_SCOPE');
    const list = (await producer2.request('GET', '/api/units')).json().units as { producerOrgId: string }[];
    expect(list.every((u) => u.producerOrgId === 'org-ruitai')).toBe(true);
    const onOtherSite = await producer2.request('POST', '/api/units', registration({ siteId: 'site-hengkang-plant' }));
    expect(onOtherSite.json().code).toBe('UNKNOWN_SITE');
    expect((await producer.request('GET', '/api/units/no-such-unit')).statusCode).toBe(404);
  });

  it('lists and searches by state, waste code, site, date and time in storage', async () => {
    const list = async (q: string) => ((await producer.request('GET', `/api/units?${q}`)).json().units as { id: string; state: string }[]);
    const { unit } = await producer.register({ wasteCode: '900-041-49', generationDate: '2026-10-02', siteId: 'site-hengkang-plant' });
    await producer.request('POST', `/api/units/${unit.id}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'C-1', at: '2026-10-03T08:00:00Z' });
    expect((await list('wasteCode=900-041-49')).map((u) => u.id)).toEqual([unit.id]);
    expect((await list('state=stored')).map((u) => u.id)).toContain(unit.id);
    expect((await list('state=retrieved')).map((u) => u.id)).toEqual([unitId]);
    expect((await list('from=2026-10-01&to=2026-10-31')).map((u) => u.id)).toEqual([unit.id]);
    expect((await list('siteId=site-hengkang-store&state=stored')).map((u) => u.id)).toContain(unit.id);
    expect((await list('storedLongerThanDays=30')).map((u) => u.id)).toEqual([unit.id]);
    expect((await list('limit=1')).length).toBe(1);
    expect((await producer.request('GET', '/api/units?limit=0')).statusCode).toBe(400);
    expect((await producer.request('GET', '/api/units?state=lost')).statusCode).toBe(400);
  });

  it('refuses bad input on every route with problem+json', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/auth/login', { username: 'producer' }],
      ['POST', '/api/auth/login', { username: 'producer', password: 'x', extra: true }],
      ['POST', '/api/auth/refresh', { refreshToken: 5 }],
      ['POST', '/api/auth/logout', { refreshToken: 'short' }],
      ['PUT', '/api/me/key', { jwk: { kty: 'RSA', n: 'x', e: 'AQAB' }, password: 'x', proof: 'a.b.c' }],
      ['PUT', '/api/me/key', { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) } }],
      ['POST', '/api/units', { ...registration(), unknown: 1 }],
      ['POST', '/api/units', { ...registration(), volumeL: '200' }],
      ['POST', '/api/units', { ...registration(), hazards: ['X'] }],
      ['POST', '/api/units', { ...registration(), generationDate: '20.11.2026' }],
      ['POST', '/api/units', { units: [] }],
      ['POST', '/api/units', { ...registration(), eventId: 'short' }],
      ['POST', '/api/units', { ...registration(), name: 'a\u0000b' }],
      ['POST', `/api/units/${unitId}/tag`, { eventId: eventId() }],
      ['POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: 100, tareKg: '1', source: 'manual' }],
      ['POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: '100', tareKg: '1', source: 'guess' }],
      ['POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store' }],
      ['POST', `/api/units/${unitId}/retrieval`, { eventId: eventId(), at: 'yesterday' }],
      ['POST', `/api/units/${unitId}/retrieval`, { eventId: eventId(), signature: 'not a jws' }],
      ['GET', '/api/units?from=2026-1-1', undefined],
      ['GET', '/api/units?bogus=1', undefined],
    ];
    for (const [method, url, payload] of cases) {
      const res = await producer.request(method as 'GET', url, payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const badJson = await app.inject({ method: 'POST', url: '/api/units', headers: { authorization: `Bearer ${producer.token}`, 'content-type': 'application/json' }, payload: '{"eventId": ' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.headers['content-type']).toMatch(/problem\+json/);
    expect((await app.inject('/8003/12345')).statusCode).toBe(400);
    expect((await app.inject('/8003/069012340001771999999')).statusCode).toBe(404);
  });

  it('refuses a generation date after the day of the registration, on China time', async () => {
    // 16:30Z on 20 November is already the 21st in Zhejiang.
    const at = '2026-11-20T16:30:00Z';
    const early = await producer.request('POST', '/api/units', registration({ at, generationDate: '2026-11-22' }));
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json()).toMatchObject({ code: 'BAD_INPUT', detail: expect.stringContaining('2026-11-21') });
    const sameDay = await producer.request('POST', '/api/units', registration({ at, generationDate: '2026-11-21' }));
    expect(sameDay.statusCode, sameDay.body).toBe(201);
    expect(sameDay.json().units[0].unit.hjCode).toMatch(/20261121\d{3}$/);
  });

  it('refuses a step dated on a day that does not exist (V8 would read 30 February as 2 March)', async () => {
    const feb30 = await producer.request('POST', '/api/units', registration({ at: '2026-02-30T10:00:00Z', generationDate: '2026-02-20' }));
    expect([feb30.statusCode, feb30.json().code], feb30.body).toEqual([400, 'BAD_INPUT']);
    const { unit } = await producer.register();
    const weighing = { eventId: eventId('weigh'), at: '2026-04-31T10:00:00+08:00', grossKg: '215.5', tareKg: '18.5', source: 'manual' };
    expect((await producer.request('POST', `/api/units/${unit.id}/weighings`, weighing)).json()).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('refuses a step dated more than ten minutes ahead of the server, and takes one a few minutes ahead', async () => {
    const ahead = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    const tomorrow = await producer.request('POST', '/api/units', registration({ at: ahead(24 * 60) }));
    expect(tomorrow.statusCode, tomorrow.body).toBe(400);
    expect(tomorrow.json()).toMatchObject({ code: 'BAD_INPUT', detail: expect.stringMatching(/is 1440 minutes ahead of the server's clock .*check the device's clock/) });
    const { unit } = await producer.register();
    const weighing = { eventId: eventId('weigh'), at: ahead(11), grossKg: '215.5', tareKg: '18.5', source: 'manual' };
    expect((await producer.request('POST', `/api/units/${unit.id}/weighings`, weighing)).json()).toMatchObject({ code: 'BAD_INPUT' });
    const fast = await producer.request('POST', `/api/units/${unit.id}/weighings`, { ...weighing, eventId: eventId('weigh'), at: ahead(3) });
    expect(fast.statusCode, fast.body).toBe(201); // a clock three minutes fast is a clock, not a forgery
    expect((await producer.request('GET', `/api/units/${unit.id}`)).json()).toMatchObject({ state: 'registered', entries: 2 }); // registered, and weighed once
  });

  it('streams newly sealed entries on /live to whoever may see them', async () => {
    const url = (app.server.address() as { port: number }).port;
    const open = (token: string) =>
      new Promise<{ ws: WebSocket; got: unknown[] }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${url}/live?access_token=${token}`);
        const got: unknown[] = [];
        ws.on('message', (m) => {
          const msg = JSON.parse(String(m));
          if (msg.hello) resolve({ ws, got });
          else got.push(msg);
        });
        ws.on('error', reject);
      });
    const mine = await open(producer.token);
    const theirs = await open(producer2.token);
    const regulator = await open((await Client.as(app, 'inspector')).token);
    const { unit, entry } = await producer.register();
    await new Promise((r) => setTimeout(r, 300));
    for (const [who, sees] of [[mine, true], [theirs, false], [regulator, true]] as const) {
      const hit = who.got.find((m) => (m as { unit?: string }).unit === unit.id) as { index: number; type: string } | undefined;
      expect(Boolean(hit)).toBe(sees);
      if (hit) expect(hit).toMatchObject({ index: entry.index, type: 'unit.registered' });
      who.ws.close();
    }
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${url}/live?access_token=bad`);
      ws.on('close', (code) => resolve(code));
    });
    expect(refused).toBe(4401);
  });

  it('prints HJ 1276 labels: SVG whose QR carries the drum\'s Digital Link, and a PDF sheet', async () => {
    const svg = await producer.request('GET', `/api/units/${unitId}/label.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('精馏残渣');
    expect(svg.body).toMatch(/width="150mm"/); // a 200 L drum
    const { Resvg } = await import('@resvg/resvg-js');
    const jsQR = (await import('jsqr')).default as unknown as (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
    const img = new Resvg(svg.body, { fitTo: { mode: 'width', value: 900 } }).render();
    const decoded = jsQR(new Uint8ClampedArray(img.pixels), img.width, img.height);
    expect(decoded?.data).toBe(`${ctx.config.publicUrl}/8003/069012340001771000001`);
    const pdf = await producer.request('GET', `/api/labels.pdf?units=${unitId}`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const untagged = (await producer.register()).unit.id;
    expect((await producer.request('GET', `/api/units/${untagged}/label.svg`)).statusCode).toBe(409);
    expect((await producer2.request('GET', `/api/units/${unitId}/label.svg`)).statusCode).toBe(403);
  });

  it('leaves a log that verifies and a read side that matches its replay', async () => {
    await ctx.sequencer.idle();
    const report = await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey));
    expect(report.breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });

  it('finds, at its entry, an actor signature that does not verify with the enrolled key', async () => {
    const { encodeEntry } = await import('../../ledger/index.js');
    const { applyUnitEntry } = await import('../../server/custody/unit-projection.js');
    const { lockUnit, saveUnit } = await import('../../server/custody/unit-store.js');
    const { unit } = await producer.register();
    const at = new Date().toISOString();
    const data = { grossKg: '100', tareKg: '10', netKg: '90', unitOfMeasure: 'kg', source: 'manual', eventId: 'forged-weighing-1' };
    const claim = { eventId: data.eventId, action: 'unit.weighed', subject: `unit:${unit.id}`, at, data };
    // Signed with another person's key, sealed as if the producer had signed it.
    const jws = await signClaim(claim, demoPrivateJwk(personOf('producer2').id));
    const row = await ctx.db.sql.transaction((tx) => lockUnit(tx, unit.id));
    const env = {
      v: 1, type: 'unit.weighed' as const, at, by: { org: 'org-hengkang', person: personOf('producer').id, role: 'producer' }, unit: unit.id,
      prev: { unit: row.lastLeafHash }, data, sig: [{ by: `person:${personOf('producer').id}`, alg: 'EdDSA', jws }],
    };
    const encoded = encodeEntry(env);
    const sealed = await ctx.sequencer.append(encoded);
    await saveUnit(ctx.db.sql, applyUnitEntry(row, env, leafHash(encoded.body)));
    const breaks = await compareReadSide(ctx.db.sql);
    expect(breaks).toEqual([{ index: sealed.index, code: 'ACTOR_SIGNATURE_INVALID', detail: expect.stringMatching(/does not verify with the key the log enrolled/) }]);
  });
});
