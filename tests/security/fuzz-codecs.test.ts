// Every device codec against arbitrary bytes, in one place: stream decoders (any chunking) answer
// frames or FrameError and never throw; single-frame decoders return or throw only FrameError
// (LLRP's message parser, its ParseError). The codecs' own tests (tests/devices/) fuzz most stream
// decoders already; this adds the single-frame decoders, the XK3190 stream, the command decoders,
// the gate cameras' pushes (Hikvision XML, Dahua JSON: only DomainError) and the gateway's reading
// signature check (only true or false).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import * as chafon from '../../devices/chafon/protocol.js';
import { LineDecoder, classifyLine } from '../../devices/line/protocol.js';
import * as llrp from '../../devices/llrp/protocol.js';
import * as mtsics from '../../devices/mtsics/protocol.js';
import * as r2000 from '../../devices/r2000/protocol.js';
import * as toledo from '../../devices/toledo/protocol.js';
import * as xk3190 from '../../devices/xk3190/protocol.js';
import { readingSignedBy, signReading, type Reading } from '../../devices/gateway/reading.js';
import { parseDahua, parseHikvision } from '../../server/cameras/anpr.js';
import { DomainError } from '../../server/custody/errors.js';
import { demoPrivateJwk, demoPublicJwk } from '../../server/registry/demo-people.js';
import { hostileValue, POISON_KEYS, withKey } from './fuzz-arbitraries.js';

/** Bytes, biased towards each protocol's start and end bytes so that frames are attempted often. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 700 }),
  fc.array(fc.oneof(fc.constantFrom(0xa0, 0x02, 0x03, 0x0d, 0x0a, 0x3d, 0x04, 0x00, 0xff, 0x20, 0x2b, 0x2d, 0x2e, 0x30, 0x39), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
);
const chunks = fc.array(bytes, { minLength: 1, maxLength: 8 });

/** Runs `f`; anything thrown must be one of `allowed`. */
function onlyThrows(f: () => unknown, ...allowed: (new (...args: never[]) => Error)[]): void {
  try {
    f();
  } catch (e) {
    if (!allowed.some((t) => e instanceof t)) throw new Error(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack?.split('\n').slice(0, 3).join(' ')}`);
  }
}

const STREAMS: Record<string, () => { push(c: Uint8Array): unknown[]; readonly pending: number; flush?: () => unknown[] }> = {
  'R2000 answers': () => new r2000.R2000Decoder(),
  'R2000 commands': () => new r2000.R2000CommandDecoder(),
  'Chafon answers': () => new chafon.ChafonDecoder(),
  'Chafon commands': () => new chafon.ChafonCommandDecoder(),
  LLRP: () => new llrp.LlrpStreamDecoder({ maxMessageLength: 4096 }),
  'line reader': () => new LineDecoder(),
  'MT-SICS': () => mtsics.createMtSicsDecoder(),
  'Toledo continuous': () => toledo.createToledoDecoder(),
  'XK3190 format 0': () => xk3190.createXk3190Decoder(),
  'XK3190 = format': () => xk3190.createXk3190Decoder({ format: 1 } as never),
};

const SINGLE: Record<string, (b: Uint8Array) => unknown> = {
  'R2000 frame': (b) => r2000.decodeR2000Frame(b),
  'R2000 response': (b) => r2000.decodeResponse(b),
  'R2000 command': (b) => r2000.decodeCommand(b),
  'Chafon response': (b) => chafon.decodeResponse(b),
  'Chafon response (UR layout)': (b) => chafon.decodeResponse(b, 'ur'),
  'Chafon command': (b) => chafon.decodeCommand(b),
  'LLRP message': (b) => llrp.decodeLlrpMessage(b),
  'MT-SICS reply': (b) => mtsics.decodeReply(b),
  'MT-SICS command': (b) => mtsics.decodeCommand(b),
  'Toledo frame': (b) => toledo.decodeToledo(b),
  'XK3190 format 0 frame': (b) => xk3190.decodeFormat0(b),
  'XK3190 = frame': (b) => xk3190.decodeEquals(b, 1),
  'XK3190 = frame, format 2': (b) => xk3190.decodeEquals(b, 2),
  'line classification': (b) => classifyLine(Buffer.from(b).toString('latin1')),
};

describe('device codecs against arbitrary bytes', () => {
  it('stream decoders answer frames or FrameError for any bytes in any chunking, and never hold more than they were given', () => {
    for (const [name, make] of Object.entries(STREAMS)) {
      fc.assert(
        fc.property(chunks, (cs) => {
          const d = make();
          let given = 0;
          for (const c of cs) {
            given += c.length;
            const out = d.push(c);
            expect(Array.isArray(out), name).toBe(true);
            expect(d.pending, name).toBeLessThanOrEqual(given);
          }
          for (const x of d.flush?.() ?? []) expect(x, name).toBeDefined();
        }),
        { numRuns: 150 },
      );
    }
  });

  it('single-frame decoders return a frame or a FrameError, or throw FrameError, and nothing else', () => {
    for (const [name, decode] of Object.entries(SINGLE)) {
      fc.assert(fc.property(bytes, (b) => onlyThrows(() => decode(b), FrameError, llrp.ParseError)), { numRuns: 300, examples: [[new Uint8Array(0)], [Uint8Array.of(0xa0)]] });
      expect(name).toBeTruthy();
    }
    // LLRP's inner parser, given a header that claims the bytes that follow.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 }), fc.uint8Array({ maxLength: 200 }), (type, body) => {
        const raw = new Uint8Array(10 + body.length);
        new DataView(raw.buffer).setUint16(0, (1 << 10) | type);
        new DataView(raw.buffer).setUint32(2, raw.length);
        raw.set(body, 10);
        onlyThrows(() => llrp.decodeMessage(raw), FrameError, llrp.ParseError);
      }),
      { numRuns: 400 },
    );
  });
});

describe('gate camera pushes against hostile input', () => {
  const tag = fc.constantFrom('EventNotificationAlert', 'ANPR', 'eventType', 'licensePlate', 'dateTime', 'direction', 'UUID', 'confidenceLevel', ...POISON_KEYS);
  const xmlish: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('ANPR', '浙J·A1234', '2026-11-28T10:00:00+08:00', '&lt;', '<![CDATA[x]]>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<?xml version="1.0"?>'),
      fc.tuple(tag, fc.array(tie('node'), { maxLength: 3 })).map(([t, inner]) => `<${t}>${inner.join('')}</${t}>`),
    ),
  })).node.map((inner) => `<EventNotificationAlert>${inner}</EventNotificationAlert>`);

  it('Hikvision: arbitrary or XML-shaped bodies parse or are refused with DomainError', () => {
    fc.assert(fc.property(fc.oneof(xmlish, fc.string({ unit: 'binary', maxLength: 300 })), (body) => onlyThrows(() => parseHikvision(body, []), DomainError)), { numRuns: 500 });
    // An element named like an Object method must not reach String() as an object.
    for (const k of POISON_KEYS) {
      const xml = `<EventNotificationAlert><eventType>ANPR</eventType><dateTime>2026-11-28T10:00:00+08:00</dateTime><ANPR><licensePlate><${k}>x</${k}></licensePlate></ANPR></EventNotificationAlert>`;
      onlyThrows(() => parseHikvision(xml, []), DomainError);
    }
  });

  it('Dahua: arbitrary or push-shaped JSON parses or is refused with DomainError', () => {
    const field = fc.oneof(hostileValue, fc.constant('浙J·A1234'), fc.constant('2026-11-28 10:00:00'));
    const push = fc.record({ PlateNumber: field, Confidence: field, SnapTime: field, Direction: field, DeviceID: field, Content: field, poison: fc.constantFrom(...POISON_KEYS) })
      .map((f) => ({ Picture: withKey({ Plate: withKey({ PlateNumber: f.PlateNumber, Confidence: f.Confidence }, f.poison, f.PlateNumber), SnapInfo: { SnapTime: f.SnapTime, Direction: f.Direction, DeviceID: f.DeviceID }, NormalPic: { Content: f.Content } }, f.poison, f.Content) }));
    fc.assert(fc.property(fc.oneof(push, hostileValue), (body) => onlyThrows(() => parseDahua(body), DomainError)), { numRuns: 500 });
    for (const k of POISON_KEYS) {
      onlyThrows(() => parseDahua({ Picture: { Plate: { PlateNumber: withKey({}, k, 1) }, SnapInfo: { SnapTime: withKey({}, k, 'x') } } }), DomainError);
    }
  });
});

describe('the gateway reading signature check', () => {
  it('answers only true or false, and true only for the device key\'s signature over exactly this reading', async () => {
    const jwk = demoPublicJwk('device:dev-hengkang-rfid');
    const reading: Reading = { v: 1, device: 'dev-hengkang-rfid', seq: 1, at: '2026-11-28T10:00:00Z', kind: 'tag', data: { epc: '3315A537C8000440000F4241' } };
    const good = await signReading(reading, demoPrivateJwk('device:dev-hengkang-rfid'));
    expect(await readingSignedBy(reading, good, jwk)).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, fc.constant(good.slice(0, -2) + 'AA'), fc.constant(good.replace(/^[^.]+/, 'eyJhbGciOiJub25lIn0'))), hostileValue, async (jws, data) => {
        const r = { ...reading, data: data as Record<string, unknown> };
        const verdict = await readingSignedBy(r, jws as string, jwk);
        expect(verdict).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
