// Mettler Toledo continuous output (devices.md §4.4): the reference's two samples, every status
// bit, the point-code table, spaces for zeros, parity, chunking, junk, bad checksums, fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import {
  createToledoDecoder,
  decodeToledo,
  encodeToledo,
  toledoChecksum,
  type ToledoFields,
  type ToledoFrame,
} from '../../devices/toledo/protocol.js';
import { cat, feed, framesOf, errorsOf, chunked, accounted } from './stream-helpers.js';

const bytes = (hexText: string) => Uint8Array.from(Buffer.from(hexText.replace(/\s+/g, ''), 'hex'));
const RUNS = { seed: 20261128, numRuns: 500 };

// §4.4 samples, bytes copied from the reference.
const STABLE = bytes('02 2A 30 20 30 31 35 36 30 30 30 30 30 30 30 30 0D 2B');
const MOTION = bytes('02 2A 38 20 30 31 35 36 32 30 30 30 30 30 30 30 0D 21');

// Independent oracle: a frame from raw status words and digit fields (§4.4 layout and checksum).
function build(swa: number, swb: number, swc: number, weight: string, tare: string, checksum = true) {
  const body = [0x02, swa, swb, swc, ...Buffer.from(weight + tare, 'latin1'), 0x0d];
  const sum = body.reduce((a, b) => a + (b & 0x7f), 0);
  return Uint8Array.from(checksum ? [...body, (0x100 - (sum & 0xff)) & 0x7f] : body);
}
const POINT = ['XXXX00', 'XXXXX0', 'XXXXXX', 'XXXXX.X', 'XXXX.XX', 'XXX.XXX', 'XX.XXXX', 'X.XXXXX'];
/** The value the display pattern of SWA bits 0-2 makes of six digits (Wildcat table cited in §4.4). */
function shown(digits: string, pointCode: number) {
  const pattern = POINT[pointCode]!;
  const decimals = pattern.includes('.') ? pattern.length - pattern.indexOf('.') - 1 : 0;
  const whole = digits.replaceAll(' ', '0') + '0'.repeat(pattern.length - pattern.replace(/0+$/, '').length);
  return (Number(whole) / 10 ** decimals).toFixed(decimals);
}

const arbFrame = fc
  .record({
    pointCode: fc.integer({ min: 0, max: 7 }),
    inc: fc.integer({ min: 1, max: 3 }),
    swbBits: fc.integer({ min: 0, max: 0x1f }),
    powerUp: fc.boolean(),
    swcBits: fc.constantFrom(0, 1, 8, 0x10, 0x19),
    weight: fc.stringMatching(/^\d{6}$/),
    tare: fc.stringMatching(/^\d{6}$/),
    spaces: fc.boolean(),
  })
  .map((g) => {
    const spaced = (d: string) => (g.spaces ? d.replace(/^0+(?=\d)/, (z) => ' '.repeat(z.length)) : d);
    const swa = 0x20 | (g.inc << 3) | g.pointCode;
    // Grams (SWC bit 0) overrides the lb/kg bit, so a frame with both cannot be re-encoded.
    const swb = 0x20 | (g.swcBits & 1 ? g.swbBits & ~0x10 : g.swbBits) | (g.powerUp ? 0x40 : 0);
    const frame = build(swa, swb, 0x20 | g.swcBits, spaced(g.weight), spaced(g.tare));
    const negative = (g.swbBits & 2) !== 0;
    return {
      frame,
      expected: {
        weight: (negative ? '-' : '') + shown(g.weight, g.pointCode),
        tare: shown(g.tare, g.pointCode),
        pointCode: g.pointCode,
        increment: [1, 2, 5][g.inc - 1],
        net: (g.swbBits & 1) !== 0,
        negative,
        outOfRange: (g.swbBits & 4) !== 0,
        motion: (g.swbBits & 8) !== 0,
        unit: g.swcBits & 1 ? 'g' : g.swbBits & 0x10 ? 'kg' : 'lb',
        powerUpNotZeroed: g.powerUp,
        printRequest: (g.swcBits & 8) !== 0,
        expanded: (g.swcBits & 0x10) !== 0,
      },
    };
  });

describe('Toledo continuous output (§4.4)', () => {
  it('decodes the stable 15600 kg sample', () => {
    expect(decodeToledo(STABLE)).toEqual({
      weight: '15600',
      tare: '0',
      decimals: 0,
      increment: 1,
      division: '1',
      pointCode: 2,
      net: false,
      negative: false,
      outOfRange: false,
      motion: false,
      unit: 'kg',
      powerUpNotZeroed: false,
      printRequest: false,
      expanded: false,
      status: [0x2a, 0x30, 0x20],
      checksummed: true,
      raw: STABLE,
    });
  });

  it('decodes the motion 15620 kg sample (SWB 0x38: motion + kg)', () => {
    expect(decodeToledo(MOTION)).toMatchObject({ weight: '15620', motion: true, unit: 'kg', outOfRange: false, net: false });
  });

  it('computes the samples’ checksums and re-encodes them byte for byte', () => {
    expect(toledoChecksum(STABLE.subarray(0, 17))).toBe(0x2b);
    expect(toledoChecksum(MOTION.subarray(0, 17))).toBe(0x21);
    expect(encodeToledo(decodeToledo(STABLE))).toEqual(STABLE);
    expect(encodeToledo(decodeToledo(MOTION))).toEqual(MOTION);
  });

  it('decodes each documented status bit on its own', () => {
    const base = { swa: 0x2a, swb: 0x30, swc: 0x20 };
    const cases: [keyof typeof base, number, Partial<ToledoFrame>][] = [
      ['swb', 0x01, { net: true }],
      ['swb', 0x02, { negative: true, weight: '-15600' }],
      ['swb', 0x04, { outOfRange: true }],
      ['swb', 0x08, { motion: true }],
      ['swb', 0x40, { powerUpNotZeroed: true }],
      ['swc', 0x01, { unit: 'g' }],
      ['swc', 0x08, { printRequest: true }],
      ['swc', 0x10, { expanded: true }],
    ];
    const plain = decodeToledo(build(0x2a, 0x30, 0x20, '015600', '000000'));
    for (const [word, bitValue, change] of cases) {
      const w = { ...base, [word]: base[word] | bitValue };
      expect(decodeToledo(build(w.swa, w.swb, w.swc, '015600', '000000'))).toEqual({
        ...plain,
        ...change,
        status: [w.swa, w.swb, w.swc],
        raw: build(w.swa, w.swb, w.swc, '015600', '000000'),
      });
    }
    expect(decodeToledo(build(0x2a, 0x20, 0x20, '015600', '000000')).unit).toBe('lb');
  });

  it('places the point, dummy zeros and increment per SWA', () => {
    const at = (swa: number, w: string) => decodeToledo(build(swa, 0x30, 0x20, w, '000100'));
    expect(at(0x28, '000156')).toMatchObject({ weight: '15600', tare: '10000', decimals: 0, division: '100' });
    expect(at(0x31, '001560')).toMatchObject({ weight: '15600', tare: '1000', division: '20' });
    expect(at(0x3a, '015600')).toMatchObject({ weight: '15600', increment: 5, division: '5' });
    expect(at(0x2b, '012345')).toMatchObject({ weight: '1234.5', tare: '10.0', decimals: 1, division: '0.1' });
    expect(at(0x34, '001234')).toMatchObject({ weight: '12.34', increment: 2, division: '0.02' });
    expect(at(0x2f, '123456')).toMatchObject({ weight: '1.23456', decimals: 5, division: '0.00001' });
    const noIncrement = at(0x22, '015600');
    expect(noIncrement.increment).toBeUndefined();
    expect('division' in noIncrement).toBe(false);
  });

  it('reads leading zeros sent as spaces, and refuses spaces after a digit', () => {
    expect(decodeToledo(build(0x2a, 0x30, 0x20, ' 15600', '      '))).toMatchObject({ weight: '15600', tare: '0' });
    const spaced = encodeToledo({ ...decodeToledo(STABLE), weight: '120' }, { leadingSpaces: true });
    expect(Buffer.from(spaced.subarray(4, 16)).toString('latin1')).toBe('   120     0');
    expect(() => decodeToledo(build(0x2a, 0x30, 0x20, '15 600', '000000'))).toThrow(expect.objectContaining({ code: 'BAD_FRAME' }));
  });

  it('masks a parity bit 7 on every byte', () => {
    const parity = STABLE.map((b) => (b.toString(2).split('1').length % 2 === 0 ? b | 0x80 : b));
    expect(parity).not.toEqual(STABLE);
    const { raw, ...rest } = decodeToledo(parity);
    expect(raw).toEqual(parity);
    expect(rest).toEqual((({ raw: _r, ...r }) => r)(decodeToledo(STABLE)));
    expect(createToledoDecoder().push(parity)).toHaveLength(1);
  });

  it('reads the 17-byte variant without checksum', () => {
    const short = STABLE.slice(0, 17);
    expect(decodeToledo(short)).toMatchObject({ weight: '15600', checksummed: false });
    expect(encodeToledo(decodeToledo(STABLE), { checksum: false })).toEqual(short);
    const out = createToledoDecoder({ checksum: false }).push(cat(short, MOTION.slice(0, 17)));
    expect(out.map((f) => (f as ToledoFrame).weight)).toEqual(['15600', '15620']);
  });

  it('refuses values the point code cannot show', () => {
    const f: ToledoFields = { ...decodeToledo(STABLE), weight: '15650', pointCode: 0 };
    expect(() => encodeToledo(f)).toThrow(FrameError);
    expect(() => encodeToledo({ ...f, weight: '1234567', pointCode: 2 })).toThrow(FrameError);
    expect(() => encodeToledo({ ...f, weight: '1.234', pointCode: 4 })).toThrow(FrameError);
    expect(() => encodeToledo({ ...f, weight: '1', tare: '-1', pointCode: 2 })).toThrow(FrameError);
  });

  it('round trips generated frames both ways', () => {
    fc.assert(
      fc.property(arbFrame, ({ frame, expected }) => {
        const decoded = decodeToledo(frame);
        expect(decoded).toMatchObject(expected);
        const spaces = frame[4] === 0x20 || frame[10] === 0x20;
        expect(encodeToledo(decoded, { leadingSpaces: spaces })).toEqual(frame);
      }),
      RUNS,
    );
  });

  it('decodes a frame split at every byte boundary', () => {
    for (let i = 1; i < STABLE.length; i++) {
      const d = createToledoDecoder();
      expect(d.push(STABLE.slice(0, i))).toEqual([]);
      expect(d.pending).toBe(i);
      expect(d.push(STABLE.slice(i)).map((f) => (f as ToledoFrame).weight)).toEqual(['15600']);
      expect(d.pending).toBe(0);
    }
  });

  it('decodes two frames in one chunk', () => {
    const out = createToledoDecoder().push(cat(MOTION, STABLE));
    expect(out.map((f) => [(f as ToledoFrame).weight, (f as ToledoFrame).motion])).toEqual([['15620', true], ['15600', false]]);
  });

  it('skips leading junk, even junk holding a stray STX', () => {
    const junk = Uint8Array.of(0x0d, 0x31, 0x32, 0x02, 0x2a, 0x30);
    const out = createToledoDecoder().push(cat(junk, STABLE));
    expect(errorsOf(out).map((e) => e.code)).toEqual(['JUNK', 'BAD_FRAME']);
    expect(cat(...errorsOf(out).map((e) => e.bytes))).toEqual(junk);
    expect(framesOf(out).map((f) => f.weight)).toEqual(['15600']);
  });

  it('reports a bad checksum as BAD_CHECKSUM and resyncs on the next frame', () => {
    const bad = STABLE.slice();
    bad[8] = 0x31; // one digit changed, checksum left as it was
    const out = createToledoDecoder().push(cat(bad, MOTION));
    expect(out).toHaveLength(2);
    expect(out[0]).toBeInstanceOf(FrameError);
    expect(out[0]).toMatchObject({ code: 'BAD_CHECKSUM', bytes: bad });
    expect((out[1] as ToledoFrame).weight).toBe('15620');
  });

  it('fuzz: arbitrary bytes in arbitrary chunks never throw, every byte accounted for', () => {
    const protocolish = fc.array(fc.constantFrom(0x02, 0x82, 0x0d, 0x20, 0x2a, 0x30, 0x38, 0x39, 0x2b, 0xff), { maxLength: 300 });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), protocolish.map((a) => Uint8Array.from(a))), fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), (data, cuts, checksum) => {
        const d = createToledoDecoder({ checksum });
        const out = feed(d, chunked(data, cuts));
        expect(accounted(out, d.pending)).toBe(data.length);
      }),
      RUNS,
    );
  });

  it('fuzz: generated frames in random chunkings all decode, after junk without STX', () => {
    const junk = fc.uint8Array({ maxLength: 30 }).map((j) => j.filter((b) => (b & 0x7f) !== 0x02));
    fc.assert(
      fc.property(junk, fc.array(arbFrame, { minLength: 1, maxLength: 15 }), fc.array(fc.nat(), { maxLength: 30 }), (j, frames, cuts) => {
        const d = createToledoDecoder();
        const out = feed(d, chunked(cat(j, ...frames.map((f) => f.frame)), cuts));
        expect(framesOf(out).map((f) => f.weight)).toEqual(frames.map((f) => f.expected.weight));
        expect(errorsOf(out).every((e) => e.code === 'JUNK')).toBe(true);
        expect(d.pending).toBe(0);
      }),
      RUNS,
    );
  });
});
