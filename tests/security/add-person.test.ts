// The admin adds a person (POST /api/people): only the admin may; a bad request is a problem and
// leaves the registry, the logins and the log as they were; a person added is sealed as a
// registry change, listed, can log in with the login given, and survives a rebuild from the log.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SigningRefusedError } from '../../ledger/store/sequencer.js';
import { compareReadSide, rebuildReadSide } from '../../server/custody/replay.js';
import { Client, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { expectProblem } from './hostile-support.js';

const NEW_DRIVER = { orgId: 'org-anyun', role: 'driver', name: '钱多多', username: 'qian.duoduo', password: 'Taizhou-harbour-12' };

function expectCode(res: LightMyRequestResponse, status: number, code: string): void {
  expectProblem(res, `${status} ${code}`);
  expect([res.statusCode, res.json().code]).toEqual([status, code]);
}

describe.each(DRIVERS)('adding a person, on %s', (driver) => {
  let opened: TestApp;
  let app: FastifyInstance;
  let admin: Client;
  let n = 0;
  /** Each call a new addition (its own event id), unless the body names one. */
  const add = (body: object, as: Client = admin) => as.request('POST', '/api/people', { eventId: `add-person-${driver}-${n++}`, ...body });
  /** What a refused request must leave as it was: people, logins, the log and its intake. */
  const counts = async () => {
    const [row] = await opened.ctx.db.sql.query(
      `SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM credentials) AS logins,
              (SELECT size FROM ledger_head WHERE id = 0) AS sealed, (SELECT count(*) FROM ledger_intake) AS intake`,
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    app = opened.app;
    admin = await Client.as(app, 'admin');
  });
  afterAll(() => opened?.close());

  it('lets only the admin add a person', async () => {
    const before = await counts();
    for (const who of ['producer', 'driver', 'operator', 'inspector'] as Who[]) {
      expectCode(await add(NEW_DRIVER, await Client.as(app, who)), 403, 'ROLE_FORBIDDEN');
    }
    expectCode(await app.inject({ method: 'POST', url: '/api/people', payload: NEW_DRIVER }), 401, 'UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('refuses a bad request with a problem, and seals and writes nothing', async () => {
    const before = await counts();
    const refused: [object, number, string][] = [
      [{ ...NEW_DRIVER, siteId: 'site-anyun-yard' }, 400, 'VALIDATION_FAILED'], // an unknown field
      [{ ...NEW_DRIVER, role: 'device' }, 400, 'VALIDATION_FAILED'],
      [{ ...NEW_DRIVER, name: '   ' }, 400, 'BAD_INPUT'],
      [{ ...NEW_DRIVER, name: '\u200b' }, 400, 'BAD_INPUT'], // a zero-width space: a name nobody sees
      [{ ...NEW_DRIVER, name: '钱\u202e多多' }, 400, 'BAD_INPUT'], // shown reversed
      [{ ...NEW_DRIVER, name: '钱\u2028多多' }, 400, 'BAD_INPUT'],
      [{ ...NEW_DRIVER, password: undefined }, 400, 'BAD_INPUT'], // a username without a password
      [{ ...NEW_DRIVER, orgId: 'org-hengkang' }, 422, 'ROLE_NOT_FOR_ORGANISATION'], // a driver in a producer
      [{ ...NEW_DRIVER, orgId: 'org-linhai-eeb', role: 'operator' }, 422, 'ROLE_NOT_FOR_ORGANISATION'],
      [{ ...NEW_DRIVER, orgId: 'org-nowhere' }, 422, 'UNKNOWN_ORGANISATION'],
      [{ ...NEW_DRIVER, password: 'qian.duoduo-2026' }, 422, 'WEAK_PASSWORD'], // holds the username
      [{ ...NEW_DRIVER, password: 'short' }, 422, 'WEAK_PASSWORD'],
      [{ ...NEW_DRIVER, username: 'producer' }, 409, 'USERNAME_TAKEN'],
    ];
    for (const [body, status, code] of refused) expectCode(await add(body), status, code);
    expect((await add({ ...NEW_DRIVER, orgId: 'org-hengkang' })).json().detail).toMatch(/org-hengkang is a producer: its people are producer, not driver/);
    expect(await counts()).toEqual(before);
  });

  it('adds a person with a login: sealed by the admin, listed, and able to log in', async () => {
    const before = await counts();
    const res = await add(NEW_DRIVER);
    expect(res.statusCode, res.body).toBe(201);
    const { person, index } = res.json();
    expect(person).toEqual({ id: expect.stringMatching(/^p-[0-9a-f]{12}$/), orgId: 'org-anyun', role: 'driver', name: '钱多多', username: 'qian.duoduo' });
    expect(await counts()).toEqual({ ...before, people: before.people + 1, logins: before.logins + 1, sealed: before.sealed + 1 });

    const entry = await app.inject({ method: 'GET', url: `/ledger/entries/${index}` });
    expect(entry.statusCode).toBe(200);
    expect(JSON.parse(entry.body)).toMatchObject({
      type: 'registry.changed',
      by: { org: 'org-linhai-eeb', person: 'p-zhou-admin', role: 'admin' },
      data: { action: 'upsert', kind: 'person', id: person.id, record: { id: person.id, orgId: 'org-anyun', role: 'driver', name: '钱多多' } },
    });
    expect(JSON.parse(entry.body).data.record).not.toHaveProperty('password');

    expect((await admin.request('GET', '/api/people')).json()).toContainEqual(person);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'qian.duoduo', password: NEW_DRIVER.password } });
    expect(login.statusCode, login.body).toBe(200);
    const me = await new Client(app, login.json().accessToken).request('GET', '/api/me');
    expect(me.json()).toMatchObject({ personId: person.id, orgId: 'org-anyun', role: 'driver' });
  });

  it('adds a person without a login, who cannot log in until given one', async () => {
    const res = await add({ orgId: 'org-linhai-eeb', role: 'inspector', name: '冯检查' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().person).toMatchObject({ role: 'inspector', username: null });
    expect((await admin.request('GET', '/api/people')).json()).toContainEqual(res.json().person);
  });

  it('adds one person when two requests want the same new username at once', async () => {
    const before = await counts();
    const both = await Promise.all(['甲', '乙'].map((n) => add({ ...NEW_DRIVER, name: `同名${n}`, username: 'same.name' })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expectCode(both.find((r) => r.statusCode === 409)!, 409, 'USERNAME_TAKEN');
    expect(await counts()).toEqual({ ...before, people: before.people + 1, logins: before.logins + 1, sealed: before.sealed + 1 });
  });

  it('says a person added while the log is not sealing was added, seals them later, and answers the retry with their index', async () => {
    const before = await counts();
    const body = { eventId: `halted-${driver}`, orgId: 'org-anyun', role: 'driver', name: '孙暂停' };
    const { sequencer } = opened.ctx;
    sequencer.refuse('test', new SigningRefusedError('held for the test'));
    try {
      const halted = await add(body);
      expect([halted.statusCode, halted.json().code], halted.body).toEqual([503, 'LEDGER_HALTED']);
      expect(halted.json().detail).toMatch(/the person change is made; ask again with the same event id/);
      expect((await admin.request('GET', '/api/people')).json()).toContainEqual(expect.objectContaining({ name: '孙暂停' }));
    } finally {
      sequencer.allow('test');
    }
    await sequencer.idle();
    const asked = await add(body);
    expect([asked.statusCode, asked.json().replayed], asked.body).toEqual([200, true]);
    expect(await counts()).toEqual({ ...before, people: before.people + 1, sealed: before.sealed + 1 });
    expect(JSON.parse((await app.inject({ method: 'GET', url: `/ledger/entries/${asked.json().index}` })).body).data.id).toBe(asked.json().person.id);
  });

  it('answers NOT_SEALED_YET, not never, when the sequencer cannot write', async () => {
    const stall = vi.spyOn(opened.ctx.sequencer, 'sealIntake').mockReturnValue(new Promise(() => {}));
    opened.ctx.custody.sealWaitMs = 300;
    try {
      const late = await add({ orgId: 'org-anyun', role: 'driver', name: '孙迟到' });
      expect([late.statusCode, late.json().code], late.body).toEqual([503, 'NOT_SEALED_YET']);
      expect(late.json().detail).toMatch(/person change was made but is not sealed after 0.3 s: ask again with the same event id/);
    } finally {
      stall.mockRestore();
      delete opened.ctx.custody.sealWaitMs;
    }
    opened.ctx.sequencer.drainIntake();
    await opened.ctx.sequencer.idle();
  });

  it('answers a retry with the first answer and adds no one; refuses the same event id for another person', async () => {
    const before = await counts();
    const body = { ...NEW_DRIVER, eventId: `retry-${driver}`, name: '李重试', username: 'li.chongshi' };
    const first = await add(body);
    expect([first.statusCode, first.json().replayed], first.body).toEqual([201, false]);
    const retry = await add(body); // the answer was lost: the form sends it again, login and all
    expect([retry.statusCode, retry.body]).toEqual([200, JSON.stringify({ ...first.json(), replayed: true })]);
    expect(await counts()).toEqual({ ...before, people: before.people + 1, logins: before.logins + 1, sealed: before.sealed + 1 });
    expectCode(await add({ ...body, name: '李别人' }), 409, 'EVENT_ID_REUSED');
    // Two at once: one adds, the other is answered with the same person.
    const twins = await Promise.all([0, 1].map(() => add({ orgId: 'org-anyun', role: 'driver', name: '双胞', eventId: `twins-${driver}` })));
    expect(twins.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(twins[0].json().person).toEqual(twins[1].json().person);
    expect(await counts()).toEqual({ ...before, people: before.people + 2, logins: before.logins + 1, sealed: before.sealed + 2 });
  });

  it('keeps the people added in a read side rebuilt from the log', async () => {
    await opened.ctx.sequencer.idle();
    expect(await compareReadSide(opened.ctx.db.sql)).toEqual([]);
    const listed = (await admin.request('GET', '/api/people')).json();
    await rebuildReadSide(opened.ctx.db.sql);
    expect((await admin.request('GET', '/api/people')).json()).toEqual(listed);
    expect(listed).toContainEqual(expect.objectContaining({ name: '钱多多', username: 'qian.duoduo' }));
  });
});
