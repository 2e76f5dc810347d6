// The read-only routes behind the operator's pages, on both drivers: the gate's record (sightings
// with their pictures, weighbridge readings, confirmed arrivals), a picture by its hash, and the
// units of a manifest for its parties; each within the caller's view, bad input as problem+json.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../server/context.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { gateSighting, JPEG, loadOnItsWay, TANKER, VAN, weighbridgeReading } from './operator-load.js';

describe.each(DRIVERS)('the gate and manifest-unit routes on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let operator: Client;
  let load: Awaited<ReturnType<typeof loadOnItsWay>>;
  const picture = Buffer.concat([JPEG, Buffer.from(`truck at the gate ${driver}`)]);
  const hash = createHash('sha256').update(picture).digest('hex');

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    operator = await Client.as(app, 'operator');
    load = await loadOnItsWay(app, 2);
  });
  afterAll(() => opened?.close());

  it('lists the sighting matched to the manifest, with its picture, and the weighbridge reading after it', async () => {
    await gateSighting(app, VAN, picture);
    await ctx.sequencer.idle();
    expect(await weighbridgeReading(ctx, '15600')).toMatchObject({ status: 'sealed', type: 'vehicle.weighed' });
    const res = await operator.request('GET', '/api/gate/activity');
    expect(res.statusCode, res.body).toBe(200);
    const { sightings, weighings, arrivals } = res.json();
    expect(sightings).toEqual([expect.objectContaining({ plate: VAN, gate: 'site-dongxin-gate', deviceId: 'dev-dongxin-cam', direction: 'in', confidence: 97, pictures: [hash], manifestId: load.manifestId })]);
    expect(weighings).toEqual([expect.objectContaining({ deviceId: 'dev-dongxin-wb', grossKg: '15600', plate: VAN, manifestId: load.manifestId })]);
    expect(weighings[0].index).toBeGreaterThan(sightings[0].index);
    expect(arrivals).toEqual([]);

    const pic = await operator.request('GET', `/api/gate/pictures/${hash}`);
    expect(pic.statusCode).toBe(200);
    expect(pic.headers['content-type']).toBe('image/jpeg');
    expect(createHash('sha256').update(pic.rawPayload).digest('hex')).toBe(hash);
  });

  it('lists a confirmed arrival with the plate confirmed, and narrows to one vehicle', async () => {
    await gateSighting(app, TANKER, JPEG);
    const arrived = await operator.request('POST', `/api/manifests/${load.manifestId}/arrival`, { eventId: eventId('arr'), vehiclePlate: TANKER });
    expect(arrived.statusCode, arrived.body).toBe(201);
    await ctx.sequencer.idle();
    const all = (await operator.request('GET', '/api/gate/activity')).json();
    expect(all.sightings.map((s: { plate: string }) => s.plate)).toEqual([TANKER, VAN]); // newest first
    expect(all.sightings[0].manifestId).toBeNull(); // the camera matched no manifest to the tanker
    expect(all.arrivals).toEqual([expect.objectContaining({ manifestId: load.manifestId, vehiclePlate: TANKER })]);
    const tanker = (await operator.request('GET', `/api/gate/activity?plate=${encodeURIComponent(TANKER)}`)).json();
    expect([tanker.sightings.length, tanker.weighings.length, tanker.arrivals.length]).toEqual([1, 0, 1]);
  });

  it('shows another organisation nothing of it; the regulator and the admin see it', async () => {
    const other = await Client.as(app, 'operator2');
    expect((await other.request('GET', '/api/gate/activity')).json()).toEqual({ sightings: [], weighings: [], arrivals: [] });
    const refused = await other.request('GET', `/api/gate/pictures/${hash}`);
    expect(refused.statusCode).toBe(404);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const who of ['inspector', 'admin'] as const) {
      const c = await Client.as(app, who);
      expect((await c.request('GET', '/api/gate/activity')).json().sightings).toHaveLength(2);
      expect((await c.request('GET', `/api/gate/pictures/${hash}`)).statusCode).toBe(200);
    }
    const producer = await Client.as(app, 'producer');
    expect((await producer.request('GET', '/api/gate/activity')).json().code).toBe('ROLE_FORBIDDEN');
  });

  it('refuses bad parameters as problem+json', async () => {
    for (const url of ['/api/gate/pictures/not-a-hash', '/api/gate/activity?hours=0', '/api/gate/activity?hours=721', '/api/gate/activity?colour=red']) {
      const res = await operator.request('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
    const missing = await operator.request('GET', `/api/gate/pictures/${'0'.repeat(64)}`);
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'NOT_FOUND']);
  });

  it("gives the manifest's units to its parties, and to no one else", async () => {
    const res = await operator.request('GET', `/api/manifests/${load.manifestId}/units`);
    expect(res.statusCode, res.body).toBe(200);
    const units = res.json().units as { id: string; epc: string; grai: string; netKg: string; state: string }[];
    expect(units.map((u) => [u.id, u.epc, u.grai, u.netKg, u.state])).toEqual(load.units.map((u) => [u.id, u.epc, u.grai, u.netKg, 'loaded']));
    expect((await (await Client.as(app, 'driver')).request('GET', `/api/manifests/${load.manifestId}/units`)).statusCode).toBe(200);
    const outsider = await (await Client.as(app, 'operator2')).request('GET', `/api/manifests/${load.manifestId}/units`);
    expect([outsider.statusCode, outsider.json().code]).toEqual([403, 'NOT_IN_SCOPE']);
    const none = await operator.request('GET', '/api/manifests/no-such-manifest/units');
    expect([none.statusCode, none.json().code]).toEqual([404, 'MANIFEST_NOT_FOUND']);
  });
});
