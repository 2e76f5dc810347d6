// The finding rules on both drivers: breaks planted through the real API surface as sealed
// findings, a clean manifest raises none, a restarted engine resumes without missing or
// repeating one, time rules fire from the scheduler, and only an inspector resolves a finding.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { encodeEntry, fromUtf8, leafHash, parseVkey, type Envelope } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { SigningRefusedError } from '../../ledger/store/sequencer.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { FindingEngine } from '../../server/findings/engine.js';
import { DEFAULT_LIMITS } from '../../server/findings/limits.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client, eventId, personOf, signClaim, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { plateOf, leg } from '../helpers/park.js';


describe.each(DRIVERS)('findings on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<Who, Client>();
  const engine = () => new FindingEngine({ sql: ctx.db.sql, sequencer: ctx.sequencer, limits: DEFAULT_LIMITS, vkey: ctx.key.vkey });
  /** Run an engine over everything sealed so far, and seal what it found. */
  const readAll = async (e = engine()) => {
    await ctx.sequencer.idle();
    e.kick();
    await e.settled();
    await ctx.sequencer.idle();
    return e;
  };
  const findings = async (who: Who = 'inspector', query = '') => (await as.get(who)!.request('GET', `/api/findings${query}`)).json().findings as { id: string; key: string; code: string; subjects: { manifest?: string; units?: string[]; vehicle?: string }; evidence: number[]; status: string; orgIds: string[]; detail: string }[];
  const about = async (manifestId: string) => (await findings()).filter((f) => f.subjects.manifest === manifestId).map((f) => f.code).sort();

  /** Put an entry into intake as a device gateway, or a compromised server, would. */
  const put = async (env: object) => {
    const e = encodeEntry(env as Envelope);
    await ctx.db.sql.query('INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ($1, $2, $3, $4, $5)', [e.body, leafHash(e.body), e.type, e.unitId, e.manifestId]);
    ctx.sequencer.drainIntake();
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of ['producer', 'producer2', 'driver', 'driver2', 'operator', 'inspector'] as Who[]) as.set(w, await Client.as(app, w));
  });
  afterAll(() => opened?.close());

  const step = async (who: Who, id: string, path: string, body: object) => {
    const res = await as.get(who)!.request('POST', `/api/manifests/${id}/${path}`, { eventId: eventId(), ...body });
    expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(201);
    return res.json();
  };
  /** Units weighed at 100 kg net by the producer, on a signed manifest to org-dongxin. */
  async function manifest(n: number, legs = ['org-anyun']) {
    const p = as.get('producer')!;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = (await p.register()).unit.id;
      await p.request('POST', `/api/units/${id}/weighings`, { eventId: eventId(), grossKg: '118', tareKg: '18', source: 'manual' });
      ids.push(id);
    }
    ids.sort();
    const res = await p.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: legs.map(leg), unitIds: ids, plannedDate: '2026-12-01' });
    const id = res.json().manifest.id as string;
    await step('producer', id, 'signature', {});
    return { id, ids };
  }
  const receiveAll = (id: string, ids: string[], kg: (i: number) => string = () => '118') =>
    step('operator', id, 'receipt', { decisions: ids.map((unitId, i) => ({ unitId, accept: true, grossKg: kg(i), tareKg: '18' })) });
  /** A drum of this waste, carried to org-dongxin and accepted there; answers its manifest. */
  async function receivedAtDongxin(wasteCode: string) {
    const p = as.get('producer')!;
    const unit = (await p.register({ wasteCode })).unit.id;
    const res = await p.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unit], plannedDate: '2026-12-01' });
    const id = res.json().manifest.id as string;
    await step('producer', id, 'signature', {});
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [unit] });
    await step('operator', id, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await receiveAll(id, [unit]);
    return id;
  }

  it('raises nothing for a clean manifest', async () => {
    const { id, ids } = await manifest(2);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    await step('operator', id, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await receiveAll(id, ids, (i) => (i === 0 ? '119.5' : '117')); // within 3 % / 2 kg
    await readAll();
    expect(await about(id)).toEqual([]);
  });

  it('raises the planted breaks, each once, sealed with its evidence', async () => {
    // A drum never scanned at pickup and a foreign one scanned, a wrong plate at the gate, a light drum at receipt.
    const { id, ids } = await manifest(3);
    const stranger = (await as.get('producer')!.register()).unit.id;
    const picked = await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0], ids[1], stranger] });
    const arrived = await step('operator', id, 'arrival', { vehiclePlate: '浙A00000' });
    const received = await receiveAll(id, ids.slice(0, 2), (i) => (i === 1 ? '98' : '118'));
    await readAll();

    expect(await about(id)).toEqual(['PLATE_MISMATCH', 'UNIT_MISSING', 'UNIT_UNEXPECTED', 'WEIGHT_MISMATCH']);
    const all = await findings();
    const byCode = (code: string) => all.find((f) => f.subjects.manifest === id && f.code === code)!;
    expect(byCode('UNIT_MISSING')).toMatchObject({ subjects: { units: [ids[2]] }, evidence: [picked.entry.index], status: 'open', orgIds: ['org-anyun', 'org-dongxin', 'org-hengkang'] });
    expect(byCode('UNIT_UNEXPECTED').subjects.units).toEqual([stranger]);
    expect(byCode('PLATE_MISMATCH')).toMatchObject({ subjects: { vehicle: '浙A00000' }, evidence: [arrived.entry.index] });
    const light = received.entries.find((_: unknown, i: number) => i === 1).index;
    expect(byCode('WEIGHT_MISMATCH')).toMatchObject({ subjects: { units: [ids[1]] } });
    expect(byCode('WEIGHT_MISMATCH').evidence.at(-1)).toBe(light);
    // Sealed: each finding is a `finding.raised` entry in the log.
    const sealed = await ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE type = 'finding.raised' ORDER BY idx`);
    const raised = sealed.map((r) => JSON.parse(fromUtf8(r.body)));
    expect(raised.filter((e) => e.data.subjects.manifest === id).map((e) => e.data.code).sort()).toEqual(['PLATE_MISMATCH', 'UNIT_MISSING', 'UNIT_UNEXPECTED', 'WEIGHT_MISMATCH']);
    // Scope: the producer sees its own, another producer none of them.
    expect((await findings('producer')).some((f) => f.subjects.manifest === id)).toBe(true);
    expect((await findings('producer2')).some((f) => f.subjects.manifest === id)).toBe(false);
  });

  it('raises a custody gap when a unit reaches the receiver without being handed to the last leg', async () => {
    const { id, ids } = await manifest(2, ['org-anyun', 'org-taihang']);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    const handed = await step('driver2', id, 'handover', { vehiclePlate: plateOf('org-taihang'), scannedUnitIds: [ids[0]] });
    await step('operator', id, 'arrival', { vehiclePlate: plateOf('org-taihang') });
    const received = await receiveAll(id, ids);
    await readAll();
    expect(await about(id)).toEqual(['CUSTODY_GAP', 'UNIT_MISSING']);
    const all = await findings();
    expect(all.find((f) => f.subjects.manifest === id && f.code === 'UNIT_MISSING')).toMatchObject({ subjects: { units: [ids[1]] }, evidence: [handed.entry.index] });
    const gap = all.find((f) => f.subjects.manifest === id && f.code === 'CUSTODY_GAP')!;
    expect(gap.subjects.units).toEqual([ids[1]]);
    expect(gap.evidence.at(-1)).toBe(received.entries[1].index);
    expect(gap.orgIds).toEqual(['org-anyun', 'org-dongxin', 'org-hengkang', 'org-taihang']);
  });

  it('raises a licence finding for waste the receiver is not licensed for, a truck weight off its units, a forged signature', async () => {
    const id = await receivedAtDongxin('336-064-17'); // org-dongxin holds no licence for HW17
    // A weighbridge reading (no command of this server makes one yet: the device gateway will).
    const { id: truckManifest, ids } = await manifest(2); // 2 × 100 kg
    await step('driver', truckManifest, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    const at = new Date().toISOString();
    await put({ v: 1, type: 'vehicle.weighed', at, by: { role: 'device', org: 'org-dongxin', device: 'dev-dongxin-wb' }, data: { manifestId: truckManifest, plate: plateOf('org-anyun'), grossKg: '9000', tareKg: '8750', netKg: '250' } });
    // Sealed after those, before the rules read them: each is judged by the log as it stood at its
    // own entry. A licence granted later does not cover the acceptance; the receiver weighing the
    // drums at 125 kg later does not make the truck's 250 kg right.
    const granted = await (await Client.as(app, 'admin')).request('PUT', '/api/registry/licences/lic-dongxin-hw17', {
      eventId: eventId('lic'), orgId: 'org-dongxin', number: '浙危废经第 3310820099 号', wasteCodes: ['336-064-17'], tonnesPerYear: 100, validUntil: '2030-12-31', methods: ['D10'],
    });
    expect(granted.statusCode, granted.body).toBe(201);
    await step('operator', truckManifest, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await receiveAll(truckManifest, ids, () => '143');
    await readAll();
    expect(await about(id)).toEqual(['LICENCE_SCOPE']);
    expect((await findings()).filter((f) => f.key.startsWith('WEIGHT_MISMATCH:truck:')).map((f) => f.subjects.manifest)).toEqual([truckManifest]);
  });

  it('weighs a truck against the drums its pickup took: one left behind is missing, not a weight off', async () => {
    const { id, ids } = await manifest(3); // 3 × 100 kg
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids.slice(0, 2) });
    const at = new Date().toISOString();
    await put({ v: 1, type: 'vehicle.weighed', at, by: { role: 'device', org: 'org-dongxin', device: 'dev-dongxin-wb' }, data: { manifestId: id, plate: plateOf('org-anyun'), grossKg: '9000', tareKg: '8800', netKg: '200' } });
    await readAll();
    expect(await about(id)).toEqual(['UNIT_MISSING']);
  });

  it('judges a page read again after it failed to seal by the log before it, not by what the failed read learned', async () => {
    const id = await receivedAtDongxin('900-214-08'); // nor for this one
    const granted = await (await Client.as(app, 'admin')).request('PUT', '/api/registry/licences/lic-dongxin-oil', {
      eventId: eventId('lic'), orgId: 'org-dongxin', number: '浙危废经第 3310820098 号', wasteCodes: ['900-214-08'], tonnesPerYear: 100, validUntil: '2030-12-31', methods: ['D10'],
    });
    expect(granted.statusCode, granted.body).toBe(201);
    // The first read of the page (the receipt, then the licence) fails to seal its findings.
    const e = engine(); // one engine: it reads the page again after the failure
    const failing = vi.spyOn(FindingEngine.prototype as unknown as { seal(): Promise<boolean> }, 'seal').mockRejectedValueOnce(new Error('the database went away'));
    try {
      await readAll(e);
    } finally {
      failing.mockRestore();
    }
    expect(await about(id)).toEqual([]);
    await readAll(e);
    expect(await about(id)).toEqual(['LICENCE_SCOPE']);
  });

  it('resumes after a restart without missing or repeating a finding', async () => {
    const before = (await findings()).length;
    const cursorBefore = await ctx.db.sql.query('SELECT next_index FROM finding_cursor');
    // A fresh engine (a restarted server) reads from the cursor: nothing new.
    await readAll();
    expect((await findings()).length).toBe(before);
    // A break sealed while no engine runs is found by the next one, once.
    const { id, ids } = await manifest(2);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0]] });
    await readAll();
    await readAll();
    expect(await about(id)).toEqual(['UNIT_MISSING']);
    expect((await findings()).length).toBe(before + 1);
    // Even a cursor wound back does not raise a finding twice.
    await ctx.db.sql.query('UPDATE finding_cursor SET next_index = $1', [Number(cursorBefore[0].next_index)]);
    await readAll();
    expect((await findings()).length).toBe(before + 1);
  });

  it('fires the time rules from the scheduler, not from a new entry', async () => {
    const { id, ids } = await manifest(1);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    const stored = (await as.get('producer')!.register()).unit.id;
    // Stored at 07:30 on 2 March in Zhejiang (23:30 UTC on 1 March): the finding names the park's day.
    const storage = await as.get('producer')!.request('POST', `/api/units/${stored}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'B-2', at: '2026-03-01T23:30:00Z' });
    expect(storage.statusCode, storage.body).toBe(201);
    await ctx.sequencer.idle();
    const e = engine();
    await e.scan(Date.now());
    expect(await about(id)).toEqual([]); // just picked up
    await e.scan(Date.now() + 25 * 3_600_000);
    await ctx.sequencer.idle();
    expect(await about(id)).toEqual(['TRANSIT_OVERDUE']);
    await step('operator', id, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await e.scan(Date.now() + 50 * 3_600_000);
    await e.scan(Date.now() + 366 * 24 * 3_600_000);
    await ctx.sequencer.idle();
    expect(await about(id)).toEqual(['RECEIPT_OVERDUE', 'TRANSIT_OVERDUE']);
    const overdue = (await findings()).filter((f) => f.code === 'STORAGE_OVERDUE' && f.subjects.units?.includes(stored));
    expect(overdue).toHaveLength(1);
    expect(overdue[0].detail).toMatch(/ stored since 2026-03-02, longer than \d+ days$/);
  });

  it('pushes each finding over /live to the parties it touches and their regulator', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const open = (who: Who) =>
      new Promise<{ ws: WebSocket; got: { type: string; entry: { data: { code?: string; subjects?: { manifest?: string } } } }[] }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/live?access_token=${as.get(who)!.token}`);
        const got: { type: string; entry: { data: { code?: string } } }[] = [];
        ws.on('message', (m) => {
          const msg = JSON.parse(String(m));
          if (msg.hello) resolve({ ws, got: got as never });
          else got.push(msg);
        });
        ws.on('error', reject);
      });
    const listeners = { driver: await open('driver'), driver2: await open('driver2'), producer2: await open('producer2'), inspector: await open('inspector') };
    const { id, ids } = await manifest(2);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0]] });
    await readAll();
    await new Promise((r) => setTimeout(r, 300));
    const heard = (l: (typeof listeners)['driver']) => l.got.some((m) => m.type === 'finding.raised' && m.entry.data.code === 'UNIT_MISSING' && m.entry.data.subjects?.manifest === id);
    expect(heard(listeners.driver)).toBe(true); // the transporter
    expect(heard(listeners.inspector)).toBe(true);
    expect(heard(listeners.driver2)).toBe(false); // org-taihang carries no leg of it
    expect(heard(listeners.producer2)).toBe(false);
    // The transporter also follows the manifest's own steps now.
    expect(listeners.driver.got.some((m) => m.type === 'manifest.signed' && (m as unknown as { manifest: string }).manifest === id)).toBe(true);
    Object.values(listeners).forEach((l) => l.ws.close());
  });

  it('lets only an inspector resolve a finding, with a note, and keeps it', async () => {
    const [f] = await findings('inspector', '?status=open&code=UNIT_MISSING');
    expect(f).toBeDefined();
    const resolve = (who: Who, body: object) => as.get(who)!.request('POST', `/api/findings/${f.id}/resolution`, body);
    expect((await resolve('producer', { eventId: eventId(), note: 'fine' })).statusCode).toBe(403);
    expect((await resolve('inspector', { eventId: eventId() })).statusCode).toBe(400);
    const body = { eventId: eventId(), note: '现场核查：该桶已于次日补运' };
    const done = await resolve('inspector', body);
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json().finding).toMatchObject({ status: 'resolved', resolution: body.note });
    const again = await resolve('inspector', body);
    expect(again.statusCode, again.body).toBe(200); // an identical retry gets the first answer
    expect(again.json().entry).toEqual(done.json().entry);
    expect((await resolve('inspector', { eventId: eventId(), note: 'twice' })).statusCode).toBe(409);
    expect((await as.get('inspector')!.request('GET', `/api/findings/${f.id}`)).json()).toMatchObject({ status: 'resolved' });
    expect((await as.get('inspector')!.request('GET', '/api/findings/f-nope')).statusCode).toBe(404);
  });

  it('answers a resolution taken while the log is not sealing: 503, then NOT_SEALED_YET to a retry, then its index once sealed', async () => {
    const [f] = await findings('inspector', '?status=open');
    expect(f).toBeDefined();
    const body = { eventId: eventId(), note: '日志暂停时处理' };
    const resolve = () => as.get('inspector')!.request('POST', `/api/findings/${f.id}/resolution`, body);
    ctx.sequencer.refuse('test', new SigningRefusedError('held for the test'));
    let released = false;
    try {
      const halted = await resolve();
      expect(halted.statusCode, halted.body).toBe(503);
      expect(halted.json()).toMatchObject({ code: 'LEDGER_HALTED', detail: expect.stringMatching(/ask again with the same event id/) });
      const waiting = await resolve(); // the step was taken: it waits in the intake
      expect(waiting.statusCode, waiting.body).toBe(503);
      expect(waiting.json()).toMatchObject({ code: 'NOT_SEALED_YET' });
      expect(waiting.headers['retry-after']).toBe('5');
      ctx.sequencer.allow('test');
      released = true;
      await ctx.sequencer.idle();
      const sealed = await resolve();
      expect(sealed.statusCode, sealed.body).toBe(200);
      const entry = JSON.parse(fromUtf8((await ctx.reader.entry(sealed.json().entry.index))!));
      expect(entry).toMatchObject({ type: 'finding.resolved', data: { findingId: f.id, note: body.note } });
    } finally {
      if (!released) ctx.sequencer.allow('test');
    }
  }, 30_000);

  it('answers a step whose sealing stalls with NOT_SEALED_YET after the wait, and with its index once it is sealed', async () => {
    const body = { eventId: eventId(), grossKg: '215.5', tareKg: '18.5', source: 'manual' };
    const unit = (await as.get('producer')!.register()).unit.id;
    const weigh = () => as.get('producer')!.request('POST', `/api/units/${unit}/weighings`, body);
    const stall = vi.spyOn(ctx.sequencer, 'sealIntake').mockReturnValue(new Promise(() => {})); // a sequencer that cannot write
    ctx.custody.sealWaitMs = 300;
    try {
      const late = await weigh();
      expect(late.statusCode, late.body).toBe(503);
      expect(late.json()).toMatchObject({ code: 'NOT_SEALED_YET', detail: expect.stringMatching(/taken but is not sealed after 0.3 s/) });
    } finally {
      stall.mockRestore();
      delete ctx.custody.sealWaitMs;
    }
    ctx.sequencer.drainIntake();
    await ctx.sequencer.idle();
    const again = await weigh();
    expect(again.statusCode, again.body).toBe(200);
    expect(JSON.parse(fromUtf8((await ctx.reader.entry(again.json().entry.index))!))).toMatchObject({ type: 'unit.weighed', unit, data: { eventId: body.eventId } });
  });

  it('raises LEDGER_TAMPERED from the scheduled self-audit, and leaves a log and read side that replay', async () => {
    await as.get('producer')!.register();
    const e = await readAll();
    await e.audit();
    expect((await findings('inspector', '?code=LEDGER_TAMPERED')).length).toBe(0);
    await ctx.sequencer.idle();
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
    // Tamper with a sealed body behind the log's back (the append-only trigger switched off).
    await ctx.db.sql.transaction(async (tx) => {
      await tx.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
      await tx.query(`UPDATE ledger_entries SET body = convert_to(replace(convert_from(body, 'UTF8'), '精馏残渣', '精馏残查'), 'UTF8') WHERE idx = (SELECT min(idx) FROM ledger_entries WHERE type = 'unit.registered')`);
      await tx.query('ALTER TABLE ledger_entries ENABLE TRIGGER USER');
    });
    await e.audit();
    await ctx.sequencer.idle();
    const tampered = await findings('inspector', '?code=LEDGER_TAMPERED');
    expect(tampered.some((f) => /^LEDGER_TAMPERED:LEAF_HASH_MISMATCH:/.test(f.key)), JSON.stringify(tampered)).toBe(true);
    await e.audit(); // the same break, found again, is not raised again
    await ctx.sequencer.idle();
    expect((await findings('inspector', '?code=LEDGER_TAMPERED')).map((f) => f.key).sort()).toEqual(tampered.map((f) => f.key).sort());
  });

  it('raises SIGNATURE_INVALID for a step "signed" with another person\'s key (last: it breaks the replay on purpose)', async () => {
    const { ids } = await manifest(1);
    const at = new Date().toISOString();
    const claim = { eventId: 'forged-1', action: 'unit.weigh', subject: `unit:${ids[0]}`, at, data: {} };
    const forged = await signClaim(claim, demoPrivateJwk(personOf('driver2').id));
    const [{ last_leaf_hash: prev }] = await ctx.db.sql.query<{ last_leaf_hash: Uint8Array }>('SELECT last_leaf_hash FROM units WHERE id = $1', [ids[0]]);
    await put({ v: 1, type: 'unit.sighted', at, by: { org: 'org-hengkang', person: personOf('producer').id, role: 'producer' }, unit: ids[0], prev: { unit: Buffer.from(prev).toString('base64') }, data: { eventId: 'forged-1' }, sig: [{ by: `person:${personOf('producer').id}`, alg: 'EdDSA', jws: forged }] });
    await readAll();
    const sig = (await findings()).filter((f) => f.code === 'SIGNATURE_INVALID');
    expect(sig).toHaveLength(1);
    expect(sig[0].subjects.units).toEqual([ids[0]]);
  });
});
