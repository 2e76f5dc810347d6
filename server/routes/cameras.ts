// The gate cameras' pushes (devices.md §5): Hikvision ISAPI (multipart XML + JPEG, or bare XML)
// and Dahua ITSAPI (JSON, plus its keep-alive). Configure each camera with its registry id in the
// URL: `http://<server>/devices/<id>/isapi` or `http://<server>/devices/<id>` as the Dahua base.
// Cameras cannot hold an access token: these routes belong on the park's device network only.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { parseDahua, parseHikvision } from '../cameras/anpr.js';
import { cameraOf, recordSighting } from '../cameras/sightings.js';
import { Id, problems, Strict } from './schemas.js';

const MAX_PICTURE = 8 * 1024 * 1024;

/** The XML part and the picture parts of a Hikvision push, or a bare XML body. */
async function hikvisionParts(req: FastifyRequest): Promise<{ xml: string; pictures: Buffer[] }> {
  if (!req.isMultipart()) {
    if (typeof req.body !== 'string') throw new DomainError('BAD_INPUT', 'expected multipart/form-data or an XML body');
    return { xml: req.body, pictures: [] };
  }
  let xml: string | undefined;
  const pictures: Buffer[] = [];
  // A part without filename= arrives as a field (devices.md §5.1), its bytes decoded as text. With
  // latin1 as the charset of a part that names none, every byte maps to one character and back,
  // so a JPEG sent that way comes back exactly (through UTF-8 it would not).
  for await (const part of req.parts({ limits: { fileSize: MAX_PICTURE, parts: 20 }, defCharset: 'latin1' })) {
    const bytes = part.type === 'file' ? await part.toBuffer() : fieldBytes(String(part.value));
    const isXml = /xml/i.test(part.mimetype ?? '') || /\.xml$/i.test(part.fieldname);
    if (isXml && xml === undefined) xml = bytes.toString('utf8');
    else if (/jpe?g|image/i.test(part.mimetype ?? '') || /\.jpe?g$/i.test(part.fieldname)) pictures.push(bytes);
  }
  if (xml === undefined) throw new DomainError('BAD_INPUT', 'no anpr.xml part in the push');
  return { xml, pictures };
}

/**
 * A field part's bytes: decoded as latin1 (no charset named) each character is one byte; a part
 * that named a charset (UTF-8) was decoded by it, and has characters above U+00FF to show it.
 */
function fieldBytes(value: string): Buffer {
  return Buffer.from(value, /[^\u0000-\u00ff]/.test(value) ? 'utf8' : 'latin1');
}

export async function cameraRoutes(app: FastifyInstance, deps: { custody: CustodyContext; dataDir: string }): Promise<void> {
  await app.register(multipart, { limits: { fileSize: MAX_PICTURE } });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
  const store = { sql: deps.custody.sql, sequencer: deps.custody.sequencer, dataDir: deps.dataDir };
  const Params = Type.Object({ deviceId: Id }, Strict);
  const tags = ['devices'];

  app.post('/devices/:deviceId/isapi', {
    schema: { tags, description: 'Hikvision ISAPI ANPR push (EventNotificationAlert): sealed as vehicle.sighted; a resent capture is recognised.', params: Params, response: problems(400, 404, 413) },
  }, async (req, reply) => {
    const cam = await cameraOf(deps.custody.sql, (req.params as { deviceId: string }).deviceId, 'hikvision-isapi');
    const { xml, pictures } = await hikvisionParts(req);
    const r = await recordSighting(store, cam, parseHikvision(xml, pictures));
    return reply.code(200).send({ ok: true, duplicate: r.duplicate, leafHash: r.leafHash });
  });

  const dahua = async (req: FastifyRequest, deviceId: string | undefined) => {
    const s = parseDahua(req.body);
    const id = deviceId ?? s.deviceId;
    if (!id) throw new DomainError('BAD_INPUT', 'no device id: use /devices/<id>/NotificationInfo/TollgateInfo or set SnapInfo.DeviceID');
    const r = await recordSighting(store, await cameraOf(deps.custody.sql, id, 'dahua-json'), s);
    return { Message: 'Success', Result: true, RspTime: new Date().toISOString(), duplicate: r.duplicate, leafHash: r.leafHash };
  };
  const describe = { tags, description: 'Dahua ITSAPI TollgateInfo push: sealed as vehicle.sighted; a resent capture is recognised.', response: problems(400, 404) };
  app.post('/devices/:deviceId/NotificationInfo/TollgateInfo', { schema: { ...describe, params: Params } }, async (req) => dahua(req, (req.params as { deviceId: string }).deviceId));
  app.post('/NotificationInfo/TollgateInfo', { schema: describe }, async (req) => dahua(req, undefined));
  const keepAlive = async () => ({ Message: 'Success', Result: true, RspTime: new Date().toISOString() });
  app.post('/devices/:deviceId/NotificationInfo/KeepAlive', { schema: { tags, params: Params } }, keepAlive);
  app.post('/NotificationInfo/KeepAlive', { schema: { tags } }, keepAlive);
}
