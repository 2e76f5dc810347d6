// A load on its way to the operator, made through the API as its producer and driver would, and
// what the operator's gate sends: a Hikvision ANPR push with a picture, a weighbridge reading.
import type { FastifyInstance } from 'fastify';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import type { Context } from '../../server/context.js';
import { takeReading } from '../../server/readings/ingest.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId } from '../helpers/api.js';
import { todayCst } from './driver-fixture.js';

export const VAN = '浙JA3275'; // org-anyun's van: the leg's vehicle
export const TANKER = '浙J27581'; // org-anyun's tanker: not the leg's vehicle

export interface LoadUnit {
  id: string;
  epc: string;
  grai: string;
  netKg: string;
}

let serial = 700_000 + (process.pid % 1000) * 100;

async function ok(res: Promise<{ statusCode: number; body: string; json(): any }>, what: string) {
  const r = await res;
  if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
  return r.json();
}

/** `n` tagged, weighed drums of org-hengkang on a manifest to org-dongxin, picked up and departed on the van. */
export async function loadOnItsWay(app: FastifyInstance, n: number): Promise<{ manifestId: string; number: string; units: LoadUnit[] }> {
  const producer = await Client.as(app, 'producer');
  const driver = await Client.as(app, 'driver');
  const units: LoadUnit[] = [];
  for (let i = 0; i < n; i++) {
    const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: serial++ });
    const { unit } = await producer.register({ epc });
    const gross = (210 + i * 5).toFixed(1);
    const w = await ok(producer.request('POST', `/api/units/${unit.id}/weighings`, { eventId: eventId('w'), grossKg: gross, tareKg: '10', source: 'manual' }), 'weigh');
    units.push({ id: unit.id, epc, grai: String(unit.grai), netKg: w.unit.netKg });
  }
  const ids = units.map((u) => u.id);
  const { manifest } = await ok(producer.request('POST', '/api/manifests', {
    eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: VAN }], unitIds: ids, plannedDate: todayCst(),
  }), 'draft');
  await ok(producer.request('POST', `/api/manifests/${manifest.id}/signature`, { eventId: eventId('sign') }), 'sign');
  await ok(driver.request('POST', `/api/manifests/${manifest.id}/pickup`, { eventId: eventId('pick'), vehiclePlate: VAN, scannedUnitIds: ids }), 'pickup');
  await ok(driver.request('POST', `/api/manifests/${manifest.id}/departure`, { eventId: eventId('dep'), vehiclePlate: VAN }), 'departure');
  return { manifestId: manifest.id, number: manifest.number, units };
}

/** JPEG markers and nothing to show: enough for the picture store (the browser test draws a real one). */
export const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/** A Hikvision ISAPI ANPR push (multipart: the XML and a picture) from org-dongxin's gate camera. */
export async function gateSighting(app: FastifyInstance, plate: string, picture: Buffer, uuid = eventId('anpr'), at = new Date()) {
  const cst = new Date(at.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><ipAddress>172.20.16.40</ipAddress><channelID>1</channelID>
<dateTime>${cst}</dateTime><eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>
<ANPR><licensePlate>${plate}</licensePlate><line>1</line><direction>forward</direction><confidenceLevel>97</confidenceLevel></ANPR><UUID>${uuid}</UUID></EventNotificationAlert>`;
  const boundary = '----hikboundary9f3';
  const part = (name: string, type: string, body: Buffer) =>
    Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), body, Buffer.from('\r\n')]);
  const payload = Buffer.concat([part('anpr.xml', 'text/xml', Buffer.from(xml)), part('detectionPicture.jpg', 'image/jpeg', picture), Buffer.from(`--${boundary}--\r\n`)]);
  const res = await app.inject({ method: 'POST', url: '/devices/dev-dongxin-cam/isapi', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  if (res.statusCode !== 200) throw new Error(`camera push: ${res.statusCode} ${res.body}`);
  return res.json() as { leafHash: string };
}

let seq = 1;

/** A stable weighbridge reading of org-dongxin, signed with the device's demo key, as its gateway forwards it. */
export async function weighbridgeReading(ctx: Context, grossKg: string, at = new Date()) {
  const reading: Reading = { v: 1, device: 'dev-dongxin-wb', seq: seq++, at: at.toISOString(), kind: 'weight', data: { grossKg, unit: 'kg', stable: true, frames: 5, rawSha256: '0'.repeat(64) } };
  const taken = await takeReading(ctx.custody, reading, await signReading(reading, demoPrivateJwk('device:dev-dongxin-wb')));
  await ctx.sequencer.idle();
  return taken;
}
