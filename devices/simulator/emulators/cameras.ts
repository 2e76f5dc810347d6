// Gate cameras pushing ANPR captures to the server over HTTP, as configured in the field
// (devices.md §5): Hikvision ISAPI as multipart/form-data (anpr.xml + the plate picture) to
// /devices/<id>/isapi, Dahua ITSAPI as JSON with base64 pictures to
// /devices/<id>/NotificationInfo/TollgateInfo. The "pictures" are small stand-ins with JPEG
// markers, distinct per capture, so each one stores and hashes like a real one.
import { randomUUID } from 'node:crypto';
import { cstIso } from '../../../server/china-time.js';
import { reach } from '../api.js';

export interface Capture {
  plate: string;
  way: 'in' | 'out';
  at: Date;
}

export interface PushAnswer {
  duplicate: boolean;
  leafHash: string;
}

export function capturePicture(c: Capture): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`${c.plate} ${c.way} ${c.at.toISOString()}`, 'utf8'), Buffer.from([0xff, 0xd9])]);
}

/** China Standard Time, as the cameras' clocks are set: `2026-11-28T09:41:07.123+08:00`. */
const cst = (at: Date) => cstIso(at.toISOString());

async function answer(res: Response, what: string): Promise<PushAnswer> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { duplicate?: boolean; leafHash?: string };
  return { duplicate: Boolean(body.duplicate), leafHash: String(body.leafHash ?? '') };
}

export function hikvisionXml(c: Capture, uuid: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<ipAddress>10.20.1.31</ipAddress><portNo>80</portNo><protocol>HTTP</protocol><macAddress>44:a6:42:f3:2a:d7</macAddress>
<channelID>1</channelID><dateTime>${cst(c.at)}</dateTime><activePostCount>1</activePostCount>
<eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>
<ANPR><country>CHN</country><licensePlate>${c.plate}</licensePlate><line>1</line><direction>${c.way === 'in' ? 'forward' : 'reverse'}</direction>
<confidenceLevel>97</confidenceLevel><plateType>yellow</plateType><plateColor>yellow</plateColor><vehicleType>truck</vehicleType></ANPR>
<UUID>${uuid}</UUID></EventNotificationAlert>`;
}

/** One Hikvision push; the same `uuid` again is a resent capture (the server answers duplicate). */
export async function pushHikvision(server: string, deviceId: string, c: Capture, uuid: string = randomUUID()): Promise<PushAnswer> {
  const form = new FormData();
  form.append('anpr.xml', new Blob([hikvisionXml(c, uuid)], { type: 'text/xml' }), 'anpr.xml');
  form.append('licensePlatePicture.jpg', new Blob([new Uint8Array(capturePicture(c))], { type: 'image/jpeg' }), 'licensePlatePicture.jpg');
  const res = await reach(`${server}/devices/${encodeURIComponent(deviceId)}/isapi`, { method: 'POST', body: form });
  return answer(res, `Hikvision push of ${deviceId}`);
}

export function dahuaBody(deviceId: string, c: Capture): unknown {
  const time = cst(c.at).slice(0, 23).replace('T', ' '); // `2026-11-28 09:41:07.123`: no zone
  return {
    Picture: {
      Plate: { PlateNumber: c.plate, PlateColor: 'Yellow', Confidence: 204, Channel: 0 },
      Vehicle: { VehicleColor: 'White', VehicleType: 'LargeTruck' },
      SnapInfo: { DeviceID: deviceId, AccurateTime: time, SnapTime: time.slice(0, 19), Direction: c.way === 'in' ? 'Obverse' : 'Reverse' },
      NormalPic: { Content: capturePicture(c).toString('base64') },
    },
  };
}

export async function pushDahua(server: string, deviceId: string, c: Capture): Promise<PushAnswer> {
  const res = await reach(`${server}/devices/${encodeURIComponent(deviceId)}/NotificationInfo/TollgateInfo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(dahuaBody(deviceId, c)),
  });
  return answer(res, `Dahua push of ${deviceId}`);
}
