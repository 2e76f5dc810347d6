// GET /gateway (websocket): a site's gateway forwards its devices' signed readings, one JSON
// message each ({reading, jws}); each is answered, in order, with {ack: seq, device, status}:
// sealed, kept (no context to seal it in), duplicate (already taken: the gateway may forget it),
// or refused (with code and detail: a bad signature, an unknown device; it will never be taken).
// The gateway needs no account: every reading carries its device's signature. On connecting it
// says hello with its devices and is told the highest number taken of each ({hello: {lastSeq}}).
// Health reports ({health, jws}, signed by the device too) are kept unanswered, or refused with
// {health: device, status: 'refused', code, detail}.
import type { FastifyInstance } from 'fastify';
import type { CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import type { Reading } from '../../devices/gateway/reading.js';
import { isRealTime } from '../../ledger/entry.js';
import { lastReadingSeqs, takeReadings } from '../readings/ingest.js';
import { deviceHealth, refusedReading, takeHealthReport } from '../readings/health.js';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import { Type } from 'typebox';
import { upgradeRequired } from '../problem.js';
import { Id, Jws, Jwk, problems, Strict } from './schemas.js';
import { enrollDeviceKey } from '../readings/device-keys.js';
import { unstorableText } from '../text-guard.js';
import type { JWK } from 'jose';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** A registry id (the API's `Id`): anything else, a NUL say, is refused here rather than failing in the database. */
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function checkReading(m: unknown): { reading: Reading; jws: string } {
  const { reading: r, jws } = (m ?? {}) as { reading?: Reading; jws?: unknown };
  const bad = (why: string) => new DomainError('BAD_INPUT', `not a reading: ${why}`);
  if (!r || typeof r !== 'object') throw bad('no reading');
  if (typeof jws !== 'string' || jws.length > 20000) throw bad('no jws');
  if (r.v !== 1 || typeof r.device !== 'string' || !DEVICE_ID.test(r.device) || !Number.isSafeInteger(r.seq) || r.seq < 1) throw bad('v, device and seq are required');
  if (typeof r.at !== 'string' || !isRealTime(r.at)) throw bad('at must be an RFC 3339 time that exists');
  if (!['tag', 'weight', 'code'].includes(r.kind) || typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)) throw bad('kind and data');
  // Text the database cannot hold would fail the reading's transaction, which is asked for again, for ever.
  const unstorable = unstorableText(r.data, 'data');
  if (unstorable) throw bad(`${unstorable} holds a NUL character or a lone surrogate`);
  if (r.kind === 'tag' && r.data.epc !== undefined && (typeof r.data.epc !== 'string' || !/^[0-9A-Fa-f]{1,128}$/.test(r.data.epc))) throw bad('a tag\'s EPC is hex');
  return { reading: r, jws };
}

/** `hello.devices`: the gateway's device ids. */
function helloDevices(devices: unknown): string[] {
  if (!Array.isArray(devices) || devices.length > 1000 || !devices.every((d) => typeof d === 'string' && DEVICE_ID.test(d))) {
    throw new DomainError('BAD_INPUT', 'hello.devices must be a list of device ids');
  }
  return devices;
}

/** Readings taken in one transaction at most: enough to share commits, few enough to answer promptly. */
const BATCH = 64;
/** Messages read ahead of the batch being taken; past this the socket stops reading until they are taken. */
const MAX_WAITING = 1024;

type Answer = Record<string, unknown> | undefined;

export function gatewayRoutes(app: FastifyInstance, deps: { custody: CustodyContext; tokens: Tokens }): void {
  /** The health reports being taken, one after another (see parse). */
  let healthInOrder: Promise<Answer> = Promise.resolve(undefined);
  /** One message: a health report (answered by nothing), a malformed message (refused), or a reading to take. */
  const parse = async (raw: unknown): Promise<{ answer: Answer } | { reading: Reading; jws: string }> => {
    let seq: unknown;
    let device: unknown;
    try {
      const parsed = (JSON.parse(String(raw)) ?? {}) as { reading?: { seq?: unknown; device?: unknown }; health?: { device?: unknown }; jws?: unknown; hello?: { devices?: unknown } }; // `null` is JSON too
      if (parsed.hello) return { answer: { hello: { lastSeq: await lastReadingSeqs(deps.custody.sql, helloDevices(parsed.hello.devices)) } } };
      // Health reports are taken one after another, in the order they came (a batch's readings
      // are parsed at once): an older report never overtakes a newer one.
      if (parsed.health !== undefined) return { answer: await (healthInOrder = healthInOrder.catch(() => undefined).then(() => healthAnswer(parsed))) };
      seq = parsed.reading?.seq;
      device = parsed.reading?.device;
      return checkReading(parsed);
    } catch (e) {
      return { answer: await refusal(seq, device, e) };
    }
  };

  /** A health report: kept without an answer, or refused with one (never counted as a refused reading). */
  const healthAnswer = async (m: { health?: { device?: unknown }; jws?: unknown }): Promise<Answer> => {
    try {
      await takeHealthReport(deps.custody.sql, m);
      return undefined;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return { health: m.health?.device ?? null, status: 'refused', code: e.code, detail: e.message };
    }
  };

  const refusal = async (seq: unknown, device: unknown, e: unknown): Promise<Answer> => {
    const code = e instanceof DomainError ? e.code : e instanceof SyntaxError ? 'BAD_INPUT' : 'INTERNAL';
    // A reading the server failed to take for its own reasons is not acknowledged: the gateway sends it again.
    if (code === 'INTERNAL') return { retry: seq ?? null, device: device ?? null, detail: 'not taken: try again' };
    if (typeof device === 'string') await refusedReading(deps.custody.sql, device, `${code}: ${(e as Error).message}`).catch(() => {});
    return { ack: seq ?? null, device: device ?? null, status: 'refused', code, detail: (e as Error).message };
  };

  app.route({ method: 'GET', url: '/gateway', schema: { hide: true }, handler: upgradeRequired, wsHandler: (socket) => {
    // Messages wait here while a batch is being taken; the next batch is whatever arrived meanwhile.
    const waiting: unknown[] = [];
    let draining = false;
    const drain = async () => {
      draining = true;
      while (waiting.length > 0) {
        const parsed = await Promise.all(waiting.splice(0, BATCH).map(parse));
        if (socket.isPaused && waiting.length < MAX_WAITING) socket.resume();
        const readings = parsed.flatMap((p) => ('reading' in p ? [p] : []));
        const outcomes = readings.length > 0 ? await takeReadings(deps.custody, readings) : [];
        let k = 0;
        for (const p of parsed) {
          let answer: Answer;
          if ('answer' in p) answer = p.answer;
          else {
            const o = outcomes[k++];
            answer = 'error' in o ? await refusal(p.reading.seq, p.reading.device, o.error) : { ack: p.reading.seq, device: p.reading.device, ...o };
          }
          if (answer) socket.send(JSON.stringify(answer));
        }
      }
      draining = false;
    };
    socket.on('message', (raw) => {
      waiting.push(raw);
      if (waiting.length >= MAX_WAITING) socket.pause(); // backpressure: TCP slows a flooding sender, memory stays bounded
      if (!draining) {
        drain().catch((e: unknown) => {
          draining = false;
          app.log.error({ err: e }, 'gateway: readings not taken');
          socket.close(1011, 'readings not taken: reconnect');
        });
      }
    });
  } });
}

export function deviceRoutes(app: FastifyInstance, deps: { custody: CustodyContext; tokens: Tokens }): void {
  const Count = Type.Integer();
  const Device = Type.Object({
    id: Type.String(), orgId: Type.String(), siteId: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), keyEnrolled: Type.Boolean(),
    lastSeen: Type.Union([Type.String(), Type.Null()]),
    readings: Type.Object({ sealed: Count, kept: Count, refused: Count }, Strict),
    lastRefusal: Type.Union([Type.Object({ at: Type.String(), detail: Type.String() }, Strict), Type.Null()]),
    gateway: Type.Union([Type.Object({ reportedAt: Type.String(), health: Type.Record(Type.String(), Type.Unknown()) }, Strict), Type.Null()]),
  }, Strict);
  app.get('/api/devices', {
    onRequest: guard(deps.tokens, ALL_ROLES),
    schema: {
      tags: ['devices'],
      security: [{ bearer: [] }],
      description: "Your organisation's devices (an inspector: its region's) and their health: last seen, readings sealed, kept and refused, and what their gateway last reported (frames, errors by kind, link).",
      response: { 200: Type.Object({ devices: Type.Array(Device) }, Strict), ...problems(401) },
    },
  }, async (req) => ({ devices: await deviceHealth(deps.custody.sql, req.actor!) }));

  const UnboundTag = Type.Object({
    deviceId: Type.String(), epc: Type.String(), grai: Type.Union([Type.String(), Type.Null()]), readAt: Type.String(), receivedAt: Type.String(),
  }, Strict);
  app.get('/api/devices/unbound-tags', {
    onRequest: guard(deps.tokens, ['producer', 'admin']),
    schema: {
      tags: ['devices'],
      security: [{ bearer: [] }],
      description: "Tags your organisation's readers read in the last 10 minutes that match no unit (at most the last 50), received after `since`, newest first: for binding a new drum's tag from a reader. `now`: the server's clock, to pass as `since` next time.",
      querystring: Type.Object({ since: Type.Optional(Type.String({ pattern: RFC3339.source, description: 'RFC 3339: only reads received after this' })) }, Strict),
      response: { 200: Type.Object({ now: Type.String(), tags: Type.Array(UnboundTag) }, Strict), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const { since } = req.query as { since?: string };
    if (since && Number.isNaN(Date.parse(since))) throw new DomainError('BAD_INPUT', `since is not a time: ${since}`);
    const now = new Date().toISOString();
    const tags = deps.custody.unboundTags?.since(req.actor!.orgId, since ? new Date(since) : undefined) ?? [];
    if (tags.length === 0) return { now, tags };
    // A tag bound since it was read is no longer unbound.
    const bound = await deps.custody.sql.query<{ epc: string }>(`SELECT upper(epc) AS epc FROM units WHERE upper(epc) = ANY($1)`, [[...new Set(tags.map((t) => t.epc))]]);
    const taken = new Set(bound.map((b) => b.epc));
    return { now, tags: tags.filter((t) => !taken.has(t.epc)) };
  });

  app.put('/api/devices/:id/key', {
    onRequest: guard(deps.tokens, ALL_ROLES),
    schema: {
      tags: ['devices'],
      security: [{ bearer: [] }],
      description: 'Enrol the key a device signs its readings with (sealed as a registry change): an admin, or a person of its organisation. `proof`: a compact JWS by the new key over the RFC 8785 form of {"action":"key.enrol","device":"<id>"}.',
      params: Type.Object({ id: Id }, Strict),
      body: Type.Object({ jwk: Jwk, proof: Jws }, Strict),
      response: { 200: Type.Object({ index: Type.Integer() }, Strict), ...problems(400, 401, 403, 404, 422) },
    },
  }, async (req) => {
    const { jwk, proof } = req.body as { jwk: JWK; proof: string };
    return enrollDeviceKey(deps.custody, req.actor!, (req.params as { id: string }).id, jwk, proof);
  });
}
