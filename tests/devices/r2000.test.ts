// R2000 0xA0 codec (devices.md §1.1): the golden frames of the reference, encoders, resync after
// junk and bad checksums, and property-based fuzzing of the stream decoder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError, hex } from '../../devices/codec.js';
import {
  Cmd,
  R2000CommandDecoder,
  R2000Decoder,
  customizedSessionInventory,
  decodeR2000Frame,
  encodeFrame,
  getFirmwareVersion,
  getInventoryBuffer,
  getOutputPower,
  getWorkAntenna,
  realTimeInventory,
  reset,
  setBeeperMode,
  setOutputPower,
  setWorkAntenna,
  type R2000Frame,
} from '../../devices/r2000/protocol.js';

const bytes = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((x) => parseInt(x, 16)));
const spaced = (b: Uint8Array) => hex(b).replace(/(..)(?!$)/g, '$1 ');
const isError = (x: unknown): x is FrameError => x instanceof FrameError;
const framesOf = <F>(out: (F | FrameError)[]) => out.filter((x): x is F => !isError(x));
const SEED = 20261128;

// devices.md §1.1 sample frames, copied exactly.
const RTI_01_FF = 'A0 04 01 89 FF D3';
const RTI_FF_01 = 'A0 04 FF 89 01 D3';
const RESET_01 = 'A0 03 01 70 EC';
const TAG = 'A0 13 01 89 0C 30 00 33 15 A5 37 C8 00 04 40 00 0F 42 41 4C 79';
const ROUND_END = 'A0 0A 01 89 00 00 1E 00 00 00 2A 84';
const CAPTURED_90 = 'A0 19 01 90 00 01 10 30 00 E2 00 30 98 88 19 00 72 21 40 36 9E 4D D4 5B B4 6D E6';
const CAPTURED_ERROR = 'A0 04 01 90 38 93';
const ANSWERS = [TAG, ROUND_END, CAPTURED_90, CAPTURED_ERROR].map(bytes);

function feed<F>(decoder: { push(c: Uint8Array): (F | FrameError)[] }, chunks: Uint8Array[]): (F | FrameError)[] {
  return chunks.flatMap((c) => decoder.push(c));
}
function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}
/** Cuts `b` at the given offsets (any numbers; taken modulo the length, sorted, deduplicated). */
function cut(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (b.length ? c % (b.length + 1) : 0)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, b.length]) {
    out.push(b.slice(prev, c));
    prev = c;
  }
  return out;
}
/** What the decoder handed back, byte for byte, in order: frames' raw bytes and errors' bytes. */
const replay = (out: (R2000Frame | FrameError)[]) => concat(out.map((x) => (isError(x) ? x.bytes : x.raw)));

describe('R2000 golden frames (devices.md §1.1)', () => {
  it('encodes cmd_real_time_inventory and cmd_reset exactly as the samples', () => {
    expect(spaced(realTimeInventory(0xff, 0x01))).toBe(RTI_01_FF);
    expect(spaced(realTimeInventory(0x01, 0xff))).toBe(RTI_FF_01);
    expect(spaced(reset(0x01))).toBe(RESET_01);
  });

  it('decodes the command samples on the host → reader side', () => {
    const out = feed(new R2000CommandDecoder(), [bytes(`${RTI_01_FF} ${RTI_FF_01} ${RESET_01}`)]);
    expect(out.map((c) => (isError(c) ? c.code : [c.address, c.cmd, c.name, [...c.data]]))).toEqual([
      [0x01, 0x89, 'realTimeInventory', [0xff]],
      [0xff, 0x89, 'realTimeInventory', [0x01]],
      [0x01, 0x70, 'reset', []],
    ]);
  });

  it('decodes the synthetic GRAI-96 tag response to the documented values', () => {
    const f = decodeR2000Frame(bytes(TAG));
    expect(f).toMatchObject({ kind: 'tag', address: 0x01, cmd: 0x89, antenna: 1, freqIndex: 3, pc: 0x3000, epc: '3315A537C8000440000F4241', rssiDbm: -53 });
    if (isError(f) || f.kind !== 'tag') throw new Error('not a tag');
    expect(f.grai).toMatchObject({ grai: '069012340001771000001', pureUri: 'urn:epc:id:grai:6901234.00017.1000001' });
    expect(spaced(f.raw)).toBe(TAG);
  });

  it('decodes the end-of-round frame: readRate 30, totalRead 42', () => {
    expect(decodeR2000Frame(bytes(ROUND_END))).toMatchObject({ kind: 'roundEnd', address: 1, antId: 0, readRate: 30, totalRead: 42 });
  });

  it('decodes the captured 0x90 buffer record (checksum OK; the tag CRC checks too)', () => {
    expect(decodeR2000Frame(bytes(CAPTURED_90))).toMatchObject({
      kind: 'bufferTag',
      cmd: 0x90,
      tagCount: 1,
      pc: 0x3000,
      epc: 'E2003098881900722140369E',
      epcCrc: 0x4dd4,
      epcCrcOk: true,
      rssiDbm: 0x5b - 129,
      antenna: 1,
      freqIndex: 0xb4 >> 2,
      inventoryCount: 0x6d,
    });
    const f = decodeR2000Frame(bytes(CAPTURED_90));
    expect(!isError(f) && f.kind === 'bufferTag' && f.grai).toBe(undefined); // an E2… TID-like EPC, not GRAI-96
  });

  it('decodes the captured error frame: code 0x38, buffer is empty', () => {
    expect(decodeR2000Frame(bytes(CAPTURED_ERROR))).toMatchObject({ kind: 'error', cmd: 0x90, code: 0x38, meaning: 'buffer is empty' });
  });

  it('refuses the §7.1 inter-byte-timeout burst a00401890001d1: Len 04 does not fit its 7 bytes', () => {
    const out = feed(new R2000Decoder(), [Uint8Array.from(Buffer.from('a00401890001d1', 'hex'))]);
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_CHECKSUM', 'A00401890001D1']]);
  });
});

describe('R2000 encoders', () => {
  const cases: [Uint8Array, number, number[]][] = [
    [getFirmwareVersion(0x01), Cmd.getFirmwareVersion, []],
    [setWorkAntenna(1), Cmd.setWorkAntenna, [0]],
    [setWorkAntenna(4, 0x05), Cmd.setWorkAntenna, [3]],
    [getWorkAntenna(), Cmd.getWorkAntenna, []],
    [setOutputPower(30), Cmd.setOutputPower, [30]],
    [setOutputPower([20, 21, 22, 33]), Cmd.setOutputPower, [20, 21, 22, 33]],
    [getOutputPower(), Cmd.getOutputPower, []],
    [setBeeperMode(0), Cmd.setBeeperMode, [0]],
    [customizedSessionInventory({ session: 1, target: 'B', repeat: 2 }), Cmd.customizedSessionTargetInventory, [1, 1, 2]],
    [getInventoryBuffer(), Cmd.getInventoryBuffer, []],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('command %i round-trips through the command decoder', (_i, frame, cmd, data) => {
    const [c, ...rest] = feed(new R2000CommandDecoder(), [frame]);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'command', cmd, data: Uint8Array.from(data), raw: frame });
  });

  it('refuses bad arguments with a FrameError, never another error', () => {
    for (const f of [() => setWorkAntenna(0), () => setWorkAntenna(5), () => realTimeInventory(256), () => setOutputPower(34), () => setOutputPower([1, 2]), () => encodeFrame(0x100, 0x89), () => encodeFrame(1, 0x89, new Uint8Array(253)), () => customizedSessionInventory({ session: 4 })]) {
      expect(f).toThrow(FrameError);
    }
    expect(encodeFrame(1, 0x7b, new Uint8Array(252))).toHaveLength(257);
  });

  it('decodes acks, status errors, firmware and work antenna answers', () => {
    const one = (cmd: number, data: number[]) => decodeR2000Frame(encodeFrame(1, cmd, data));
    expect(one(Cmd.setWorkAntenna, [0x10])).toMatchObject({ kind: 'ack', cmd: Cmd.setWorkAntenna });
    expect(one(Cmd.setWorkAntenna, [0x47])).toMatchObject({ kind: 'error', code: 0x47, meaning: 'invalid parameter: antenna id out of range' });
    expect(one(Cmd.realTimeInventory, [0x22, 0x22])).toMatchObject({ kind: 'error', code: 0x22, meaning: 'antenna missing', antenna: 3 });
    expect(one(Cmd.realTimeInventory, [0x99])).toMatchObject({ kind: 'error', code: 0x99, meaning: 'unknown status 0x99' });
    expect(one(Cmd.getFirmwareVersion, [1, 7])).toMatchObject({ kind: 'firmware', major: 1, minor: 7 });
    expect(one(Cmd.getWorkAntenna, [2])).toMatchObject({ kind: 'workAntenna', antenna: 3 });
    expect(one(Cmd.getOutputPower, [0x1e])).toMatchObject({ kind: 'response', data: Uint8Array.of(0x1e) });
    expect(one(0x7b, [1, 35])).toMatchObject({ kind: 'response', cmd: 0x7b, data: Uint8Array.of(1, 35) });
  });

  it('refuses a tag frame whose PC length disagrees with its size as BAD_FRAME, keeping its bytes', () => {
    const f = encodeFrame(1, 0x89, [0x0c, 0x30, 0x00, 1, 2, 3, 4, 0x4c]); // PC says 12 bytes, 4 came
    const out = feed(new R2000Decoder(), [f, bytes(ROUND_END)]);
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_FRAME', hex(f)], 'roundEnd']);
  });
});

describe('R2000 stream decoding', () => {
  const all = concat(ANSWERS);
  const expected = ANSWERS.map(hex);

  it('decodes a frame split at every byte boundary, and fed one byte at a time', () => {
    for (let k = 0; k <= all.length; k++) {
      const d = new R2000Decoder();
      const out = feed(d, [all.slice(0, k), all.slice(k)]);
      expect(out.map((f) => hex(isError(f) ? f.bytes : f.raw))).toEqual(expected);
      expect(d.pending).toBe(0);
    }
    const d = new R2000Decoder();
    expect(feed(d, [...all].map((b) => Uint8Array.of(b))).map((f) => (isError(f) ? f.code : f.kind))).toEqual(['tag', 'roundEnd', 'bufferTag', 'error']);
  });

  it('decodes two frames in one chunk and holds a partial third', () => {
    const d = new R2000Decoder();
    const out = d.push(concat([bytes(TAG), bytes(ROUND_END), bytes(TAG).slice(0, 5)]));
    expect(out.map((f) => (isError(f) ? f.code : f.kind))).toEqual(['tag', 'roundEnd']);
    expect(d.pending).toBe(5);
    expect(d.push(bytes(TAG).slice(5)).map((f) => (isError(f) ? f.code : f.kind))).toEqual(['tag']);
  });

  it('decodes 200 frames pushed as one chunk', () => {
    const many = concat(Array.from({ length: 100 }, () => concat([bytes(TAG), bytes(ROUND_END)])));
    const out = new R2000Decoder().push(many);
    expect(framesOf(out)).toHaveLength(200);
    expect(out.filter(isError)).toEqual([]);
  });

  it('skips leading junk as one JUNK error with its bytes', () => {
    const out = new R2000Decoder().push(concat([bytes('FF 00 13 89'), bytes(TAG)]));
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['JUNK', 'FF001389'], 'tag']);
  });

  it('reports a bad checksum as BAD_CHECKSUM and still decodes the next frame (resync)', () => {
    const broken = bytes(ROUND_END);
    broken[broken.length - 1] ^= 0x01;
    const out = new R2000Decoder().push(concat([broken, bytes(TAG)]));
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_CHECKSUM', hex(broken)], 'tag']);
  });

  it('resyncs on a stray 0xA0 inside junk whose Len runs into the next frame', () => {
    // A0 05 … claims 7 bytes, which take in the head of the tag frame; the sum fails, so skip the
    // stray A0 only, then the junk up to the real head.
    const out = new R2000Decoder().push(concat([bytes('A0 05 01'), bytes(TAG)]));
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_CHECKSUM', 'A00501'], 'tag']);
  });

  it('refuses Len below 3 as BAD_LENGTH', () => {
    const out = new R2000Decoder().push(concat([bytes('A0 02 FF'), bytes(ROUND_END)]));
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_LENGTH', 'A002FF'], 'roundEnd']);
  });

  it('flush() gives up on a frame that will not complete and decodes what follows its head', () => {
    const d = new R2000Decoder();
    expect(d.push(concat([bytes('A0 FE 01 89'), bytes(ROUND_END)]))).toEqual([]);
    expect(d.pending).toBe(4 + 12);
    const out = d.flush();
    expect(out.map((x) => (isError(x) ? [x.code, hex(x.bytes)] : x.kind))).toEqual([['BAD_LENGTH', 'A0FE0189'], 'roundEnd']);
    expect(d.pending).toBe(0);
  });

  it('answers a non-byte chunk with a FrameError instead of throwing', () => {
    expect(new R2000Decoder().push('A0' as unknown as Uint8Array)[0]).toBeInstanceOf(FrameError);
  });
});

// A valid reader answer: a tag (any EPC length the PC allows), a round end, or a status byte.
const answerFrame = fc.oneof(
  fc
    .record({ address: fc.integer({ min: 0, max: 0xff }), freqAnt: fc.integer({ min: 0, max: 0xff }), words: fc.integer({ min: 0, max: 31 }), pcLow: fc.integer({ min: 0, max: 0x7ff }), rssi: fc.integer({ min: 0, max: 0xff }), seed: fc.uint8Array({ minLength: 62, maxLength: 62 }) })
    .map(({ address, freqAnt, words, pcLow, rssi, seed }) => {
      const pc = (words << 11) | pcLow;
      return encodeFrame(address, Cmd.realTimeInventory, [freqAnt, pc >> 8, pc & 0xff, ...seed.slice(0, 2 * words), rssi]);
    }),
  fc.record({ address: fc.integer({ min: 0, max: 0xff }), data: fc.uint8Array({ minLength: 7, maxLength: 7 }) }).map(({ address, data }) => encodeFrame(address, Cmd.realTimeInventory, data)),
  fc.record({ cmd: fc.constantFrom(0x74, 0x76, 0x89, 0x90), code: fc.integer({ min: 0, max: 0xff }) }).map(({ cmd, code }) => encodeFrame(1, cmd, [code])),
  fc.record({ cmd: fc.integer({ min: 0, max: 0xff }), data: fc.uint8Array({ maxLength: 40 }) }).map(({ cmd, data }) => encodeFrame(1, cmd, data)),
);
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('R2000 fuzzing (fast-check)', () => {
  it('arbitrary bytes in arbitrary chunks: push() never throws, every byte comes back once, chunking does not matter', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, fc.boolean(), (input, at, biased) => {
        // Biased inputs sprinkle 0xA0 heads with small Lens, so that frames are tried often.
        const b = biased ? input.map((x, i) => (i % 7 === 0 ? 0xa0 : i % 7 === 1 ? x & 0x0f : x)) : input;
        const d = new R2000Decoder();
        const out = feed(d, cut(b, at));
        const held = d.pending;
        const all = [...out, ...d.flush()];
        expect(held).toBeLessThan(257);
        expect(hex(replay(all))).toBe(hex(b));
        const whole = new R2000Decoder();
        const once = [...whole.push(b), ...whole.flush()];
        expect(framesOf(all).map((f) => hex(f.raw))).toEqual(framesOf(once).map((f) => hex(f.raw)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('valid frames in random junk (without 0xA0) and random chunks are all recovered, in order', () => {
    const junk = fc.uint8Array({ maxLength: 20 }).map((j) => j.map((x) => (x === 0xa0 ? 0x0a : x)));
    fc.assert(
      fc.property(fc.array(fc.tuple(junk, answerFrame), { minLength: 1, maxLength: 20 }), junk, cuts, fc.boolean(), (pairs, tail, at, whole) => {
        const input = concat([...pairs.flatMap(([j, f]) => [j, f]), tail]);
        const d = new R2000Decoder();
        const out = feed(d, whole ? [input] : cut(input, at));
        // Every frame comes back whole, in order: decoded, or as BAD_FRAME when random data
        // breaks its command's layout (e.g. a 0x90 answer); nothing else but the junk.
        const items = out.filter((x) => !(isError(x) && x.code === 'JUNK'));
        expect(items.map((x) => hex(isError(x) ? x.bytes : x.raw))).toEqual(pairs.map(([, f]) => hex(f)));
        expect(items.every((x) => !isError(x) || x.code === 'BAD_FRAME')).toBe(true);
        expect(hex(replay(out))).toBe(hex(input));
        expect(d.pending).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('tag frames round-trip: encoded fields come back decoded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 31 }), fc.uint8Array({ minLength: 0, maxLength: 62 }), fc.integer({ min: 0, max: 0xff }), (freqAnt, words, seed, rssi) => {
        const epc = Uint8Array.from({ length: 2 * words }, (_, i) => seed[i] ?? i);
        const pc = words << 11;
        const f = decodeR2000Frame(encodeFrame(0x01, Cmd.realTimeInventory, [freqAnt, pc >> 8, pc & 0xff, ...epc, rssi]));
        expect(f).toMatchObject({ kind: 'tag', antenna: (freqAnt & 3) + 1, freqIndex: freqAnt >> 2, pc, epc: hex(epc), rssiDbm: rssi - 129 });
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
