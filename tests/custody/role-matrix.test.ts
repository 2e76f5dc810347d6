// Every route of the units API for every role (and for nobody): each gets exactly what it should.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../server/context.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId, registration, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

type MatrixWho = Exclude<Who, 'driver2' | 'operator2'>;
const WHO: MatrixWho[] = ['driver', 'operator', 'inspector', 'admin', 'producer2', 'producer'];

describe.each(DRIVERS)('role × route matrix on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<MatrixWho, Client>();
  let unitId: string;
  let serial = 100;

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of WHO) as.set(w, await Client.as(app, w));
    unitId = (await as.get('producer')!.register()).unit.id;
  });
  afterAll(() => opened?.close());

  // Expected status per role; the producer comes last so that its successful step does not
  // change what the others are refused for.
  const routes: { route: string; method: 'GET' | 'POST' | 'PUT'; url: () => string; body: () => unknown; expect: Record<MatrixWho, number> }[] = [
    {
      route: 'POST /api/units', method: 'POST', url: () => '/api/units', body: () => registration(),
      expect: { driver: 403, operator: 403, inspector: 403, admin: 403, producer2: 422, producer: 201 }, // producer2: not its site
    },
    {
      route: 'POST /api/units/:id/tag', method: 'POST', url: () => `/api/units/${unitId}/tag`,
      body: () => ({ eventId: eventId(), epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: serial++ }) }),
      expect: { driver: 403, operator: 403, inspector: 403, admin: 403, producer2: 403, producer: 201 },
    },
    {
      route: 'POST /api/units/:id/weighings', method: 'POST', url: () => `/api/units/${unitId}/weighings`,
      body: () => ({ eventId: eventId(), grossKg: '120', tareKg: '20', source: 'manual' }),
      // operators weigh units delivered to them; this one is still at its producer
      expect: { driver: 403, operator: 403, inspector: 403, admin: 403, producer2: 403, producer: 201 },
    },
    {
      route: 'POST /api/units/:id/storage', method: 'POST', url: () => `/api/units/${unitId}/storage`,
      body: () => ({ eventId: eventId(), siteId: 'site-hengkang-store', bay: 'A-1' }),
      expect: { driver: 403, operator: 403, inspector: 403, admin: 403, producer2: 403, producer: 201 },
    },
    {
      route: 'POST /api/units/:id/retrieval', method: 'POST', url: () => `/api/units/${unitId}/retrieval`, body: () => ({ eventId: eventId() }),
      expect: { driver: 403, operator: 403, inspector: 403, admin: 403, producer2: 403, producer: 201 },
    },
    {
      route: 'GET /api/units/:id', method: 'GET', url: () => `/api/units/${unitId}`, body: () => undefined,
      expect: { driver: 403, operator: 403, inspector: 200, admin: 200, producer2: 403, producer: 200 },
    },
    {
      route: 'GET /api/units/:id/history', method: 'GET', url: () => `/api/units/${unitId}/history`, body: () => undefined,
      expect: { driver: 403, operator: 403, inspector: 200, admin: 200, producer2: 403, producer: 200 },
    },
    {
      route: 'GET /api/units', method: 'GET', url: () => '/api/units', body: () => undefined,
      expect: { driver: 200, operator: 200, inspector: 200, admin: 200, producer2: 200, producer: 200 },
    },
    {
      route: 'GET /api/me', method: 'GET', url: () => '/api/me', body: () => undefined,
      expect: { driver: 200, operator: 200, inspector: 200, admin: 200, producer2: 200, producer: 200 },
    },
  ];

  it.each(routes.map((r) => [r.route, r] as const))('%s', async (_name, r) => {
    for (const who of WHO) {
      const res = await as.get(who)!.request(r.method, r.url(), r.body());
      expect(res.statusCode, `${who}: ${res.body.slice(0, 200)}`).toBe(r.expect[who]);
      if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const nobody = await app.inject({ method: r.method, url: r.url(), payload: r.body() as object });
    expect(nobody.statusCode).toBe(401);
  });

  it('scopes lists: own organisation for producers, everything for the regulator and admin, nothing yet for carriers', async () => {
    const ids = async (who: MatrixWho) => ((await as.get(who)!.request('GET', '/api/units')).json().units as { id: string }[]).map((u) => u.id);
    expect(await ids('producer')).toContain(unitId);
    expect(await ids('producer2')).not.toContain(unitId);
    expect(await ids('inspector')).toContain(unitId);
    expect(await ids('admin')).toContain(unitId);
    expect(await ids('driver')).toEqual([]);
    expect(await ids('operator')).toEqual([]);
  });
});
