// Gate cameras on both drivers: a Hikvision ISAPI multipart push (XML + JPEGs, a part without a
// filename, an empty picture part) and a Dahua JSON push become sealed `vehicle.sighted` entries
// with the pictures stored by content; resent captures are recognised; bad pushes get 400.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import type { Context } from '../../server/context.js';
import { picturePath } from '../../server/cameras/pictures.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const xml = (plate: string, uuid?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
 <ipAddress>172.20.16.40</ipAddress><protocol>HTTP</protocol><macAddress>44:a6:42:f3:2a:d7</macAddress>
 <channelID>1</channelID><dateTime>2026-11-28T09:48:03.847+08:00</dateTime><activePostCount>80</activePostCount>
 <eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>
 <ANPR><licensePlate>${plate}</licensePlate><line>1</line><direction>forward</direction><confidenceLevel>98</confidenceLevel>
 <plateType>unknown</plateType><plateColor>yellow</plateColor></ANPR>${uuid ? `<UUID>${uuid}</UUID>` : ''}</EventNotificationAlert>`;

/** A multipart body as the camera sends it; `bareXml` leaves out filename= on the XML part. */
function multipart(parts: { name: string; type: string; body: Buffer; filename?: boolean }[]) {
  const boundary = '----hikboundary7e1';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename === false ? '' : `; filename="${p.name}"`}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\nContent-Type: ${p.type}\r\nContent-ID: ${p.name}\r\n\r\n`), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(DRIVERS)('gate cameras on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const sealed = async (leaf: string) => {
    await ctx.sequencer.idle();
    const [r] = await ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE type = 'vehicle.sighted' AND leaf_hash = $1`, [Buffer.from(leaf, 'base64')]);
    return r && JSON.parse(fromUtf8(r.body));
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
  });
  afterAll(() => opened?.close());

  it('seals a Hikvision ANPR push with its pictures stored by content, once', async () => {
    const detection = Buffer.concat([JPEG, Buffer.from('detection')]);
    const push = multipart([
      { name: 'anpr.xml', type: 'text/xml; charset="UTF-8"', body: Buffer.from(xml('浙J27581', 'uuid-hik-0001')) },
      { name: 'licensePlatePicture.jpg', type: 'image/pjpeg', body: JPEG },
      { name: 'detectionPicture.jpg', type: 'image/jpeg', body: detection },
      { name: 'emptyPicture.jpg', type: 'image/jpeg', body: Buffer.alloc(0) },
    ]);
    const res = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', ...push });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, duplicate: false });
    const e = await sealed(res.json().leafHash);
    const hashes = [JPEG, detection].map((b) => createHash('sha256').update(b).digest('hex'));
    expect(e).toMatchObject({
      type: 'vehicle.sighted', at: '2026-11-28T01:48:03.847Z', by: { role: 'device', org: 'org-dongxin', device: 'dev-dongxin-cam' },
      data: { plate: '浙J27581', gate: 'site-dongxin-gate', direction: 'in', cameraDirection: 'forward', confidence: 98, vendor: 'hikvision', eventKey: 'uuid-hik-0001', pictures: hashes },
    });
    for (const h of hashes) expect(createHash('sha256').update(readFileSync(picturePath(ctx.config.dataDir, h))).digest('hex')).toBe(h);
    // The camera sends it again: recognised, nothing new sealed.
    const again = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', ...push });
    expect(again.json()).toMatchObject({ duplicate: true, leafHash: res.json().leafHash });
    await ctx.sequencer.idle();
    const [{ n }] = await ctx.db.sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM ledger_entries WHERE type = 'vehicle.sighted'`);
    expect(Number(n)).toBe(1);
  });

  it('reads the XML part sent without a filename, and a bare XML body', async () => {
    const push = multipart([{ name: 'anpr.xml', type: 'text/xml', body: Buffer.from(xml('浙JA3275', 'uuid-hik-0002')), filename: false }]);
    const res = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', ...push });
    expect(res.statusCode, res.body).toBe(200);
    expect((await sealed(res.json().leafHash)).data).toMatchObject({ plate: '浙JA3275', pictures: [] });
    const bare = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', headers: { 'content-type': 'application/xml' }, payload: xml('浙JC0916') });
    expect(bare.statusCode, bare.body).toBe(200);
    expect((await sealed(bare.json().leafHash)).data).toMatchObject({ plate: '浙JC0916', eventKey: '浙JC0916@2026-11-28T01:48:03.847Z' });
  });

  it("seals the plate in the registry's form, keeping what the camera read and the plate's colour; a picture part without a filename byte for byte", async () => {
    const picture = Buffer.concat([JPEG, Buffer.from([0x80, 0xff, 0xfe, 0x00, 0xc3, 0x28])]); // bytes that are no UTF-8
    const push = multipart([
      { name: 'anpr.xml', type: 'text/xml', body: Buffer.from(xml('浙j·27581', 'uuid-hik-0003')), filename: false },
      { name: 'licensePlatePicture.jpg', type: 'image/jpeg', body: picture, filename: false },
    ]);
    const res = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', ...push });
    expect(res.statusCode, res.body).toBe(200);
    const hash = createHash('sha256').update(picture).digest('hex');
    expect((await sealed(res.json().leafHash)).data).toMatchObject({ plate: '浙J27581', plateAsRead: '浙j·27581', plateColor: 'yellow', pictures: [hash] });
    expect(readFileSync(picturePath(ctx.config.dataDir, hash)).equals(picture)).toBe(true);
    for (const noPlate of ['unknown', '无车牌', '浙J·1234']) {
      const r = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', headers: { 'content-type': 'application/xml' }, payload: xml(noPlate) });
      expect(r.statusCode, noPlate).toBe(400);
      expect(r.json().detail).toMatch(/not a licence plate/);
    }
  });

  it('seals a Dahua TollgateInfo push, by the device named in the URL or in SnapInfo', async () => {
    const body = (plate: string, deviceId?: string) => ({
      Picture: {
        Plate: { PlateNumber: plate, PlateColor: 'Yellow', Confidence: 204, Channel: 0 },
        Vehicle: { VehicleColor: 'White', VehicleType: 'Truck' },
        SnapInfo: { ...(deviceId ? { DeviceID: deviceId } : {}), AccurateTime: '2026-11-28 13:24:56.123', Direction: 'Reverse', SnapTime: '2026-11-28 13:24:56' },
        NormalPic: { Content: JPEG.toString('base64') },
        CutoutPic: { Content: '' },
      },
    });
    const res = await app.inject({ method: 'POST', url: '/devices/dev-lvxun-cam/NotificationInfo/TollgateInfo', payload: body('浙J83C52') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ Message: 'Success', Result: true, duplicate: false });
    expect(await sealed(res.json().leafHash)).toMatchObject({ at: '2026-11-28T05:24:56.123Z', data: { plate: '浙J83C52', direction: 'out', vendor: 'dahua', gate: 'site-lvxun-gate' } });
    const byBody = await app.inject({ method: 'POST', url: '/NotificationInfo/TollgateInfo', payload: body('浙JD27316', 'dev-lvxun-cam') });
    expect(byBody.statusCode, byBody.body).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/NotificationInfo/TollgateInfo', payload: body('浙JD27316', 'dev-lvxun-cam') })).json().duplicate).toBe(true);
    expect((await app.inject({ method: 'POST', url: '/NotificationInfo/KeepAlive', payload: { Active: true, DeviceID: 'dev-lvxun-cam' } })).json()).toMatchObject({ Result: true });
    expect(existsSync(picturePath(ctx.config.dataDir, createHash('sha256').update(JPEG).digest('hex')))).toBe(true);
  });

  it('refuses bad pushes with a problem, and unknown or mismatched devices', async () => {
    const post = (url: string, payload: unknown, type = 'application/json') => app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: payload as string });
    const cases = [
      await post('/devices/dev-dongxin-cam/isapi', '<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>', 'application/xml'),
      await post('/devices/dev-dongxin-cam/isapi', '<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate>无</licensePlate></ANPR></EventNotificationAlert>', 'application/xml'),
      await post('/devices/dev-dongxin-cam/isapi', '<<<not xml', 'application/xml'),
      await post('/devices/dev-lvxun-cam/NotificationInfo/TollgateInfo', { Picture: { Plate: { PlateNumber: '浙J83C52' }, SnapInfo: { AccurateTime: 'yesterday' } } }),
      await post('/devices/dev-lvxun-cam/NotificationInfo/TollgateInfo', { Picture: { Plate: { PlateNumber: '浙J83C52' }, SnapInfo: { AccurateTime: '2026-11-28 10:00:00' }, NormalPic: { Content: '***' } } }),
      await post('/devices/dev-lvxun-cam/NotificationInfo/TollgateInfo', '{"Picture": '),
      await post('/NotificationInfo/TollgateInfo', { Picture: { Plate: { PlateNumber: '浙J83C52' }, SnapInfo: { AccurateTime: '2026-11-28 10:00:00' } } }),
    ];
    for (const r of cases) {
      expect(r.statusCode, r.body).toBe(400);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
    }
    // A capture time on a day that does not exist (V8 would read it as 2 March).
    expect((await post('/devices/dev-dongxin-cam/isapi', xml('浙J27581').replace('2026-11-28T', '2026-02-30T'), 'application/xml')).statusCode).toBe(400);
    expect((await post('/devices/dev-nope/isapi', xml('浙J27581'), 'application/xml')).statusCode).toBe(404);
    expect((await post('/devices/dev-dongxin-wb/isapi', xml('浙J27581'), 'application/xml')).statusCode).toBe(404); // a scale, not a camera
    expect((await post('/devices/dev-lvxun-cam/isapi', xml('浙J27581'), 'application/xml')).statusCode).toBe(400); // a Dahua camera
  });
});
