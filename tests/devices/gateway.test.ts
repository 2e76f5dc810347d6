// The gateway on both drivers: signed readings forwarded in order and sealed as what they mean
// (a tag of an open unit → unit.sighted on its chain; a stable weighbridge weight after a gate
// sighting → vehicle.weighed with the plate); readings taken while the server is down delivered
// when it returns; replays recognised, forged or unknown readings refused; and the gateway
// process SIGKILLed mid-stream and restarted without losing or doubling an acknowledged reading.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fromUtf8, parseVkey } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { buildApp } from '../../server/app.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Gateway } from '../../devices/gateway/gateway.js';
import { signByDevice, signReading, type Reading } from '../../devices/gateway/reading.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS, placeEnv } from '../helpers/databases.js';
import { plateOf } from '../helpers/park.js';

const until = async (what: () => boolean | Promise<boolean>, ms = 8000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (await what()) return;
  throw new Error('timed out');
};
let serial = 5000;
const epc = () => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: serial++ });

describe.each(DRIVERS)('the device gateway on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let port: number;
  let producer: Client;
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hazledger-gw-'));
    dirs.push(d);
    return d;
  };
  const sightings = async (unitId: string) => {
    await ctx.sequencer.idle();
    return (await ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE unit_id = $1 AND type = 'unit.sighted' ORDER BY idx`, [unitId])).map((r) => JSON.parse(fromUtf8(r.body)));
  };
  const listen = async (a: FastifyInstance, at = 0) => {
    await a.listen({ port: at, host: '127.0.0.1' });
    return (a.server.address() as { port: number }).port;
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    port = await listen(app);
    producer = await Client.as(app, 'producer');
  });
  afterAll(async () => {
    await app?.close(); // the app restarted in the outage test, if it was
    await opened?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const unitWithTag = async () => {
    const tag = epc();
    const { unit } = await producer.register({ epc: tag });
    return { unitId: unit.id, tag };
  };

  it('seals a tag read as unit.sighted on the unit\'s chain, signed by the device, and the log still replays', async () => {
    const { unitId, tag } = await unitWithTag();
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([['dev-hengkang-rfid', demoPrivateJwk('device:dev-hengkang-rfid')]]) });
    gw.start();
    const r = await gw.record('dev-hengkang-rfid', 'tag', { epc: tag, antenna: 2, rssi: -61 });
    await until(() => gw.backlog()['dev-hengkang-rfid'] === 0);
    const [e] = await sightings(unitId);
    expect(e).toMatchObject({ by: { role: 'device', device: 'dev-hengkang-rfid', org: 'org-hengkang' }, at: r.at, data: { epc: tag, antenna: 2, seq: 1, site: 'site-hengkang-store' }, sig: [{ by: 'device:dev-hengkang-rfid' }] });
    await gw.stop();
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });

  it('puts a drum on the truck when the loading bay\'s reader reads it during an open pickup; the driver\'s pickup counts it', async () => {
    const plate = plateOf('org-anyun');
    const [a, b, c] = [await unitWithTag(), await unitWithTag(), await unitWithTag()];
    const ids = [a, b, c].map((u) => u.unitId).sort();
    const m = (await producer.request('POST', '/api/manifests', { eventId: eventId(), receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plate }], unitIds: ids, plannedDate: '2026-12-01' })).json().manifest;
    await producer.request('POST', `/api/manifests/${m.id}/signature`, { eventId: eventId() });
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([['dev-anyun-hh1', demoPrivateJwk('device:dev-anyun-hh1')]]) });
    gw.start();
    await gw.record('dev-anyun-hh1', 'tag', { epc: a.tag });
    await gw.record('dev-anyun-hh1', 'tag', { epc: b.tag });
    await until(() => gw.backlog()['dev-anyun-hh1'] === 0);
    await gw.stop();
    await ctx.sequencer.idle();
    const loaded = await ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE manifest_id = $1 AND type = 'unit.loaded' ORDER BY idx`, [m.id]);
    expect(loaded.map((r) => JSON.parse(fromUtf8(r.body)))).toMatchObject([
      { unit: a.unitId, by: { role: 'device', device: 'dev-anyun-hh1' }, data: { manifestId: m.id, leg: 0 } },
      { unit: b.unitId, by: { role: 'device' } },
    ]);
    // Units on the truck: the pickup has begun, it can no longer be cancelled.
    expect((await producer.request('POST', `/api/manifests/${m.id}/cancellation`, { eventId: eventId(), reason: 'x' })).json().code).toBe('TRANSITION_REFUSED');
    // (The carrier's handheld did it: a reader of the first leg's transporter.) The driver signs the pickup scanning only the third: the reader's two count as taken.
    const driver = await Client.as(app, 'driver');
    const picked = await driver.request('POST', `/api/manifests/${m.id}/pickup`, { eventId: eventId(), vehiclePlate: plate, scannedUnitIds: [c.unitId] });
    expect(picked.statusCode, picked.body).toBe(201);
    const step = JSON.parse(fromUtf8((await ctx.reader.entry(picked.json().entry.index))!));
    expect(step.data).toMatchObject({ taken: ids, missing: [], loadedByReader: [a.unitId, b.unitId].sort() });
    expect(picked.json().entries).toHaveLength(2); // the pickup and the third unit's loading
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });

  it('answers a replay as a duplicate and refuses a forged or unknown reading', async () => {
    const { tag } = await unitWithTag();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gateway`);
    await new Promise((r) => ws.once('open', r));
    const answers: Record<string, unknown>[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    const reading: Reading = { v: 1, device: 'dev-ruitai-rfid', seq: 1, at: new Date().toISOString(), kind: 'tag', data: { epc: tag } };
    const jws = await signReading(reading, demoPrivateJwk('device:dev-ruitai-rfid'));
    ws.send(JSON.stringify({ reading, jws }));
    ws.send(JSON.stringify({ reading, jws }));
    ws.send(JSON.stringify({ reading: { ...reading, seq: 2, data: { epc: epc() } }, jws })); // signature over another reading
    ws.send(JSON.stringify({ reading: { ...reading, device: 'dev-nope' }, jws }));
    ws.send('{"reading": ');
    ws.send(JSON.stringify({ reading: { ...reading, seq: 3 }, jws: await signReading({ ...reading, seq: 3 }, demoPrivateJwk('device:dev-hengkang-rfid')) }));
    await until(() => answers.length === 6);
    ws.close();
    // dev-ruitai-rfid is org-ruitai's reader; the unit is org-hengkang's: it is still seen, and kept as its own fact.
    expect(answers.map((a) => a.status)).toEqual(['sealed', 'duplicate', 'refused', 'refused', 'refused', 'refused']);
    expect(answers.map((a) => a.code ?? null)).toEqual([null, null, 'SIGNATURE_INVALID', 'NOT_FOUND', 'BAD_INPUT', 'SIGNATURE_INVALID']);
    expect(answers[1].leafHash).toBe(answers[0].leafHash);
  });

  it('refuses a reading that reuses a taken number with other content (a gateway whose outbox was lost), keeping the first', async () => {
    const [a, b] = [await unitWithTag(), await unitWithTag()];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gateway`);
    await new Promise((r) => ws.once('open', r));
    const answers: Record<string, unknown>[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    const key = demoPrivateJwk('device:dev-taihang-hh1');
    const first: Reading = { v: 1, device: 'dev-taihang-hh1', seq: 1, at: new Date().toISOString(), kind: 'tag', data: { epc: a.tag } };
    const again: Reading = { ...first, at: new Date(Date.now() + 1000).toISOString(), data: { epc: b.tag } };
    ws.send(JSON.stringify({ reading: first, jws: await signReading(first, key) }));
    await until(() => answers.length === 1);
    ws.send(JSON.stringify({ reading: again, jws: await signReading(again, key) }));
    ws.send(JSON.stringify({ reading: first, jws: await signReading(first, key) }));
    await until(() => answers.length === 3);
    ws.close();
    expect(answers.map((x) => [x.status, x.code ?? null])).toEqual([['sealed', null], ['refused', 'EVENT_ID_REUSED'], ['duplicate', null]]);
    expect(await sightings(a.unitId)).toHaveLength(1);
    expect(await sightings(b.unitId)).toHaveLength(0);
  });

  it('numbers after what the server has when its outbox was lost, and sends a reading refused as a reused number again under a new one', async () => {
    const device = 'dev-anyun-hh2';
    const keys = new Map([[device, demoPrivateJwk(`device:${device}`)]]);
    const units = [await unitWithTag(), await unitWithTag(), await unitWithTag()];
    const server = `http://127.0.0.1:${port}`;
    const first = new Gateway({ dir: dir(), server, keys });
    first.start();
    await first.record(device, 'tag', { epc: units[0].tag });
    await until(() => first.backlog()[device] === 0);
    await first.stop();
    // Its disk is gone: a new gateway, a fresh outbox. Told the server's last number at hello, it goes on from there.
    const second = new Gateway({ dir: dir(), server, keys });
    second.start();
    await until(() => second.linked);
    expect((await second.record(device, 'tag', { epc: units[1].tag })).seq).toBe(2);
    await until(() => second.backlog()[device] === 0);
    await second.stop();
    // Another fresh outbox whose reading was taken before the link came up: numbered 1, which the
    // server holds with other content. Refused as reused, it is signed again after the server's last and sealed.
    const lines: string[] = [];
    const third = new Gateway({ dir: dir(), server, keys, log: (l) => lines.push(l) });
    expect((await third.record(device, 'tag', { epc: units[2].tag })).seq).toBe(1);
    third.start();
    await until(() => third.backlog()[device] === 0);
    await third.stop();
    const seqs = await Promise.all(units.map(async (u) => (await sightings(u.unitId)).map((e) => e.data.seq)));
    expect(seqs).toEqual([[1], [2], [3]]);
    expect(lines.join('\n')).toMatch(/#1 was already taken by the server with other content: sent again as #3/);
    // Readings taken all at once while the hello is on its way: each its own number, none lost.
    const fourth = new Gateway({ dir: dir(), server, keys });
    fourth.start();
    const burst = await Promise.all(units.map((u) => fourth.record(device, 'tag', { epc: u.tag })));
    expect(new Set(burst.map((r) => r.seq)).size).toBe(units.length);
    await until(() => fourth.backlog()[device] === 0);
    await fourth.stop();
    expect(await Promise.all(units.map(async (u) => (await sightings(u.unitId)).length))).toEqual([2, 2, 2]);
  });

  it('takes a burst of readings together and answers each, in order, with its own outcome', async () => {
    const units = await Promise.all(Array.from({ length: 12 }, unitWithTag));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gateway`);
    await new Promise((r) => ws.once('open', r));
    const answers: Record<string, unknown>[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    const key = demoPrivateJwk('device:dev-dongxin-rfid');
    const at = new Date().toISOString();
    const readings: Reading[] = Array.from({ length: 150 }, (_, i) => ({ v: 1, device: 'dev-dongxin-rfid', seq: i + 1, at, kind: 'tag', data: { epc: units[i % units.length].tag } }));
    const messages = await Promise.all(readings.map(async (reading) => JSON.stringify({ reading, jws: await signReading(reading, key) })));
    messages[70] = JSON.stringify({ reading: readings[70], jws: JSON.parse(messages[71]).jws }); // one forgery mid-burst
    for (const m of messages) ws.send(m);
    await until(() => answers.length === 150, 20_000);
    ws.close();
    expect(answers.map((a) => a.ack)).toEqual(readings.map((r) => r.seq));
    expect(answers.filter((a) => a.status !== 'sealed').map((a) => [a.ack, a.code])).toEqual([[71, 'SIGNATURE_INVALID']]);
    // Each drum's chain holds its sightings in reading order: the batch's readings saw each other's writes.
    const seqs = (await sightings(units[0].unitId)).map((e) => e.data.seq);
    expect(seqs).toEqual(readings.filter((r, i) => i % units.length === 0 && r.seq !== 71).map((r) => r.seq));
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });

  it('keeps readings taken while the server is down and delivers them in order when it returns', async () => {
    const units = [await unitWithTag(), await unitWithTag(), await unitWithTag()];
    const gwDir = dir();
    const gw = new Gateway({ dir: gwDir, server: `http://127.0.0.1:${port}`, keys: new Map([['dev-jinghe-rfid', demoPrivateJwk('device:dev-jinghe-rfid')]]) });
    gw.start();
    await gw.record('dev-jinghe-rfid', 'tag', { epc: units[0].tag });
    await until(() => gw.backlog()['dev-jinghe-rfid'] === 0);
    await app.close(); // the server goes away
    for (const u of units.slice(1)) await gw.record('dev-jinghe-rfid', 'tag', { epc: u.tag });
    expect(gw.backlog()['dev-jinghe-rfid']).toBe(2);
    app = await buildApp(ctx);
    producer = new Client(app, producer.token);
    await listen(app, port); // back on the same address
    await until(() => gw.backlog()['dev-jinghe-rfid'] === 0, 15000);
    await gw.stop();
    const seqs = (await Promise.all(units.map(async (u) => (await sightings(u.unitId)).map((e) => e.data.seq)))).flat();
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('survives SIGKILL mid-stream: every reading it took is sealed exactly once after the restart', async () => {
    const units = await Promise.all(Array.from({ length: 10 }, () => unitWithTag()));
    // A fake reader on TCP reading the drums over and over, one EPC per line, to whoever connects.
    let next = 0;
    let reading = true;
    const reader: Server = createServer((s: Socket) => {
      const t = setInterval(() => reading && s.write(`${units[next++ % units.length].tag}\r\n`), 10);
      s.on('close', () => clearInterval(t));
      s.on('error', () => clearInterval(t));
    });
    await new Promise<void>((r) => reader.listen(0, '127.0.0.1', r));
    const config = join(dir(), 'gateway.json');
    writeFileSync(config, JSON.stringify({
      server: `http://127.0.0.1:${port}`,
      dir: dir(),
      devices: [{ id: 'dev-boyuan-rfid', key: 'demo', source: { type: 'tcp-line', host: '127.0.0.1', port: (reader.address() as { port: number }).port } }],
    }));
    const taken = new Set<number>();
    const sealedSeqs = async () => {
      await ctx.sequencer.idle();
      const rows = await ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE type = 'unit.sighted' AND convert_from(body, 'UTF8') LIKE '%dev-boyuan-rfid%' ORDER BY idx`);
      return rows.map((r) => JSON.parse(fromUtf8(r.body)).data.seq as number);
    };
    /** Run the gateway; SIGKILL it once it has taken `killAt` readings, or drain it and stop it. */
    const run = async (killAt?: number) => {
      const child = spawn(process.execPath, ['bin/hazledger.mjs', 'gateway', '--config', config], { env: placeEnv(opened.place), stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((r) => child.on('exit', r));
      let stopping = false;
      for await (const line of createInterface({ input: child.stdout })) {
        const m = /^taken dev-boyuan-rfid (\d+)$/.exec(line);
        if (m) taken.add(Number(m[1]));
        if (killAt !== undefined && taken.size >= killAt && child.exitCode === null) child.kill('SIGKILL');
        if (killAt === undefined && taken.size >= 40 && !stopping) {
          stopping = true;
          reading = false; // the reader falls silent; whatever was taken must reach the log
          void (async () => {
            await new Promise((r) => setTimeout(r, 300));
            await until(async () => (await sealedSeqs()).length >= taken.size, 15000);
            child.kill('SIGTERM');
          })();
        }
      }
      await exited;
    };
    await run(15); // killed with readings in flight
    const beforeRestart = taken.size;
    await run(); // restarted: the outbox drains, the reader carries on
    reader.close();
    expect(beforeRestart).toBeGreaterThanOrEqual(15);
    // Every reading taken is sealed, once, in order, with no gap (a reading the kill caught after its
    // fsync but before it was reported taken is sealed too: the outbox had it).
    const sealed = await sealedSeqs();
    expect(sealed).toEqual(Array.from({ length: sealed.length }, (_, i) => i + 1));
    expect([...taken].every((n) => sealed.includes(n))).toBe(true);
  }, 60000);

  it('shows each device\'s health: last seen, readings sealed, kept and refused, and what its gateway reported', async () => {
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([['dev-hengkang-scale', demoPrivateJwk('device:dev-hengkang-scale')]]) });
    gw.start();
    await gw.record('dev-hengkang-scale', 'tag', { epc: epc() }); // a tag no unit carries: kept, not sealed
    await until(() => gw.backlog()['dev-hengkang-scale'] === 0);
    gw.reportHealth('dev-hengkang-scale', { frames: 1200, errors: { BAD_CHECKSUM: 3, JUNK: 1 }, link: 'up' });
    const mine = async () => (await producer.request('GET', '/api/devices')).json().devices as Record<string, unknown>[];
    await until(async () => Boolean((await mine()).find((d) => d.id === 'dev-hengkang-scale')?.gateway));
    await gw.stop();
    const devices = await mine();
    expect(devices.every((d) => d.orgId === 'org-hengkang')).toBe(true);
    expect(devices.find((d) => d.id === 'dev-hengkang-rfid')).toMatchObject({ keyEnrolled: true, readings: { sealed: 1 } });
    expect(devices.find((d) => d.id === 'dev-hengkang-scale')).toMatchObject({ readings: { sealed: 0, kept: 1 }, gateway: { health: { frames: 1200, errors: { BAD_CHECKSUM: 3 } } } });
    // The reader whose readings were refused (a forged one, one signed by another device's key).
    const ruitai = (await (await Client.as(app, 'producer2')).request('GET', '/api/devices')).json().devices as Record<string, unknown>[];
    expect(ruitai.find((d) => d.id === 'dev-ruitai-rfid')).toMatchObject({ readings: { sealed: 1, refused: 2 }, lastRefusal: { detail: expect.stringMatching(/^SIGNATURE_INVALID/) } });
    expect((await app.inject({ method: 'GET', url: '/api/devices' })).statusCode).toBe(401);
  });

  it('keeps a health report only when its device signed it and it is the latest; refuses the rest, saying why', async () => {
    const device = 'dev-hengkang-scale';
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gateway`);
    const answers: Record<string, unknown>[] = [];
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once('open', r));
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const signed = async (health: Record<string, unknown>, key = `device:${device}`) => JSON.stringify({ health, jws: await signByDevice(health, demoPrivateJwk(key)) });
    const latest = { device, at: at(0), frames: 5000, link: 'up' };
    ws.send(JSON.stringify({ health: { device, at: at(0), frames: 1 } })); // unsigned
    ws.send(await signed({ device, at: at(0), frames: 2 }, 'device:dev-hengkang-rfid')); // another device's key
    ws.send(await signed({ device, at: at(3_600_000), frames: 3 })); // an hour ahead
    ws.send(await signed(latest));
    ws.send(await signed({ device, at: at(-3_600_000), frames: 4 })); // an older report, sent again
    ws.send(await signed({ device: 'dev-nowhere', at: at(0), frames: 6 }, 'device:dev-nowhere'));
    ws.send(await signed({ device, at: '2026-02-30T08:00:00Z', frames: 7 })); // no such day
    ws.send(JSON.stringify({ hello: { devices: [device] } })); // answered after all of the above
    await until(() => answers.some((a) => a.hello));
    ws.close();
    expect(answers.slice(0, -1).map((a) => [a.health, a.status, a.code])).toEqual([
      [device, 'refused', 'BAD_INPUT'], [device, 'refused', 'SIGNATURE_INVALID'], [device, 'refused', 'BAD_INPUT'],
      [device, 'refused', 'BAD_INPUT'], ['dev-nowhere', 'refused', 'NOT_FOUND'], [device, 'refused', 'BAD_INPUT'],
    ]);
    expect(answers[3].detail).toMatch(/or later is already kept/);
    expect(answers[5].detail).toMatch(/RFC 3339/);
    const health = ((await producer.request('GET', '/api/devices')).json().devices as { id: string; gateway: { health: unknown } }[]).find((d) => d.id === device)!.gateway.health;
    expect(health).toEqual(latest);
  });

  it('enrols a real device\'s own key with proof of possession; readings then verify against it, not the old one', async () => {
    const { generateKeyPair, exportJWK, CompactSign } = await import('jose');
    const { canonicalBytes } = await import('../../ledger/index.js');
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const proofBy = async (key: CryptoKey, device: string) => new CompactSign(canonicalBytes({ action: 'key.enrol', device })).setProtectedHeader({ alg: 'ES256' }).sign(key);
    const operator2 = await Client.as(app, 'operator2');
    const enrol = (who: Client, proof: string, device = 'dev-lvxun-rfid') => who.request('PUT', `/api/devices/${device}/key`, { jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, proof });
    expect((await enrol(operator2, await proofBy(privateKey, 'dev-lvxun-wb'))).statusCode).toBe(422); // a proof for another device
    expect((await enrol(producer, await proofBy(privateKey, 'dev-lvxun-rfid'))).statusCode).toBe(403); // not its organisation's
    const ok = await enrol(operator2, await proofBy(privateKey, 'dev-lvxun-rfid'));
    expect(ok.statusCode, ok.body).toBe(200);
    const { tag } = await unitWithTag();
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([['dev-lvxun-rfid', await exportJWK(privateKey)]]) });
    gw.start();
    await until(() => gw.linked); // numbered after the readings earlier tests sent, so none is refused as reused
    await gw.record('dev-lvxun-rfid', 'tag', { epc: tag });
    await until(() => gw.backlog()['dev-lvxun-rfid'] === 0);
    await gw.stop();
    // The demo key it had before no longer signs for it.
    const stale = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([['dev-lvxun-rfid', demoPrivateJwk('device:dev-lvxun-rfid')]]) });
    stale.start();
    await until(() => stale.linked);
    await stale.record('dev-lvxun-rfid', 'tag', { epc: tag }, new Date(Date.now() + 1000).toISOString());
    await until(() => stale.backlog()['dev-lvxun-rfid'] === 0);
    await stale.stop();
    const devices = (await operator2.request('GET', '/api/devices')).json().devices as { id: string; readings: { sealed: number; refused: number } }[];
    expect(devices.find((d) => d.id === 'dev-lvxun-rfid')!.readings).toMatchObject({ sealed: 1, refused: 1 });
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });
});
