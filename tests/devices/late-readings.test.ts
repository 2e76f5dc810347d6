// Readings delivered late from a gateway's outbox (the link was down) mean what they meant when
// they were read: a weight takes the plate of the truck the cameras saw at or before it, not a
// later one's; a tag read from before its manifest existed is a sighting, not a load. And text the
// database cannot hold is refused at the door, not asked for again for ever.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fromUtf8 } from '../../ledger/index.js';
import type { Context } from '../../server/context.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { takeReading } from '../../server/readings/ingest.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg } from '../helpers/park.js';
import { gateSighting, JPEG, weighbridgeReading } from '../web/operator-load.js';

let serial = 7000;
const MINUTE = 60_000;

describe.each(DRIVERS)('readings delivered late, on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let seq = 1;
  const entry = async (leafHash: string) => {
    await ctx.sequencer.idle();
    const [r] = await ctx.db.sql.query<{ body: Uint8Array }>('SELECT body FROM ledger_entries WHERE leaf_hash = $1', [Buffer.from(leafHash, 'base64')]);
    return JSON.parse(fromUtf8(r.body));
  };
  const tagRead = async (epc: string, at: Date) => {
    const reading: Reading = { v: 1, device: 'dev-hengkang-rfid', seq: seq++, at: at.toISOString(), kind: 'tag', data: { epc } };
    return takeReading(ctx.custody, reading, await signReading(reading, demoPrivateJwk('device:dev-hengkang-rfid')));
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
  });
  afterAll(() => opened?.close());

  it('weighs under the plate the cameras saw at or before the weighing, not a later truck\'s', async () => {
    const t0 = Date.now() - 20 * MINUTE;
    await gateSighting(app, '浙J27581', JPEG, eventId('anpr'), new Date(t0));
    await gateSighting(app, '浙JC0916', JPEG, eventId('anpr'), new Date(t0 + 10 * MINUTE));
    const weighed = await weighbridgeReading(ctx, '31250', new Date(t0 + 2 * MINUTE)); // read then, delivered now
    expect(weighed.status).toBe('sealed');
    expect((await entry(weighed.leafHash!)).data.plate).toBe('浙J27581');
  });

  it('seals a tag read from before its manifest existed as a sighting, and one after as the load', async () => {
    const producer = await Client.as(app, 'producer');
    const epcs = [serial++, serial++].map((s) => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: s }));
    const ids = [(await producer.register({ epc: epcs[0] })).unit.id, (await producer.register({ epc: epcs[1] })).unit.id];
    const res = await producer.request('POST', '/api/manifests', { eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: ids, plannedDate: '2026-12-01' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().manifest.id as string;
    expect((await producer.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() })).statusCode).toBe(201);
    const before = await tagRead(epcs[0], new Date(Date.now() - 3 * 60 * MINUTE));
    const after = await tagRead(epcs[1], new Date());
    expect([(await entry(before.leafHash!)).type, (await entry(after.leafHash!)).type]).toEqual(['unit.sighted', 'unit.loaded']);
  });

  it('refuses a reading holding a NUL character, or an EPC that is not hex, as bad input', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${await listening()}/gateway`);
    await new Promise((r) => ws.once('open', r));
    const answers: Record<string, unknown>[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    for (const data of [{ epc: 'AB\u0000CD' }, { epc: 'not-hex' }]) {
      const reading: Reading = { v: 1, device: 'dev-hengkang-rfid', seq: seq++, at: new Date().toISOString(), kind: 'tag', data };
      ws.send(JSON.stringify({ reading, jws: await signReading(reading, demoPrivateJwk('device:dev-hengkang-rfid')) }));
    }
    for (let i = 0; i < 200 && answers.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    ws.close();
    expect(answers.map((a) => [a.status, a.code])).toEqual([['refused', 'BAD_INPUT'], ['refused', 'BAD_INPUT']]);
  });

  async function listening(): Promise<number> {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as { port: number }).port;
  }
});
