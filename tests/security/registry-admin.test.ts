// The admin registers vehicles and licences (PUT /api/registry/vehicles/{plate}, …/licences/{id}):
// only the admin may; a bad request is a problem and leaves the registry and the log as they were;
// a change is sealed as a registry change, listed, answered 201 when new and 200 when changed, a
// retry gets the first answer; a renewed licence counts at once; all survive a rebuild from the log.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReadSide, rebuildReadSide } from '../../server/custody/replay.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg, plateOf } from '../helpers/park.js';
import { expectProblem } from './hostile-support.js';

const TRUCK = { orgId: 'org-anyun', kind: 'hazmat-truck', ratedLoadKg: 12000, roadTransportPermit: '浙交运管台字331082019999号' };
const LICENCE = { orgId: 'org-lvxun', number: '浙危废经第0555号', wasteCodes: ['900-214-08', '900-006-09'], tonnesPerYear: 5000, validUntil: '2030-12-31', methods: ['R2'] };

function expectCode(res: LightMyRequestResponse, status: number, code: string): void {
  expectProblem(res, `${status} ${code}`);
  expect([res.statusCode, res.json().code], res.body).toEqual([status, code]);
}

describe.each(DRIVERS)('registering vehicles and licences, on %s', (driver) => {
  let opened: TestApp;
  let app: FastifyInstance;
  let admin: Client;
  const as = (who: Who) => Client.as(app, who);
  /** Each call a new change (its own event id), unless the body names one. */
  const vehicle = (plate: string, body: object, by: Client = admin) => by.request('PUT', `/api/registry/vehicles/${encodeURIComponent(plate)}`, { eventId: eventId('veh'), ...body });
  const licence = (id: string, body: object, by: Client = admin) => by.request('PUT', `/api/registry/licences/${id}`, { eventId: eventId('lic'), ...body });
  const entry = async (index: number) => JSON.parse((await app.inject({ method: 'GET', url: `/ledger/entries/${index}` })).body);
  const vehicles = async () => (await admin.request('GET', '/api/registry/vehicles')).json().vehicles;
  const licencesOf = async (orgId: string) => (await admin.request('GET', '/api/registry/organisations')).json().organisations.find((o: { id: string }) => o.id === orgId).licences;
  /** What a refused request must leave as it was: the registry, the answers kept for retries, the log and its intake. */
  const counts = async () => {
    const [row] = await opened.ctx.db.sql.query(
      `SELECT (SELECT count(*) FROM vehicles) AS vehicles, (SELECT count(*) FROM licences) AS licences, (SELECT count(*) FROM client_events) AS events,
              (SELECT size FROM ledger_head WHERE id = 0) AS sealed, (SELECT count(*) FROM ledger_intake) AS intake`,
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  };
  const records = async () => opened.ctx.db.sql.query('SELECT plate AS key, record FROM vehicles UNION ALL SELECT id, record FROM licences ORDER BY key');

  beforeAll(async () => {
    opened = await openTestApp(driver);
    app = opened.app;
    admin = await as('admin');
  });
  afterAll(() => opened?.close());

  it('lets only the admin register a vehicle or a licence', async () => {
    const before = await counts();
    for (const who of ['producer', 'driver', 'operator', 'inspector'] as Who[]) {
      const c = await as(who);
      expectCode(await vehicle('浙J90001', TRUCK, c), 403, 'ROLE_FORBIDDEN');
      expectCode(await licence('lic-new', LICENCE, c), 403, 'ROLE_FORBIDDEN');
    }
    expectCode(await app.inject({ method: 'PUT', url: '/api/registry/licences/lic-new', payload: { eventId: eventId(), ...LICENCE } }), 401, 'UNAUTHENTICATED');
    expectCode(await app.inject({ method: 'PUT', url: `/api/registry/vehicles/${encodeURIComponent('浙J90001')}`, payload: { eventId: eventId(), ...TRUCK } }), 401, 'UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it('refuses a bad vehicle with a problem, and seals and writes nothing', async () => {
    const [before, rows] = [await counts(), await records()];
    const refused: [string, object, number, string][] = [
      ['浙I12345', TRUCK, 422, 'BAD_PLATE'], // plates never use I
      ['AB12345', TRUCK, 422, 'BAD_PLATE'],
      ['浙J90001', { ...TRUCK, orgId: 'org-nowhere' }, 422, 'UNKNOWN_ORGANISATION'],
      ['浙J90001', { ...TRUCK, orgId: 'org-hengkang' }, 422, 'WRONG_ORGANISATION_KIND'], // a producer
      [plateOf('org-anyun'), { orgId: 'org-dongxin' }, 422, 'WRONG_ORGANISATION_KIND'], // an operator, for a vehicle registered
      ['浙J90001', { ...TRUCK, ratedLoadKg: 0 }, 400, 'BAD_INPUT'],
      ['浙J90001', { ...TRUCK, ratedLoadKg: -500 }, 400, 'BAD_INPUT'],
      ['浙J90001', { ...TRUCK, roadTransportPermit: undefined }, 400, 'BAD_INPUT'], // new: everything needed
      ['浙J90001', { ...TRUCK, kind: 'bicycle' }, 400, 'VALIDATION_FAILED'],
      ['浙J90001', { ...TRUCK, colour: 'yellow' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [plate, body, status, code] of refused) expectCode(await vehicle(plate, body), status, code);
    expect((await vehicle('浙J90001', { ...TRUCK, orgId: 'org-hengkang' })).json().detail).toMatch(/vehicle 浙J90001: owner org-hengkang is not a transporter/);
    expect(await counts()).toEqual(before);
    expect(await records()).toEqual(rows);
  });

  it('refuses a bad licence with a problem, and seals and writes nothing', async () => {
    const [before, rows] = [await counts(), await records()];
    const refused: [string, object, number, string][] = [
      ['lic-new', { ...LICENCE, orgId: 'org-anyun' }, 422, 'WRONG_ORGANISATION_KIND'], // a transporter
      ['lic-new', { ...LICENCE, orgId: 'org-nowhere' }, 422, 'UNKNOWN_ORGANISATION'],
      ['lic-new', { ...LICENCE, wasteCodes: ['999-999-99'] }, 422, 'UNKNOWN_WASTE_CODE'], // not in the national list
      ['lic-new', { ...LICENCE, wasteCodes: ['HW08'] }, 422, 'UNKNOWN_WASTE_CODE'],
      ['lic-new', { ...LICENCE, wasteCodes: [] }, 400, 'BAD_INPUT'],
      ['lic-new', { ...LICENCE, wasteCodes: ['900-214-08', '900-214-08'] }, 400, 'BAD_INPUT'],
      ['lic-new', { ...LICENCE, tonnesPerYear: 0 }, 400, 'BAD_INPUT'],
      ['lic-new', { ...LICENCE, number: '   ' }, 400, 'BAD_INPUT'],
      ['lic-new', { ...LICENCE, methods: ['X1'] }, 400, 'BAD_INPUT'],
      ['lic-new', { ...LICENCE, methods: undefined }, 400, 'BAD_INPUT'], // new: its methods needed
      ['lic-new', { ...LICENCE, validUntil: '2030-02-30' }, 400, 'VALIDATION_FAILED'],
      ['lic-new', { ...LICENCE, validUntil: 'next year' }, 400, 'VALIDATION_FAILED'],
      ['lic-dongxin', LICENCE, 409, 'LICENCE_HELD_BY_OTHER'], // org-dongxin's licence, sent as org-lvxun's
    ];
    for (const [id, body, status, code] of refused) expectCode(await licence(id, body), status, code);
    expect((await licence('lic-new', { ...LICENCE, orgId: 'org-anyun' })).json().detail).toMatch(/licence lic-new: holder org-anyun is not an operator/);
    expect((await licence('lic-new', { ...LICENCE, wasteCodes: ['999-999-99'] })).json().detail).toMatch(/999-999-99 is not in the 2025 waste list/);
    expect(await counts()).toEqual(before);
    expect(await records()).toEqual(rows);
  });

  it('registers a new vehicle (201) and changes it (200): sealed by the admin, listed, the row changed', async () => {
    const before = await counts();
    const res = await vehicle('浙J·90001', TRUCK); // as a camera writes it: stored without the dot
    expect(res.statusCode, res.body).toBe(201);
    const added = { plate: '浙J90001', ...TRUCK };
    expect(res.json()).toEqual({ vehicle: added, index: expect.any(Number), replayed: false });
    expect(await entry(res.json().index)).toMatchObject({
      type: 'registry.changed',
      by: { org: 'org-linhai-eeb', person: 'p-zhou-admin', role: 'admin' },
      data: { action: 'upsert', kind: 'vehicle', id: '浙J90001', record: added },
    });
    expect((await entry(res.json().index)).data.record).toEqual(added);
    expect(await vehicles()).toContainEqual({ plate: '浙J90001', orgId: 'org-anyun', kind: 'hazmat-truck', ratedLoadKg: 12000 });

    // Sold to another transporter, with a new load rating: the rest stays as registered.
    const changed = await vehicle('浙J90001', { orgId: 'org-taihang', ratedLoadKg: 11500 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().vehicle).toEqual({ ...added, orgId: 'org-taihang', ratedLoadKg: 11500 });
    expect((await entry(changed.json().index)).data.record).toEqual(changed.json().vehicle);
    const [row] = await opened.ctx.db.sql.query<{ org_id: string }>(`SELECT org_id FROM vehicles WHERE plate = '浙J90001'`);
    expect(row.org_id).toBe('org-taihang');
    expect(await vehicles()).toContainEqual({ plate: '浙J90001', orgId: 'org-taihang', kind: 'hazmat-truck', ratedLoadKg: 11500 });
    expect(await counts()).toEqual({ ...before, vehicles: before.vehicles + 1, events: before.events + 2, sealed: before.sealed + 2 });
  });

  it('answers a retry with the first answer and seals nothing new; refuses the same event id for another change', async () => {
    const before = await counts();
    const body = { ...TRUCK, eventId: `retry-vehicle-${driver}` };
    const first = await vehicle('浙J90002', body);
    expect([first.statusCode, first.json().replayed], first.body).toEqual([201, false]);
    const retry = await vehicle('浙J90002', body); // the answer was lost: the form sends it again
    expect([retry.statusCode, retry.body]).toEqual([200, JSON.stringify({ ...first.json(), replayed: true })]);
    expectCode(await vehicle('浙J90002', { ...body, ratedLoadKg: 1 }), 409, 'EVENT_ID_REUSED');

    const renewal = { ...LICENCE, eventId: `retry-licence-${driver}` };
    const once = await licence('lic-retry', renewal);
    expect(once.statusCode, once.body).toBe(201);
    const again = await licence('lic-retry', renewal);
    expect([again.statusCode, again.body]).toEqual([200, JSON.stringify({ ...once.json(), replayed: true })]);
    // Two at once: one registers, the other is answered with the same licence.
    const twins = await Promise.all([0, 1].map(() => licence('lic-twins', { ...LICENCE, eventId: `twins-${driver}` })));
    expect(twins.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(twins[0].json().licence).toEqual(twins[1].json().licence);
    expect(await counts()).toEqual({ ...before, vehicles: before.vehicles + 1, licences: before.licences + 2, events: before.events + 3, sealed: before.sealed + 3 });
  });

  it('registers a new licence (201), listed with its operator and sealed by the admin', async () => {
    const res = await licence('lic-lvxun-2', LICENCE);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().licence).toEqual({ id: 'lic-lvxun-2', ...LICENCE });
    expect(await entry(res.json().index)).toMatchObject({ type: 'registry.changed', by: { role: 'admin' }, data: { action: 'upsert', kind: 'licence', id: 'lic-lvxun-2', record: res.json().licence } });
    expect(await licencesOf('org-lvxun')).toContainEqual({ id: 'lic-lvxun-2', number: LICENCE.number, wasteCodes: LICENCE.wasteCodes, tonnesPerYear: 5000, validUntil: '2030-12-31' });
  });

  it('lets a renewed licence count at once: a treatment refused with LICENCE_SCOPE passes once the code is added', async () => {
    const [producer, driverC, operator] = [await as('producer'), await as('driver'), await as('operator')];
    const { id: unit } = (await producer.register({ wasteCode: '900-006-09' })).unit; // not on lic-dongxin
    const made = await producer.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unit], plannedDate: '2026-12-01' });
    expect(made.statusCode, made.body).toBe(201);
    const m = made.json().manifest.id;
    const step = async (by: Client, path: string, body: object) => {
      const res = await by.request('POST', `/api/manifests/${m}/${path}`, { eventId: eventId(), ...body });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(201);
    };
    await step(producer, 'signature', {});
    await step(driverC, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [unit] });
    await step(operator, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await step(operator, 'receipt', { decisions: [{ unitId: unit, accept: true, grossKg: '218', tareKg: '18' }] });
    const treat = () => operator.request('POST', `/api/units/${unit}/treatment`, { eventId: eventId(), method: 'D10' });
    const refused = await treat();
    expectCode(refused, 422, 'LICENCE_SCOPE');
    expect(refused.json().detail).toMatch(/no licence covers waste code 900-006-09/);

    const [current] = await licencesOf('org-dongxin');
    const renewal = { number: current.number, wasteCodes: [...current.wasteCodes, '900-006-09'], tonnesPerYear: current.tonnesPerYear, validUntil: '2034-06-30' };
    const renewed = await licence('lic-dongxin', { orgId: 'org-dongxin', ...renewal }); // its methods left out: kept
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json().licence).toEqual({ id: 'lic-dongxin', orgId: 'org-dongxin', ...renewal, methods: ['D10'] });
    expect(await licencesOf('org-dongxin')).toEqual([{ id: 'lic-dongxin', ...renewal }]);
    const treated = await treat();
    expect(treated.statusCode, treated.body).toBe(201);
  });

  it('keeps the vehicles and licences registered in a read side rebuilt from the log', async () => {
    await opened.ctx.sequencer.idle();
    expect(await compareReadSide(opened.ctx.db.sql)).toEqual([]);
    const listed = [await vehicles(), (await admin.request('GET', '/api/registry/organisations')).json()];
    const rows = await records();
    await rebuildReadSide(opened.ctx.db.sql);
    expect([await vehicles(), (await admin.request('GET', '/api/registry/organisations')).json()]).toEqual(listed);
    expect(await records()).toEqual(rows);
    expect(listed[0]).toContainEqual(expect.objectContaining({ plate: '浙J90001', orgId: 'org-taihang' }));
  });
});
