// Drivers out of signal, over HTTP on both drivers: reserved event ids, steps recorded with the
// device's clock arriving late and out of order, sealed in device order with the server's
// receipt time; conflicts refused and kept; two drivers scanning the same units at once.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { SigningRefusedError } from '../../ledger/store/sequencer.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client, eventId, personOf, signClaim, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { plateOf, leg } from '../helpers/park.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe.each(DRIVERS)('offline driver steps on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<Who, Client>();
  const entry = async (index: number) => JSON.parse(fromUtf8((await ctx.reader.entry(index))!));

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of ['producer', 'driver', 'driver2', 'operator'] as Who[]) as.set(w, await Client.as(app, w));
  });
  afterAll(() => opened?.close());

  const reserve = async (who: Who, count: number): Promise<string[]> => {
    const res = await as.get(who)!.request('POST', '/api/me/event-ids', { count });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().eventIds;
  };
  const send = async (who: Who, steps: object[]) => {
    const res = await as.get(who)!.request('POST', '/api/offline/steps', { steps });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().results as { eventId: string; status: string; code?: string; outcome: { entries?: { index: number }[]; waitingFor?: string; code?: string } | null }[];
  };
  async function draft(legs: string[], n = 2, sign = true) {
    const p = as.get('producer')!;
    const ids = (await Promise.all(Array.from({ length: n }, async () => (await p.register()).unit.id))).sort();
    const res = await p.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: legs.map(leg), unitIds: ids, plannedDate: '2026-12-01' });
    const id = res.json().manifest.id as string;
    if (sign) await p.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() });
    return { id, ids };
  }

  it('seals steps that arrive late and out of order in the order of the device clock, with the server\'s receipt time', async () => {
    const { id, ids } = await draft(['org-anyun', 'org-taihang'], 2, false);
    const [pickupId, departId] = await reserve('driver', 2);
    const [handoverId] = await reserve('driver2', 1);
    const pickup = { eventId: pickupId, at: hoursAgo(5), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
    const departure = { eventId: departId, at: hoursAgo(4.5), kind: 'departure', manifestId: id, vehiclePlate: plateOf('org-anyun') };
    const handover = { eventId: handoverId, at: hoursAgo(3), kind: 'handover', manifestId: id, vehiclePlate: plateOf('org-taihang'), scannedUnitIds: ids };

    // The second leg's driver gets signal first: the handover waits (the manifest is not even signed).
    const [h] = await send('driver2', [handover]);
    expect(h).toMatchObject({ status: 'pending', outcome: { waitingFor: 'the consignor to sign' } });
    // The first driver's steps arrive, last first; the producer has not signed yet: both wait.
    const early = await send('driver', [departure, pickup]);
    expect(early.map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(early[1].outcome).toEqual({ waitingFor: 'the consignor to sign' });

    await as.get('producer')!.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() });
    // The next look at the manifest's waiting steps (here the second driver's) seals all three,
    // in device order; the first driver, sending the same batch again, learns they are sealed.
    const seen = (await as.get('driver2')!.request('GET', '/api/offline/steps')).json().steps;
    expect(seen).toMatchObject([{ eventId: handoverId, status: 'sealed' }]);
    const later = await send('driver', [departure, pickup]);
    expect(later.map((r) => r.status)).toEqual(['sealed', 'sealed']);
    const first = (r: { outcome: { entries?: { index: number }[] } | null }) => r.outcome!.entries![0].index;
    const [pickedUp, departed, handedOver] = [first(later[1]), first(later[0]), seen[0].outcome.entries[0].index];
    expect(pickedUp).toBeLessThan(departed);
    expect(departed).toBeLessThan(handedOver);
    const e = await entry(pickedUp);
    expect(e).toMatchObject({ type: 'manifest.signed', at: pickup.at, data: { step: 'pick_up', taken: ids } });
    expect(Date.parse(e.data.receivedAt)).toBeGreaterThan(Date.parse(pickup.at) + 4 * 3_600_000);
    expect(await entry(handedOver)).toMatchObject({ type: 'manifest.signed', at: handover.at, data: { step: 'hand_over', leg: 1 } });
    const m = (await as.get('producer')!.request('GET', `/api/manifests/${id}`)).json();
    expect(m).toMatchObject({ state: 'picked_up', currentLeg: 1 });
    // A resend after sealing is answered, not sealed again.
    const again = await send('driver', [pickup]);
    expect(again[0]).toMatchObject({ status: 'sealed', outcome: { entries: later[1].outcome!.entries } });
  });

  it('makes a handover wait for the pickup of the leg before it', async () => {
    const { id, ids } = await draft(['org-anyun', 'org-taihang']);
    const [handoverId] = await reserve('driver2', 1);
    const handover = { eventId: handoverId, at: hoursAgo(1), kind: 'handover', manifestId: id, vehiclePlate: plateOf('org-taihang'), scannedUnitIds: ids };
    expect((await send('driver2', [handover]))[0]).toMatchObject({ status: 'pending', outcome: { waitingFor: 'leg 1 to be taken over first' } });
    // The pickup comes online; the waiting handover goes through at the next look.
    await as.get('driver')!.request('POST', `/api/manifests/${id}/pickup`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    expect((await send('driver2', [handover]))[0]).toMatchObject({ status: 'sealed' });
  });

  it('keeps a step pending while the log is not sealing (taken or not), and seals it once the log does', async () => {
    const { id, ids } = await draft(['org-anyun']);
    const [pickupId] = await reserve('driver', 1);
    const pickup = { eventId: pickupId, at: hoursAgo(1), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
    ctx.sequencer.refuse('test', new SigningRefusedError('held for the test'));
    let released = false;
    try {
      expect((await send('driver', [pickup]))[0]).toMatchObject({ status: 'pending', outcome: { waitingFor: 'the log to seal again' } });
      const listed = await as.get('driver')!.request('GET', '/api/offline/steps');
      expect(listed.statusCode, listed.body).toBe(200);
      ctx.sequencer.allow('test');
      released = true;
      await ctx.sequencer.idle();
      const [sealed] = await send('driver', [pickup]);
      expect(sealed).toMatchObject({ status: 'sealed' });
      expect(await entry(sealed.outcome!.entries![0].index)).toMatchObject({ manifest: id, by: { role: 'driver' }, data: { eventId: pickupId } });
    } finally {
      if (!released) ctx.sequencer.allow('test');
    }
  }, 30_000);

  it('takes the same step sent twice at once as one, and the same id with another step as a reuse', async () => {
    const { id, ids } = await draft(['org-anyun']);
    const [pickupId] = await reserve('driver', 1);
    const pickup = { eventId: pickupId, at: hoursAgo(1), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
    const [a, b] = await Promise.all([send('driver', [pickup]), send('driver', [pickup])]);
    expect(a[0]).toMatchObject({ status: 'sealed' });
    expect(b[0]).toEqual(a[0]);
    // The scans are a set, as the signed claim has them: another order is the same step.
    expect((await send('driver', [{ ...pickup, scannedUnitIds: [...ids].reverse() }]))[0]).toEqual(a[0]);
    expect((await send('driver', [{ ...pickup, at: hoursAgo(2) }]))[0]).toMatchObject({ status: 'refused', code: 'EVENT_ID_REUSED' });
  });

  it('refuses a step dated on a day that does not exist, and takes the rest of its batch', async () => {
    const { id, ids } = await draft(['org-anyun']);
    const [bad, good] = await reserve('driver', 2);
    const pickup = { at: hoursAgo(1), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
    const [bad2] = await reserve('driver', 1);
    const results = await send('driver', [{ ...pickup, eventId: bad, at: '2026-13-01T10:00:00Z' }, { ...pickup, eventId: bad2, at: '2026-02-30T10:00:00Z' }, { ...pickup, eventId: good }]);
    expect(results[0]).toMatchObject({ eventId: bad, status: 'refused', code: 'BAD_INPUT' });
    expect(results[1]).toMatchObject({ eventId: bad2, status: 'refused', code: 'BAD_INPUT' }); // V8 reads it as 2 March
    expect(results[2]).toMatchObject({ eventId: good, status: 'sealed' });
  });

  it('refuses a step that contradicts what is sealed, and keeps it as a conflict', async () => {
    const { id, ids } = await draft(['org-anyun']);
    // Two devices of one transporter both scan the load on: one is sealed, the other conflicts.
    const [a, b] = await reserve('driver', 2);
    const scans = [a, b].map((eventId, i) => ({ eventId, at: hoursAgo(2 - i / 10), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids }));
    const [ra, rb] = await Promise.all(scans.map((s) => send('driver', [s])));
    const statuses = [ra[0].status, rb[0].status].sort();
    expect(statuses).toEqual(['conflict', 'sealed']);
    const lost = ra[0].status === 'conflict' ? ra[0] : rb[0];
    expect(lost.outcome).toMatchObject({ code: 'TRANSITION_REFUSED' });
    // Kept, and answered the same way when sent again.
    expect((await send('driver', [scans.find((s) => s.eventId === lost.eventId)!]))[0]).toMatchObject({ status: 'conflict' });
    const kept = (await as.get('driver')!.request('GET', '/api/offline/steps')).json().steps as { eventId: string; status: string }[];
    expect(kept.find((s) => s.eventId === lost.eventId)).toMatchObject({ status: 'conflict' });
    const pickups = await ctx.db.sql.query(`SELECT idx FROM ledger_entries WHERE manifest_id = $1 AND type = 'unit.loaded'`, [id]);
    expect(pickups).toHaveLength(ids.length); // each unit loaded once
  });

  it('refuses ids that were not reserved or are reused, checks device signatures, and lets only drivers in', async () => {
    const { id, ids } = await draft(['org-anyun'], 1);
    const [r1, r2] = await reserve('driver', 2);
    const step = { eventId: 'never-reserved-1', at: hoursAgo(1), kind: 'pickup', manifestId: id, vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
    expect((await send('driver', [step]))[0]).toMatchObject({ status: 'refused', code: 'BAD_INPUT' });
    // A forged signature: kept as a conflict, the step is not sealed.
    const forged = await signClaim({ eventId: r1, action: 'manifest.pick_up', subject: `manifest:${id}`, at: step.at, data: { vehiclePlate: step.vehiclePlate, scanned: ids } }, demoPrivateJwk(personOf('driver2').id));
    expect((await send('driver', [{ ...step, eventId: r1, signature: forged }]))[0]).toMatchObject({ status: 'conflict', outcome: { code: expect.stringMatching(/^SIGNATURE_/) } });
    // The same id again with other content.
    expect((await send('driver', [{ ...step, eventId: r1, at: hoursAgo(0.5) }]))[0]).toMatchObject({ status: 'refused', code: 'EVENT_ID_REUSED' });
    // Signed by the driver's own key over the device-time claim: sealed with the signature.
    const signed = await signClaim({ eventId: r2, action: 'manifest.pick_up', subject: `manifest:${id}`, at: step.at, data: { vehiclePlate: step.vehiclePlate, scanned: ids } }, demoPrivateJwk(personOf('driver').id));
    const ok = (await send('driver', [{ ...step, eventId: r2, signature: signed }]))[0];
    expect(ok.status, JSON.stringify(ok)).toBe('sealed');
    expect((await entry(ok.outcome!.entries![0].index)).sig[0]).toMatchObject({ by: `person:${personOf('driver').id}` });
    // Other roles have no offline steps; bodies are checked.
    expect((await as.get('producer')!.request('POST', '/api/me/event-ids', { count: 2 })).statusCode).toBe(403);
    expect((await as.get('driver')!.request('POST', '/api/me/event-ids', { count: 0 })).statusCode).toBe(400);
    expect((await as.get('driver')!.request('POST', '/api/offline/steps', { steps: [{ ...step, kind: 'teleport' }] })).statusCode).toBe(400);
    expect((await as.get('driver')!.request('POST', '/api/offline/steps', { steps: [{ ...step, at: 'yesterday' }] })).statusCode).toBe(400);
  });

  it('leaves a log that verifies and a read side that matches its replay', async () => {
    await ctx.sequencer.idle();
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });
});
