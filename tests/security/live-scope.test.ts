// /live sends a regulator what its read routes would show it, no more: a manifest's and a unit's
// steps by the producer's (the consignor's) region, as GET /api/manifests/:id and /api/units/:id
// decide, not by the region of any party named (a receiver in the inspector's region once let a
// manifest through that the read route refused).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { leg } from '../helpers/park.js';

let opened: TestApp;
const as = new Map<Who, Client>();
beforeAll(async () => {
  opened = await openTestApp('pglite');
  await opened.app.listen({ port: 0, host: '127.0.0.1' });
  for (const w of ['producer', 'inspector'] as Who[]) as.set(w, await Client.as(opened.app, w));
});
afterAll(() => opened?.close());

/** What a listener receives, from when it is open. */
function listen(token: string): Promise<{ ws: WebSocket; got: { type: string; manifest?: string; unit?: string }[] }> {
  const port = (opened.app.server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live?access_token=${token}`);
    const got: { type: string }[] = [];
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m));
      if (msg.hello) resolve({ ws, got });
      else got.push(msg);
    });
    ws.on('error', reject);
  });
}

it("sends an inspector a manifest's steps by the producer's region, as the read route decides", async () => {
  const { sql } = opened.ctx.db;
  const producer = as.get('producer')!;
  const inspector = as.get('inspector')!;
  const [{ org }] = await sql.query<{ org: string }>("SELECT org_id AS org FROM people WHERE id = (SELECT person_id FROM credentials WHERE username = 'inspector')");
  const regionOf = async (id: string) => (await sql.query<{ region: string }>('SELECT region FROM organisations WHERE id = $1', [id]))[0].region;
  const [parkRegion, before] = [await regionOf('org-dongxin'), await regionOf(org)];
  // The inspector's authority and the receiver move to another region; the producer stays.
  await sql.query("UPDATE organisations SET region = '3301' WHERE id = ANY($1)", [[org, 'org-dongxin']]);
  try {
    const live = await listen(inspector.token);
    const unitId = (await producer.register()).unit.id;
    const draft = await producer.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unitId], plannedDate: '2026-12-01' });
    expect(draft.statusCode, draft.body).toBe(201);
    const id = draft.json().manifest.id as string;
    expect((await producer.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() })).statusCode).toBe(201);
    await opened.ctx.sequencer.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect((await inspector.request('GET', `/api/manifests/${id}`)).statusCode).toBe(403);
    expect((await inspector.request('GET', `/api/units/${unitId}`)).statusCode).toBe(403);
    expect(live.got.filter((m) => m.manifest === id || m.unit === unitId)).toEqual([]);
    live.ws.close();
    // Back in the park's region, the same inspector sees the next step, as it reads the manifest.
    await sql.query('UPDATE organisations SET region = $2 WHERE id = $1', [org, before]);
    const again = await listen(inspector.token);
    expect((await producer.request('POST', `/api/units/${unitId}/weighings`, { eventId: eventId(), grossKg: '215.5', tareKg: '18.5', source: 'manual' })).statusCode).toBe(201);
    await opened.ctx.sequencer.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(again.got.filter((m) => m.unit === unitId).map((m) => m.type)).toEqual(['unit.weighed']);
    expect((await inspector.request('GET', `/api/manifests/${id}`)).statusCode).toBe(200);
    again.ws.close();
  } finally {
    await sql.query('UPDATE organisations SET region = $2 WHERE id = ANY($1)', [[org, 'org-dongxin'], parkRegion]);
  }
});
