// What a manifest carries is what its pickup took, not every unit it lists: a drum left behind is
// free again and may travel under another manifest without the first one counting it; a drum is
// treated under the manifest it was received under; an onward trip leaves no refused drum behind.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../server/context.js';
import { compareReadSide, rebuildReadSide } from '../../server/custody/replay.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { manifestSteps } from '../helpers/manifest-steps.js';
import { leg, plateOf } from '../helpers/park.js';

describe.each(DRIVERS)('what a manifest carries, on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<Who, Client>();
  const { step, manifest, unit, signedManifest } = manifestSteps(as);
  const register = async () => (await as.get('producer')!.register()).unit.id;
  const treat = (u: string) => as.get('operator')!.request('POST', `/api/units/${u}/treatment`, { eventId: eventId(), method: 'D10' });
  const truck = { vehiclePlate: plateOf('org-anyun') };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of ['producer', 'driver', 'operator', 'inspector'] as Who[]) as.set(w, await Client.as(app, w));
  });
  afterAll(() => opened?.close());

  it('does not count a drum left behind at pickup, though it is on another truck by the first one\'s receipt', async () => {
    const [a, b] = [await register(), await register()].sort();
    const first = await signedManifest([a, b]);
    await step('driver', first, 'pickup', { ...truck, scannedUnitIds: [a] });
    const second = await signedManifest([b]);
    await step('driver', second, 'pickup', { ...truck, scannedUnitIds: [b] });
    await step('operator', first, 'arrival', truck);
    // The first manifest's receipt decides on what it carried; b is not the first one's to accept.
    expect((await step('operator', first, 'receipt', { decisions: [{ unitId: a, accept: true }, { unitId: b, accept: true }] }, 422)).code).toBe('BAD_MANIFEST');
    await step('operator', first, 'receipt', { decisions: [{ unitId: a, accept: true }] });
    expect((await treat(a)).json()).toMatchObject({ manifestId: first, manifestState: 'closed' });
    await step('operator', second, 'arrival', truck);
    await step('operator', second, 'receipt', { decisions: [{ unitId: b, accept: true }] });
    expect((await treat(b)).json()).toMatchObject({ manifestId: second, manifestState: 'closed' });
    expect(await manifest(first)).toMatchObject({ state: 'closed', unitIds: [a, b] });
  });

  it('treats a drum under the manifest it came back under, not the one that refused it', async () => {
    const [kept, refused] = [await register(), await register()];
    const first = await signedManifest([kept, refused]);
    await step('driver', first, 'pickup', { ...truck, scannedUnitIds: [kept, refused] });
    await step('operator', first, 'arrival', truck);
    await step('operator', first, 'receipt', { decisions: [{ unitId: kept, accept: true }, { unitId: refused, accept: false, reason: '标签缺失', discrepancy: 'quantity' }] });
    // Back to its producer, and then to the same operator again on a manifest of its own.
    const back = (await step('operator', first, 'onward', { unitIds: [refused], receiverOrgId: 'org-hengkang', legs: [leg('org-anyun')], plannedDate: '2026-12-03' })).manifest.id;
    await step('operator', back, 'signature', {});
    await step('driver', back, 'pickup', { ...truck, scannedUnitIds: [refused] });
    await step('producer', back, 'arrival', truck);
    await step('producer', back, 'receipt', { decisions: [{ unitId: refused, accept: true }] });
    const again = await signedManifest([refused]);
    await step('driver', again, 'pickup', { ...truck, scannedUnitIds: [refused] });
    await step('operator', again, 'arrival', truck);
    await step('operator', again, 'receipt', { decisions: [{ unitId: refused, accept: true }] });
    expect((await treat(refused)).json()).toMatchObject({ manifestId: again, manifestState: 'closed' });
    expect((await manifest(first)).state).toBe('received'); // `kept` is still to be treated under it
    expect((await treat(kept)).json()).toMatchObject({ manifestId: first, manifestState: 'closed' });
  });

  it('refuses an onward pickup that would leave a refused drum behind', async () => {
    const [x, y] = [await register(), await register()].sort();
    const first = await signedManifest([x, y]);
    await step('driver', first, 'pickup', { ...truck, scannedUnitIds: [x, y] });
    await step('operator', first, 'arrival', truck);
    const refuse = (unitId: string) => ({ unitId, accept: false, reason: '泄漏', discrepancy: 'quantity' });
    await step('operator', first, 'receipt', { decisions: [refuse(x), refuse(y)] });
    const back = (await step('operator', first, 'onward', { unitIds: [x, y], receiverOrgId: 'org-hengkang', legs: [leg('org-anyun')], plannedDate: '2026-12-03' })).manifest.id;
    expect((await manifest(first)).state).toBe('closed');
    await step('operator', back, 'signature', {});
    const partial = await step('driver', back, 'pickup', { ...truck, scannedUnitIds: [x] }, 422);
    expect(partial).toMatchObject({ code: 'BAD_MANIFEST', detail: expect.stringContaining(y) });
    await step('driver', back, 'pickup', { ...truck, scannedUnitIds: [x, y] });
    await step('producer', back, 'arrival', truck);
    await step('producer', back, 'receipt', { decisions: [{ unitId: x, accept: true }, { unitId: y, accept: true }] });
    expect([(await unit(x)).state, (await unit(y)).state]).toEqual(['retrieved', 'retrieved']);
  });

  it('rebuilds what each manifest carried from the log', async () => {
    await ctx.sequencer.idle();
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
    const before = await ctx.db.sql.query('SELECT id, carried FROM manifests ORDER BY id');
    expect(before.some((r) => (r.carried as string[]).length > 0)).toBe(true);
    await rebuildReadSide(ctx.db.sql);
    expect(await ctx.db.sql.query('SELECT id, carried FROM manifests ORDER BY id')).toEqual(before);
  });
});
