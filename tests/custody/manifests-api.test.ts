// Transfer manifests over HTTP on both drivers: drafting, signing, cancelling, turns and scope.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey, verifyEvidence } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { plateOf } from '../helpers/park.js';


describe.each(DRIVERS)('transfer manifests over HTTP on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<Who, Client>();
  const draft = (unitIds: string[], overrides: Record<string, unknown> = {}) => ({
    eventId: eventId('mf'),
    receiverOrgId: 'org-dongxin',
    legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-anyun') }, { transporterOrgId: 'org-taihang', vehiclePlate: plateOf('org-taihang') }],
    unitIds,
    plannedDate: '2026-12-01',
    ...overrides,
  });

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of ['producer', 'producer2', 'driver', 'driver2', 'operator', 'inspector', 'admin'] as Who[]) as.set(w, await Client.as(app, w));
  });
  afterAll(() => opened?.close());

  const units = async (n: number) => Promise.all(Array.from({ length: n }, async () => (await as.get('producer')!.register()).unit.id));

  it('drafts a manifest with a number and its own chain, then the producer signs it', async () => {
    const ids = await units(3);
    const res = await as.get('producer')!.request('POST', '/api/manifests', draft(ids));
    expect(res.statusCode, res.body).toBe(201);
    const { manifest, entry } = res.json();
    expect(manifest).toMatchObject({ state: 'draft', producerOrgId: 'org-hengkang', unitIds: ids, currentLeg: -1 });
    expect(manifest.number).toMatch(/^33\d{8}\d{6}$/);
    expect(manifest.next).toEqual([{ action: 'sign', role: 'producer', orgId: 'org-hengkang' }]);
    const created = JSON.parse(fromUtf8((await ctx.reader.entry(entry.index))!));
    expect(created).toMatchObject({ type: 'manifest.created', manifest: manifest.id, data: { number: manifest.number, units: ids } });

    const signed = await as.get('producer')!.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    expect(signed.statusCode).toBe(201);
    expect(signed.json().manifest).toMatchObject({ state: 'signed', next: [{ action: 'pick_up', role: 'driver', orgId: 'org-anyun' }] });
    const e = JSON.parse(fromUtf8((await ctx.reader.entry(signed.json().entry.index))!));
    expect(e.prev.manifest).toBe(manifest.lastLeafHash);

    // It is now the first transporter's turn: it is on their list, not on the second's.
    const waiting = async (who: Who) => ((await as.get(who)!.request('GET', '/api/me/waiting')).json().manifests as { id: string }[]).map((m) => m.id);
    expect(await waiting('driver')).toContain(manifest.id);
    expect(await waiting('producer')).not.toContain(manifest.id);
    expect(await waiting('operator')).not.toContain(manifest.id);
  });

  it('refuses what the lifecycle and the registry do not allow', async () => {
    const p = as.get('producer')!;
    const ids = await units(2);
    const { manifest } = (await p.request('POST', '/api/manifests', draft(ids))).json();
    // a unit can be on one open manifest at a time
    const twice = await p.request('POST', '/api/manifests', draft([ids[0]]));
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('UNIT_UNAVAILABLE');
    expect((await p.request('POST', '/api/manifests', draft(ids, { receiverOrgId: 'org-anyun' }))).json().code).toBe('BAD_MANIFEST');
    expect((await p.request('POST', '/api/manifests', draft(ids, { legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-taihang') }] }))).json().code).toBe('BAD_MANIFEST');
    const foreign = (await as.get('producer2')!.register({ siteId: 'site-ruitai-plant' })).unit.id;
    expect((await p.request('POST', '/api/manifests', draft([foreign]))).json().code).toBe('BAD_MANIFEST');
    expect((await p.request('POST', '/api/manifests', draft([ids[0], ids[0]]))).json().code).toBe('BAD_MANIFEST');
    // another producer may not sign or cancel it
    const other = await as.get('producer2')!.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    expect(other.statusCode).toBe(403);
    // cancel, then nothing more
    const cancelled = await p.request('POST', `/api/manifests/${manifest.id}/cancellation`, { eventId: eventId(), reason: 'wrong receiver' });
    expect(cancelled.json().manifest).toMatchObject({ state: 'cancelled', next: [] });
    const late = await p.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('TRANSITION_REFUSED');
    // its units are free again
    expect((await p.request('POST', '/api/manifests', draft(ids))).statusCode).toBe(201);
  });

  it('shows each manifest to its parties and the regulator only', async () => {
    const ids = await units(1);
    const { manifest } = (await as.get('producer')!.request('POST', '/api/manifests', draft(ids, { legs: [{ transporterOrgId: 'org-taihang', vehiclePlate: plateOf('org-taihang') }], receiverOrgId: 'org-lvxun' }))).json();
    const status = async (who: Who) => (await as.get(who)!.request('GET', `/api/manifests/${manifest.id}`)).statusCode;
    expect(await status('producer')).toBe(200);
    expect(await status('inspector')).toBe(200);
    expect(await status('admin')).toBe(200);
    expect(await status('producer2')).toBe(403);
    expect(await status('driver')).toBe(403); // org-anyun carries no leg of it
    expect(await status('operator')).toBe(403); // org-dongxin does not receive it
    const listed = async (who: Who) => ((await as.get(who)!.request('GET', '/api/manifests')).json().manifests as { id: string }[]).map((m) => m.id);
    expect(await listed('producer')).toContain(manifest.id);
    expect(await listed('driver')).not.toContain(manifest.id);
    for (const who of ['driver', 'operator', 'inspector', 'admin'] as Who[]) {
      expect((await as.get(who)!.request('POST', '/api/manifests', draft(ids))).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: '/api/manifests' })).statusCode).toBe(401);
    const bad = await as.get('producer')!.request('POST', '/api/manifests', { ...draft(ids), legs: [] });
    expect(bad.statusCode).toBe(400);
  });

  it('answers a retried draft with the first answer', async () => {
    const body = draft(await units(1));
    const first = await as.get('producer')!.request('POST', '/api/manifests', body);
    const again = await as.get('producer')!.request('POST', '/api/manifests', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().manifest.id).toBe(first.json().manifest.id);
    expect(again.json().entry).toEqual(first.json().entry);
  });

  it('picks up: the first leg\'s driver loads the scanned units; missing and unexpected scans are recorded', async () => {
    const p = as.get('producer')!;
    const d = as.get('driver')!;
    const ids = (await units(3)).sort();
    const stray = (await units(1))[0];
    const { manifest } = (await p.request('POST', '/api/manifests', draft(ids))).json();
    const body = { eventId: eventId('pu'), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0], ids[2], stray] };
    expect((await d.request('POST', `/api/manifests/${manifest.id}/pickup`, body)).json().code).toBe('TRANSITION_REFUSED'); // not signed yet
    await p.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    expect((await p.request('POST', `/api/manifests/${manifest.id}/pickup`, body)).statusCode).toBe(403);
    expect((await d.request('POST', `/api/manifests/${manifest.id}/pickup`, { ...body, eventId: eventId(), vehiclePlate: plateOf('org-taihang') })).json().code).toBe('BAD_MANIFEST');

    const res = await d.request('POST', `/api/manifests/${manifest.id}/pickup`, body);
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.manifest).toMatchObject({ state: 'picked_up', currentLeg: 0, next: [{ action: 'hand_over', role: 'driver', orgId: 'org-taihang' }] });
    expect(r.entries).toHaveLength(3);
    const sealed = await Promise.all(r.entries.map(async (x: { index: number }) => JSON.parse(fromUtf8((await ctx.reader.entry(x.index))!))));
    expect(sealed[0]).toMatchObject({ type: 'manifest.signed', data: { step: 'pick_up', leg: 0, taken: [ids[0], ids[2]], missing: [ids[1]], unexpected: [stray] } });
    expect(sealed.slice(1).map((e) => [e.type, e.unit, e.manifest])).toEqual([
      ['unit.loaded', ids[0], manifest.id],
      ['unit.loaded', ids[2], manifest.id],
    ]);
    // each loaded entry continues both chains
    expect(sealed[1].prev.manifest).toBe(r.entries[0].leafHash);
    expect(sealed[2].prev.manifest).toBe(r.entries[1].leafHash);
    expect(r.manifest.lastLeafHash).toBe(r.entries[2].leafHash);
    const state = async (id: string) => (await p.request('GET', `/api/units/${id}`)).json().state;
    expect([await state(ids[0]), await state(ids[1]), await state(ids[2]), await state(stray)]).toEqual(['loaded', 'registered', 'loaded', 'registered']);
    // a retried pickup gets the first answer; a cancel after pickup is refused
    const again = await d.request('POST', `/api/manifests/${manifest.id}/pickup`, body);
    expect(again.statusCode).toBe(200);
    expect(again.json().entries).toEqual(r.entries);
    expect((await p.request('POST', `/api/manifests/${manifest.id}/cancellation`, { eventId: eventId(), reason: 'too late' })).json().code).toBe('TRANSITION_REFUSED');
  });

  it('goes the whole way: pickup, handover to leg 2, arrival, receipt with one unit refused', async () => {
    const p = as.get('producer')!;
    const ids = (await units(3)).sort();
    const { manifest } = (await p.request('POST', '/api/manifests', draft(ids))).json();
    await p.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    const step = async (who: Who, path: string, body: object, status = 201) => {
      const res = await as.get(who)!.request('POST', `/api/manifests/${manifest.id}/${path}`, { eventId: eventId(), ...body });
      expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(status);
      return res.json();
    };
    await step('driver', 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    // the second leg's vehicle, by the first leg's driver: not their turn
    await step('driver', 'handover', { vehiclePlate: plateOf('org-taihang'), scannedUnitIds: ids }, 403);
    const handed = await step('driver2', 'handover', { vehiclePlate: plateOf('org-taihang'), scannedUnitIds: ids });
    expect(handed.manifest).toMatchObject({ state: 'picked_up', currentLeg: 1, next: [{ action: 'arrive', role: 'operator', orgId: 'org-dongxin' }] });
    expect(handed.entries).toHaveLength(4);
    await step('operator', 'receipt', { decisions: ids.map((unitId) => ({ unitId, accept: true })) }, 409); // not arrived yet
    const arrived = await step('operator', 'arrival', { vehiclePlate: plateOf('org-taihang') });
    expect(arrived.manifest.next).toEqual([{ action: 'receive', role: 'operator', orgId: 'org-dongxin' }]);
    // every unit must be decided, and a refusal needs its reason and discrepancy type
    await step('operator', 'receipt', { decisions: ids.slice(1).map((unitId) => ({ unitId, accept: true })) }, 422);
    await step('operator', 'receipt', { decisions: ids.map((unitId, i) => ({ unitId, accept: i !== 1 })) }, 422);
    const received = await step('operator', 'receipt', {
      decisions: ids.map((unitId, i) => (i === 1
        ? { unitId, accept: false, reason: '桶体破损，称重偏轻', discrepancy: 'quantity', grossKg: '150', tareKg: '18.5' }
        : { unitId, accept: true, grossKg: '212.5', tareKg: '18.5' })),
    });
    expect(received.manifest).toMatchObject({ state: 'received', next: [{ action: 'close', role: 'operator', orgId: 'org-dongxin' }] });
    const last = JSON.parse(fromUtf8((await ctx.reader.entry(received.entries.at(-1).index))!));
    expect(last).toMatchObject({ type: 'manifest.received', data: { outcome: 'partially_accepted', accepted: [ids[0], ids[2]], refused: [ids[1]] } });
    const unit = async (id: string) => (await p.request('GET', `/api/units/${id}`)).json();
    expect(await unit(ids[0])).toMatchObject({ state: 'received', netKg: '194' });
    expect(await unit(ids[1])).toMatchObject({ state: 'refused', netKg: '131.5' });

    // Treatment: by the receiver, with a method its licence lists; closes the unit.
    const treat = (who: Who, id: string, method: string) => as.get(who)!.request('POST', `/api/units/${id}/treatment`, { eventId: eventId(), method });
    expect((await treat('operator', ids[0], 'R2')).json().code).toBe('LICENCE_SCOPE');
    expect((await treat('driver', ids[0], 'D10')).statusCode).toBe(403);
    expect((await treat('operator', ids[1], 'D10')).json().code).toBe('TRANSITION_REFUSED'); // refused: it leaves on a new manifest
    const treated = await treat('operator', ids[0], 'D10');
    expect(treated.statusCode, treated.body).toBe(201);
    expect(treated.json()).toMatchObject({ manifestId: manifest.id, manifestState: 'received' }); // a refused unit is still open
    expect(await unit(ids[0])).toMatchObject({ state: 'disposed' });
    const e = JSON.parse(fromUtf8((await ctx.reader.entry(treated.json().entries[0].index))!));
    expect(e).toMatchObject({ type: 'unit.disposed', unit: ids[0], manifest: manifest.id, data: { method: 'D10', licenceId: 'lic-dongxin' } });
  });

  it('closes a manifest when its last unit is treated, and refuses waste its licence does not cover', async () => {
    const p = as.get('producer')!;
    const [a] = await units(1);
    const hw17 = (await p.register({ wasteCode: '336-064-17' })).unit.id;
    for (const ids of [[a], [hw17]]) {
      const { manifest } = (await p.request('POST', '/api/manifests', draft(ids, { legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-anyun') }] }))).json();
      await p.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
      await as.get('driver')!.request('POST', `/api/manifests/${manifest.id}/pickup`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
      await as.get('operator')!.request('POST', `/api/manifests/${manifest.id}/arrival`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun') });
      const rec = await as.get('operator')!.request('POST', `/api/manifests/${manifest.id}/receipt`, { eventId: eventId(), decisions: [{ unitId: ids[0], accept: true, grossKg: '100', tareKg: '10' }] });
      expect(rec.statusCode, rec.body).toBe(201);
      const treated = await as.get('operator')!.request('POST', `/api/units/${ids[0]}/treatment`, { eventId: eventId(), method: 'D10' });
      if (ids[0] === hw17) {
        expect(treated.json()).toMatchObject({ code: 'LICENCE_SCOPE', detail: expect.stringMatching(/no licence covers waste code 336-064-17/) });
      } else {
        expect(treated.json()).toMatchObject({ manifestState: 'closed' });
        expect(treated.json().entries).toHaveLength(2);
        expect((await p.request('GET', `/api/manifests/${manifest.id}`)).json()).toMatchObject({ state: 'closed', next: [] });
      }
    }
  });

  it('gives an evidence bundle of the manifest and its units that verifies offline, and breaks at a changed byte', async () => {
    const p = as.get('producer')!;
    const ids = (await units(2)).sort();
    await p.request('POST', `/api/units/${ids[0]}/weighings`, { eventId: eventId(), grossKg: '120', tareKg: '20', source: 'manual' });
    const { manifest } = (await p.request('POST', '/api/manifests', draft(ids))).json();
    await p.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId() });
    await as.get('driver')!.request('POST', `/api/manifests/${manifest.id}/pickup`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    await ctx.sequencer.idle();
    const res = await as.get('inspector')!.request('GET', `/api/manifests/${manifest.id}/evidence`);
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    // 2 registrations, 1 weighing, created, signed, picked up, 2 loaded
    expect(bundle.entries).toHaveLength(8);
    expect(verifyEvidence(bundle, ctx.key.vkey).breaks).toEqual([]);
    const bent = JSON.parse(JSON.stringify(bundle));
    const body = Buffer.from(bent.entries[4].body, 'base64');
    body[12] ^= 1;
    bent.entries[4].body = body.toString('base64');
    expect(verifyEvidence(bent, ctx.key.vkey).breaks[0]).toMatchObject({ index: bundle.entries[4].index, code: 'ENTRY_NOT_INCLUDED' });
    expect((await as.get('producer2')!.request('GET', `/api/manifests/${manifest.id}/evidence`)).statusCode).toBe(403);
  });

  it('leaves a log that verifies and a read side, manifests included, that matches its replay', async () => {
    await ctx.sequencer.idle();
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });
});
