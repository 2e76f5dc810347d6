// Chafon / UHFReader18 CRC-16 codec (devices.md §1.3): the reference's sample frames, the CRC
// parameters, both inventory layouts, resync without a start byte, and fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError, hex } from '../../devices/codec.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import {
  ChafonCommandDecoder,
  ChafonDecoder,
  crc16,
  encodeCommand,
  encodeResponse,
  getReaderInfo,
  inventory,
  type ChafonFrame,
} from '../../devices/chafon/protocol.js';

const bytes = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((x) => parseInt(x, 16)));
const spaced = (b: Uint8Array) => hex(b).replace(/(..)(?!$)/g, '$1 ');
const isError = (x: unknown): x is FrameError => x instanceof FrameError;
const framesOf = <F>(out: (F | FrameError)[]) => out.filter((x): x is F => !isError(x));
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const SEED = 20261128;

// devices.md §1.3 sample frames, copied exactly.
const INVENTORY_FF = '04 FF 01 1B B4';
const READER_INFO_00 = '04 00 21 D9 6A';
const RESP_TAGS_1 = '13 00 01 03 01 0C 00 00 00 00 00 00 00 00 00 00 03 13 3F 39';
// More vectors from the reference's own source, wabson/chafon-rfid tests/test_uhfreader18.py.
const RESP_TAGS_3 = '13000103010c49440000000000000a000334a5fb';
const RESP_MULTIPLE_TAGS = '20000103020c0000000000000000000003130c0000000000000000000003149ac9';
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const DRUM = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 1000001 });

function feed<F>(decoder: { push(c: Uint8Array): (F | FrameError)[] }, chunks: Uint8Array[]): (F | FrameError)[] {
  return chunks.flatMap((c) => decoder.push(c));
}
function cut(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, b.length]) {
    out.push(b.slice(prev, c));
    prev = c;
  }
  return out;
}
const replay = (out: (ChafonFrame | FrameError)[]) => concat(out.map((x) => (isError(x) ? x.bytes : x.raw)));
const summary = (out: (ChafonFrame | FrameError)[]) => out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind));

describe('Chafon CRC-16 and sample frames (devices.md §1.3)', () => {
  it('is CRC-16/MCRF4XX: poly 0x8408 reflected, preset 0xFFFF, no final XOR (catalogue check 0x6F91)', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x6f91);
    expect(crc16(bytes('04 FF 01'))).toBe(0xb41b); // sent LSB first: 1B B4
  });

  it('encodes the inventory and get-reader-info commands exactly as the samples', () => {
    expect(spaced(inventory(0xff))).toBe(INVENTORY_FF);
    expect(spaced(getReaderInfo(0x00))).toBe(READER_INFO_00);
  });

  it('decodes the command samples on the host → reader side', () => {
    const out = feed(new ChafonCommandDecoder(), [bytes(`${INVENTORY_FF} ${READER_INFO_00}`)]);
    expect(out.map((c) => (isError(c) ? c.code : [c.adr, c.cmd, c.data.length]))).toEqual([
      [0xff, 0x01, 0],
      [0x00, 0x21, 0],
    ]);
  });

  it('decodes RESP_TAGS_1: CRC 0x393F OK, Status 3, Num 1, EPC …0313', () => {
    const [f, ...rest] = new ChafonDecoder().push(bytes(RESP_TAGS_1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'inventory', adr: 0x00, cmd: 0x01, status: 0x03, more: true, tags: [{ epc: '000000000000000000000313' }] });
    expect(!isError(f) && f.kind === 'inventory' && f.tags[0]!.grai).toBe(undefined);
  });

  it('decodes the other wabson vectors: one tag, and two tags in one frame', () => {
    const out = new ChafonDecoder().push(concat([fromHex(RESP_TAGS_3), fromHex(RESP_MULTIPLE_TAGS)]));
    expect(out.map((f) => (isError(f) || f.kind !== 'inventory' ? f : f.tags.map((t) => t.epc)))).toEqual([
      ['49440000000000000A000334'],
      ['000000000000000000000313', '000000000000000000000314'],
    ]);
  });

  it('decodes a GRAI-96 drum EPC to its GRAI', () => {
    const frame = encodeResponse(0x00, 0x01, 0x01, [1, 12, ...Buffer.from(DRUM, 'hex')]);
    const [f] = new ChafonDecoder().push(frame);
    expect(f).toMatchObject({ kind: 'inventory', more: false, tags: [{ epc: DRUM, grai: { grai: '069012340001771000001' } }] });
  });

  it("decodes the UR-series layout: Ant, Num, [len|0x80 FastID, EPC(+TID), RSSI]", () => {
    const tid = bytes('E2 80 11 70 00 00 02 0A 12 34 56 78');
    const data = [0x01, 2, 12, ...Buffer.from(DRUM, 'hex'), 0xc5, 0x80 | 24, ...Buffer.from(DRUM, 'hex'), ...tid, 0xb0];
    const [f] = new ChafonDecoder({ layout: 'ur' }).push(encodeResponse(0x00, 0x01, 0x01, data));
    expect(f).toMatchObject({
      kind: 'inventory',
      ant: 1,
      tags: [
        { epc: DRUM, rssi: 0xc5, fastId: false, grai: { grai: '069012340001771000001' } },
        { epc: DRUM + hex(tid), rssi: 0xb0, fastId: true },
      ],
    });
    expect(!isError(f) && f.kind === 'inventory' && f.tags[1]!.grai).toBe(undefined);
  });

  it('answers an empty inventory, other commands and malformed inventories', () => {
    const out = new ChafonDecoder().push(
      concat([encodeResponse(0, 0x01, 0x01), encodeResponse(0, 0x21, 0x00, [1, 2, 3]), encodeResponse(0, 0x01, 0x01, [2, 12, 0, 0])]),
    );
    expect(out[0]).toMatchObject({ kind: 'inventory', tags: [], more: false });
    expect(out[1]).toMatchObject({ kind: 'response', cmd: 0x21, status: 0, data: Uint8Array.of(1, 2, 3) });
    expect(out[2]).toBeInstanceOf(FrameError);
    expect((out[2] as FrameError).code).toBe('BAD_FRAME');
    const numMismatch = new ChafonDecoder().push(encodeResponse(0, 0x01, 0x01, [2, 2, 0xaa, 0xbb]));
    expect(summary(numMismatch)).toEqual([['BAD_FRAME', hex(encodeResponse(0, 0x01, 0x01, [2, 2, 0xaa, 0xbb]))]]);
  });

  it('refuses bad encoder arguments with a FrameError', () => {
    expect(() => encodeCommand(256, 1)).toThrow(FrameError);
    expect(() => encodeCommand(0, 1, new Uint8Array(252))).toThrow(FrameError);
    expect(encodeCommand(0, 1, new Uint8Array(251))).toHaveLength(256);
  });
});

describe('Chafon stream decoding', () => {
  const frames = [bytes(RESP_TAGS_1), fromHex(RESP_MULTIPLE_TAGS), encodeResponse(0, 0x21, 0, [9, 9])];
  const all = concat(frames);

  it('decodes frames split at every byte boundary, and fed one byte at a time', () => {
    for (let k = 0; k <= all.length; k++) {
      const d = new ChafonDecoder();
      const out = feed(d, [all.slice(0, k), all.slice(k)]);
      expect(out.map((f) => hex(isError(f) ? f.bytes : f.raw))).toEqual(frames.map(hex));
      expect(d.pending).toBe(0);
    }
    expect(feed(new ChafonDecoder(), [...all].map((b) => Uint8Array.of(b))).map((f) => (isError(f) ? f.code : f.kind))).toEqual(['inventory', 'inventory', 'response']);
  });

  it('decodes two frames in one chunk', () => {
    expect(summary(new ChafonDecoder().push(concat(frames.slice(0, 2))))).toEqual(['inventory', 'inventory']);
  });

  it('skips leading junk that cannot be a Len at once', () => {
    expect(summary(new ChafonDecoder().push(concat([bytes('00 03 01 02'), frames[0]!])))).toEqual([['JUNK', '00030102'], 'inventory']);
  });

  it('holds frames behind a junk byte read as a long Len until flush()', () => {
    const d = new ChafonDecoder();
    expect(d.push(concat([bytes('C8'), frames[0]!]))).toEqual([]);
    expect(d.pending).toBe(21);
    expect(summary(d.flush())).toEqual([['BAD_LENGTH', 'C8'], 'inventory']);
    expect(d.pending).toBe(0);
  });

  it('reports a bad CRC as BAD_CHECKSUM and still decodes the next frames (resync)', () => {
    const broken = bytes(RESP_TAGS_1);
    broken[10] ^= 0x40;
    const next = Array.from({ length: 8 }, () => frames[1]!);
    const out = new ChafonDecoder().push(concat([broken, ...next]));
    expect(summary(out)).toEqual([['BAD_CHECKSUM', hex(broken)], ...next.map(() => 'inventory')]);
  });

  it('after a bad CRC with little traffic behind it, flush() resyncs (bytes inside it read as long Lens wait)', () => {
    const broken = bytes(RESP_TAGS_1);
    broken[19] ^= 0x01;
    const d = new ChafonDecoder();
    const before = d.push(concat([broken, frames[1]!]));
    expect(before[0]).toMatchObject({ code: 'BAD_CHECKSUM' });
    expect(d.pending).toBeGreaterThan(0); // 0x3F (the CRC byte) read as a Len waits for 64 bytes
    const out = [...before, ...d.flush()];
    expect(framesOf(out).map((f) => hex(f.raw))).toEqual([hex(frames[1]!)]);
    expect(hex(replay(out))).toBe(hex(concat([broken, frames[1]!])));
  });

  it('answers a non-byte chunk with a FrameError instead of throwing', () => {
    expect(new ChafonDecoder().push([4, 0xff] as unknown as Uint8Array)[0]).toBeInstanceOf(FrameError);
  });
});

const response = fc
  .record({ adr: fc.integer({ min: 0, max: 0xff }), status: fc.integer({ min: 0, max: 0xff }), epcs: fc.array(fc.uint8Array({ minLength: 0, maxLength: 20 }), { maxLength: 6 }), other: fc.option(fc.uint8Array({ maxLength: 30 })) })
  .map(({ adr, status, epcs, other }) =>
    other === null ? encodeResponse(adr, 0x01, status, epcs.length ? [epcs.length, ...epcs.flatMap((e) => [e.length, ...e])] : []) : encodeResponse(adr, 0x22, status, other),
  );
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('Chafon fuzzing (fast-check)', () => {
  it('arbitrary bytes in arbitrary chunks: push() never throws, every byte comes back once, chunking does not matter', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, (input, at) => {
        const d = new ChafonDecoder();
        const out = feed(d, cut(input, at));
        expect(d.pending).toBeLessThan(256);
        const all = [...out, ...d.flush()];
        expect(hex(replay(all))).toBe(hex(input));
        const whole = new ChafonDecoder();
        const once = [...whole.push(input), ...whole.flush()];
        expect(framesOf(all).map((f) => hex(f.raw))).toEqual(framesOf(once).map((f) => hex(f.raw)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('valid frames in junk that cannot start a frame (bytes 0–4) and random chunks are all recovered, in order', () => {
    const junk = fc.uint8Array({ maxLength: 12, max: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(junk, response), { minLength: 1, maxLength: 20 }), junk, cuts, fc.boolean(), (pairs, tail, at, whole) => {
        const input = concat([...pairs.flatMap(([j, f]) => [j, f]), tail]);
        const d = new ChafonDecoder();
        const out = feed(d, whole ? [input] : cut(input, at));
        expect(framesOf(out).map((f) => hex(f.raw))).toEqual(pairs.map(([, f]) => hex(f)));
        expect(out.filter(isError).every((e) => e.code === 'JUNK')).toBe(true);
        expect(d.pending).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('valid frames after arbitrary junk are recovered by flush() (CRC-16 false positives aside)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 12 }), response), { minLength: 1, maxLength: 6 }), cuts, (pairs, at) => {
        const input = concat(pairs.flatMap(([j, f]) => [j, f]));
        const d = new ChafonDecoder();
        const got = [...feed(d, cut(input, at)), ...d.flush()];
        // Junk can swallow a frame only by a CRC match (p ≈ 2^-16 per try); the fixed seed has none.
        expect(framesOf(got).map((f) => hex(f.raw))).toEqual(pairs.map(([, f]) => hex(f)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
