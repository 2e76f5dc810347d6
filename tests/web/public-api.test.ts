// /8003/{grai} on both drivers: API clients still get the JSON they got (now also when the drum
// was last seen, and a C2SP tlog-proof of that entry a tool can check against the log key),
// browsers get the page; problem reports are validated (problem+json), kept for the regulator of
// the drum's producer only, told to its inspectors over /live, and limited per address.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseVkey, verifyTlogProof } from '../../ledger/index.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

describe.each(DRIVERS)('the public QR route on %s', (driver) => {
  let opened: TestApp;
  let producer: Client;
  let grai = '';
  let unitId = '';
  const post = (url: string, payload: unknown) => opened.app.inject({ method: 'POST', url, payload: payload as object });

  beforeAll(async () => {
    opened = await openTestApp(driver);
    producer = await Client.as(opened.app, 'producer');
    const { unit } = await producer.register({ epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 616161 }) });
    unitId = unit.id;
    grai = unit.grai as string;
    expect((await producer.request('POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'B-2' })).statusCode).toBe(201);
    await opened.ctx.sequencer.idle();
  });
  afterAll(() => opened?.close());

  it('answers API clients with the JSON they had, plus when it was last seen and a proof a tool can check', async () => {
    for (const headers of [{ accept: 'application/json' }, {}]) {
      const res = await opened.app.inject({ url: `/8003/${grai}`, headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const d = res.json();
      expect(Object.keys(d).sort()).toEqual(['entries', 'grai', 'lastSeen', 'producer', 'proof', 'registeredAt', 'state', 'tracked', 'wasteCategory', 'wasteCode']);
      expect(d).toMatchObject({ tracked: true, grai, wasteCategory: 'HW02', wasteCode: '271-001-02', state: 'stored', producer: '浙江恒康原料药有限公司', entries: 2 });
      const entry = (await opened.app.inject({ url: `/ledger/entries/${d.lastSeen.index}` })).rawPayload;
      const env = JSON.parse(entry.toString());
      expect(env).toMatchObject({ type: 'unit.stored', unit: unitId });
      expect(d.lastSeen).toEqual({ at: env.at, event: 'unit.stored', index: d.lastSeen.index });
      const checked = verifyTlogProof(d.proof, new Uint8Array(entry), parseVkey(opened.ctx.key.vkey));
      expect(checked.verdict).toEqual({ ok: true });
      expect(checked.index).toBe(d.lastSeen.index);
    }
    const bad = await opened.app.inject({ url: '/8003/12345', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('gives a browser the web app, whatever the code (the page asks again for JSON)', async () => {
    for (const url of [`/8003/${grai}`, '/8003/12345']) {
      const res = await opened.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });
      // The page from web/dist, or 503 problem+json while it is not built: never the JSON.
      if (res.statusCode === 200) {
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body).toContain('<div id="app">');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      } else {
        expect(res.statusCode).toBe(503);
        expect(res.json().code).toBe('WEB_NOT_BUILT');
      }
    }
  });

  it("keeps a report for its producer's regulator, tells the inspectors watching /live, and no one else", async () => {
    const port = await opened.app.listen({ host: '127.0.0.1', port: 0 }).then((a) => new URL(a).port);
    const inspector = await Client.as(opened.app, 'inspector');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live?access_token=${inspector.token}`);
    const heard: { type: string; report?: { id: string } }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        const msg = JSON.parse(String(m));
        if (msg.hello) resolve();
        else heard.push(msg);
      });
      ws.on('error', reject);
    });
    const res = await post(`/8003/${grai}/reports`, { category: 'damaged', message: '桶身凹陷，有裂缝', contact: '138 0000 0000' });
    expect(res.statusCode).toBe(201);
    const { id, message } = res.json();
    expect(message).toContain(id);
    const reports = (await inspector.request('GET', '/api/public-reports')).json().reports;
    expect(reports[0]).toMatchObject({ id, grai, unitId, producerOrgId: 'org-hengkang', category: 'damaged', message: '桶身凹陷，有裂缝', contact: '138 0000 0000' });
    await expect.poll(() => heard.find((m) => m.type === 'public.report')?.report?.id).toBe(id);
    ws.close();
    expect((await producer.request('GET', '/api/public-reports')).statusCode).toBe(403);
    expect((await opened.app.inject({ url: '/api/public-reports' })).statusCode).toBe(401);
    // A report file damaged on disk (half written before a crash) does not hide the others.
    writeFileSync(join(opened.ctx.config.dataDir, 'reports', `r-${Date.now() + 60_000}-0badf11e.json`), '{"id":"r-');
    const listed = await inspector.request('GET', '/api/public-reports');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().reports[0]).toMatchObject({ id });
  });

  it('refuses bad reports with problem+json and limits them per address', async () => {
    const unknownField = await post(`/8003/${grai}/reports`, { category: 'leak', message: 'x', name: 'me' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await post(`/8003/${grai}/reports`, { category: 'fire', message: 'x' })).json().code).toBe('VALIDATION_FAILED');
    expect((await post(`/8003/${grai}/reports`, { category: 'leak', message: '' })).statusCode).toBe(400);
    expect((await post('/8003/069012340001771999999/reports', { category: 'leak', message: 'x' })).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    // 120 public requests a minute give 10 reports a minute per address; 5 were made above.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(`/8003/${grai}/reports`, { category: 'other', message: `report ${i}` })).statusCode);
    expect(statuses.slice(0, 5).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await post(`/8003/${grai}/reports`, { category: 'other', message: 'again' });
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMITED');
  });
});
