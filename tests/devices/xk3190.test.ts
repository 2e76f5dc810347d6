// Yaohua XK3190 continuous output (devices.md §4.1 format 0, §4.2 "=" formats): the reference's
// sample frames, round trips, every chunking, junk and bad checks, and fast-check fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import {
  createXk3190Decoder,
  decodeEquals,
  decodeFormat0,
  encodeEquals,
  encodeFormat0,
  type Xk3190Frame,
} from '../../devices/xk3190/protocol.js';
import { cat, feed, framesOf, errorsOf, chunked } from './stream-helpers.js';

const bytes = (hexText: string) => Uint8Array.from(Buffer.from(hexText.replace(/\s+/g, ''), 'hex'));
const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
/** Every input byte is in a frame, an error, or pending. */
function accounted<F extends { raw: Uint8Array }>(out: (F | FrameError)[], pending: number) {
  return out.reduce((n, x) => n + (x instanceof FrameError ? x.bytes.length : x.raw.length), 0) + pending;
}
const fields = ({ raw: _raw, ...rest }: Xk3190Frame) => rest;
const RUNS = { seed: 20261128, numRuns: 500 };

// §4.1 samples, bytes copied from the reference, with their documented values.
const SAMPLES = [
  { hex: '02 2B 30 30 32 30 30 30 32 31 42 03', weight: '20.00', decimals: 2 }, // doc example, XOR 0x1B
  { hex: '02 2B 30 30 31 35 36 30 30 31 39 03', weight: '1560', decimals: 0 }, // truck
  { hex: '02 2B 30 30 31 36 35 30 30 31 39 03', weight: '1650', decimals: 0 }, // truck + man
  { hex: '02 2B 30 30 30 30 30 30 30 31 42 03', weight: '0', decimals: 0 },
  { hex: '022b30313233343530314103', weight: '12345', decimals: 0 }, // §7.1 delimiter-parser output
];

// Independent oracle: builds a format 0 frame from its parts (§4.1) and states its value.
function format0(sign: '+' | '-', digits: string, decimals: number) {
  const body = Buffer.from(sign + digits + String(decimals), 'latin1');
  const x = body.reduce((a, b) => a ^ b, 0);
  const frame = Uint8Array.from([0x02, ...body, ...Buffer.from(x.toString(16).toUpperCase().padStart(2, '0')), 0x03]);
  const value = (Number(digits) / 10 ** decimals).toFixed(decimals);
  return { frame, weight: (sign === '-' ? '-' : '') + value, decimals };
}
const arbFormat0 = fc
  .tuple(fc.constantFrom('+' as const, '-' as const), fc.stringMatching(/^\d{6}$/), fc.integer({ min: 0, max: 4 }))
  .map(([s, d, n]) => format0(s, d, n));

// Oracle for the "=" formats: 7 weight characters (an inner point or none), reversed for format 1.
const arbEquals = (format: 1 | 2) =>
  fc
    .tuple(fc.boolean(), fc.stringMatching(/^\d{7}$/), fc.integer({ min: 0, max: 5 }))
    .map(([negative, d, decimals]) => {
      const shown = decimals === 0 ? d : `${d.slice(1, 7 - decimals)}.${d.slice(7 - decimals)}`;
      const body = format === 1 ? [...shown].reverse().join('') + (negative ? '-' : '0') : (negative ? '-' : '0') + shown;
      const value = (Number(shown.replace('.', '')) / 10 ** decimals).toFixed(decimals);
      return { frame: text('=' + body), weight: (negative ? '-' : '') + value, decimals };
    });

describe('XK3190 format 0 (§4.1)', () => {
  it.each(SAMPLES)('decodes the reference sample $hex', ({ hex, weight, decimals }) => {
    const frame = decodeFormat0(bytes(hex));
    expect(fields(frame)).toEqual({ format: 0, sign: '+', weight, decimals });
    expect(frame.raw).toEqual(bytes(hex));
    expect('motion' in frame).toBe(false);
  });

  it('encodes the reference samples byte for byte', () => {
    for (const { hex, weight } of SAMPLES) expect(encodeFormat0(weight)).toEqual(bytes(hex));
  });

  it('keeps weights exact, never through a float', () => {
    expect(decodeFormat0(encodeFormat0('1234.5')).weight).toBe('1234.5');
    expect(decodeFormat0(encodeFormat0('12340')).weight).toBe('12340');
    expect(decodeFormat0(encodeFormat0('-0.0001')).weight).toBe('-0.0001');
    expect(decodeFormat0(format0('-', '000150', 2).frame)).toMatchObject({ sign: '-', weight: '-1.50' });
  });

  it('refuses weights that do not fit, with FrameError', () => {
    for (const w of ['1234567', '1.23456', '0.00001', 'abc', '', '1e3']) {
      expect(() => encodeFormat0(w)).toThrow(FrameError);
    }
  });

  it('round trips generated frames both ways', () => {
    fc.assert(
      fc.property(arbFormat0, ({ frame, weight, decimals }) => {
        const decoded = decodeFormat0(frame);
        expect(fields(decoded)).toMatchObject({ weight, decimals });
        expect(encodeFormat0(decoded.weight)).toEqual(frame);
      }),
      RUNS,
    );
  });

  it('decodes a frame split at every byte boundary', () => {
    const frame = bytes(SAMPLES[1]!.hex);
    for (let i = 1; i < frame.length; i++) {
      const d = createXk3190Decoder();
      expect(d.push(frame.slice(0, i))).toEqual([]);
      expect(d.pending).toBe(i);
      const out = d.push(frame.slice(i));
      expect(out.map((f) => (f instanceof FrameError ? f.code : f.weight))).toEqual(['1560']);
      expect(d.pending).toBe(0);
    }
    const d = createXk3190Decoder();
    expect(framesOf(feed(d, [...frame].map((b) => Uint8Array.of(b))))).toHaveLength(1);
  });

  it('decodes two frames in one chunk', () => {
    const out = createXk3190Decoder().push(cat(bytes(SAMPLES[1]!.hex), bytes(SAMPLES[2]!.hex)));
    expect(out.map((f) => (f as Xk3190Frame).weight)).toEqual(['1560', '1650']);
  });

  it('skips leading junk, even junk holding a stray STX', () => {
    const junk = cat(text('\r\nOK\x03'), Uint8Array.of(0x02, 0x41));
    const out = createXk3190Decoder().push(cat(junk, bytes(SAMPLES[0]!.hex)));
    expect(errorsOf(out).map((e) => e.code)).toEqual(['JUNK', 'BAD_FRAME']);
    expect(cat(...errorsOf(out).map((e) => e.bytes))).toEqual(junk);
    expect(framesOf(out).map((f) => f.weight)).toEqual(['20.00']);
  });

  it('reports a bad check as BAD_CHECKSUM and resyncs on the next frame', () => {
    const bad = bytes(SAMPLES[1]!.hex);
    bad[10] = 0x41; // '9' -> 'A'
    const out = createXk3190Decoder().push(cat(bad, bytes(SAMPLES[2]!.hex)));
    expect(out).toHaveLength(2);
    expect(out[0]).toBeInstanceOf(FrameError);
    expect((out[0] as FrameError).code).toBe('BAD_CHECKSUM');
    expect((out[0] as FrameError).bytes).toEqual(bad);
    expect((out[1] as Xk3190Frame).weight).toBe('1650');
  });

  it('refuses broken layouts as BAD_FRAME', () => {
    const good = bytes(SAMPLES[0]!.hex);
    for (const [i, b] of [[1, 0x20], [4, 0x3a], [8, 0x35], [9, 0x62], [11, 0x0d]] as const) {
      const f = good.slice();
      f[i] = b;
      expect(() => decodeFormat0(f)).toThrow(expect.objectContaining({ code: 'BAD_FRAME' }));
    }
    expect(() => decodeFormat0(good.slice(0, 11))).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });

  it('fuzz: arbitrary bytes in arbitrary chunks never throw, and every byte is accounted for', () => {
    const protocolish = fc.array(fc.constantFrom(0x02, 0x03, 0x2b, 0x2d, 0x30, 0x31, 0x39, 0x41, 0x42, 0xff), { maxLength: 200 });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), protocolish.map((a) => Uint8Array.from(a))), fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const d = createXk3190Decoder();
        const out = feed(d, chunked(data, cuts));
        for (const x of out) if (!(x instanceof FrameError)) expect(x.raw).toHaveLength(12);
        expect(accounted(out, d.pending)).toBe(data.length);
      }),
      RUNS,
    );
  });

  it('fuzz: generated frames in random chunkings all decode, after junk without STX', () => {
    const junk = fc.uint8Array({ maxLength: 30 }).map((j) => j.filter((b) => b !== 0x02));
    fc.assert(
      fc.property(junk, fc.array(arbFormat0, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (j, frames, cuts) => {
        const d = createXk3190Decoder();
        const out = feed(d, chunked(cat(j, ...frames.map((f) => f.frame)), cuts));
        expect(framesOf(out).map((f) => f.weight)).toEqual(frames.map((f) => f.weight));
        expect(errorsOf(out).every((e) => e.code === 'JUNK')).toBe(true);
        expect(d.pending).toBe(0);
      }),
      RUNS,
    );
  });
});

describe('XK3190 "=" formats (§4.2)', () => {
  it.each([
    ['=000.3000', 1, '+', '3.000', 3],
    ['=00.1000-', 1, '-', '-1.00', 2],
    ['=0003.000', 2, '+', '3.000', 3],
    ['=-0001.00', 2, '-', '-1.00', 2],
  ] as const)('decodes the reference example %s (format %i)', (sample, format, sign, weight, decimals) => {
    const frame = decodeEquals(text(sample), format);
    expect(fields(frame)).toEqual({ format, sign, weight, decimals });
    expect(frame.raw).toEqual(text(sample));
    expect(encodeEquals(weight, format)).toEqual(text(sample));
  });

  it('reads a 7-digit field without a point', () => {
    expect(decodeEquals(text('=00651000'), 1).weight).toBe('15600');
    expect(decodeEquals(text('=00015600'), 2).weight).toBe('15600');
    expect(encodeEquals('15600', 1)).toEqual(text('=00651000'));
  });

  it('refuses what the layout forbids', () => {
    for (const [s, f] of [['=000.3001', 1], ['=0.0.3000', 1], ['=.0000030', 1], ['=0003.00+', 2], ['=00 3.000', 2]] as const) {
      expect(() => decodeEquals(text(s), f)).toThrow(expect.objectContaining({ code: 'BAD_FRAME' }));
    }
    expect(() => encodeEquals('12345678', 1)).toThrow(FrameError);
    expect(() => encodeEquals('0.123456', 2)).toThrow(FrameError);
  });

  for (const format of [1, 2] as const) {
    it(`format ${format}: round trips generated frames both ways`, () => {
      fc.assert(
        fc.property(arbEquals(format), ({ frame, weight, decimals }) => {
          const decoded = decodeEquals(frame, format);
          expect(fields(decoded)).toMatchObject({ weight, decimals });
          expect(decodeEquals(encodeEquals(decoded.weight, format), format).weight).toBe(weight);
        }),
        RUNS,
      );
    });

    it(`format ${format}: back-to-back frames in random chunkings all decode, junk skipped`, () => {
      fc.assert(
        fc.property(fc.array(arbEquals(format), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
          const d = createXk3190Decoder({ format });
          const out = feed(d, chunked(cat(text('\r\n#'), ...frames.map((f) => f.frame)), cuts));
          expect(framesOf(out).map((f) => f.weight)).toEqual(frames.map((f) => f.weight));
          expect(errorsOf(out).every((e) => e.code === 'JUNK')).toBe(true);
          expect(cat(...errorsOf(out).map((e) => e.bytes))).toEqual(text('\r\n#'));
        }),
        RUNS,
      );
    });

    it(`format ${format}: arbitrary bytes never throw`, () => {
      const alphabet = fc.array(fc.constantFrom(...text('=-0.19 ')), { maxLength: 200 }).map((a) => Uint8Array.from(a));
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), alphabet), fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
          const d = createXk3190Decoder({ format });
          expect(accounted(feed(d, chunked(data, cuts)), d.pending)).toBe(data.length);
        }),
        RUNS,
      );
    });
  }

  it('resyncs after a short, broken frame', () => {
    const out = createXk3190Decoder({ format: 2 }).push(text('=12=0003.000=-0001.00'));
    expect(out.map((x) => (x instanceof FrameError ? x.code : x.weight))).toEqual(['BAD_FRAME', '3.000', '-1.00']);
  });
});
