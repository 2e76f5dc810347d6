// Line reader for HF readers and QR scanners (devices.md §2, §3.3, §7.1): terminators across
// chunks, trimming, the length limit, classification (UID, EPC, Digital Link, text), fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import { LineDecoder, classifyLine, type LineFrame } from '../../devices/line/protocol.js';

const isError = (x: unknown): x is FrameError => x instanceof FrameError;
const framesOf = (out: (LineFrame | FrameError)[]) => out.filter((x): x is LineFrame => !isError(x));
const enc = (s: string) => new TextEncoder().encode(s);
const feed = (d: LineDecoder, chunks: (string | Uint8Array)[]) => chunks.flatMap((c) => d.push(typeof c === 'string' ? enc(c) : c));
const texts = (out: (LineFrame | FrameError)[]) => out.map((x) => (isError(x) ? x.code : x.text));
const SEED = 20261128;

const DL = 'https://id.example.cn/8003/069012340001771000001'; // devices.md §3.3 example (check digit 7)
const DRUM_EPC = '3315A537C8000440000F4241'; // devices.md §3.2 GRAI-96 worked example

describe('line splitting', () => {
  it('splits the §7.1 SerialPortMock sample, cut mid-line, into its two lines', () => {
    const out = feed(new LineDecoder(), ['E0040150A1B2C3D4\r\nE004015', '0A1B2C3D5\r\n']);
    expect(out.map((x) => (isError(x) ? x.code : [x.kind, x.text]))).toEqual([
      ['uid', 'E0040150A1B2C3D4'],
      ['uid', 'E0040150A1B2C3D5'],
    ]);
  });

  it('ends lines at CR, LF or CRLF, and a CR at a chunk end plus an LF next is one terminator', () => {
    expect(texts(feed(new LineDecoder(), ['a\rb\nc\r\nd\r', '\ne\n\rf\r']))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const d = new LineDecoder();
    expect(texts(d.push(enc('525C1FA3\r')))).toEqual(['525C1FA3']);
    expect(d.push(enc('\n'))).toEqual([]); // no blank line, no error
    expect(texts(d.push(enc('\nA31F5C52\n')))).toEqual(['A31F5C52']); // a second LF is a blank line: dropped
  });

  it('reads the Parallax framing, LF + 10 hex digits + CR (§2)', () => {
    const out = feed(new LineDecoder(), [Uint8Array.of(0x0a, ...enc('0415AB2C3D'), 0x0d), Uint8Array.of(0x0a, ...enc('0415AB2C3E'), 0x0d)]);
    expect(out.map((x) => (isError(x) ? x.code : [x.kind, x.text]))).toEqual([
      ['uid', '0415AB2C3D'],
      ['uid', '0415AB2C3E'],
    ]);
  });

  it('trims whitespace and STX/ETX around a line, keeps the raw bytes', () => {
    const [f] = new LineDecoder().push(enc('\x02  525c1fa3 \t\x03\r\n'));
    expect(f).toMatchObject({ kind: 'uid', text: '525c1fa3', uid: '525C1FA3', raw: enc('\x02  525c1fa3 \t\x03') });
  });

  it('refuses an over-long line with BAD_LENGTH, drops it to its end, and reads the next line', () => {
    const d = new LineDecoder({ maxLength: 16 });
    const out = feed(d, ['0123456789ABCDEF', 'GHIJKLMNOP', 'QRSTUV\r\n', '525C1FA3\n']);
    expect(out.map((x) => (isError(x) ? [x.code, new TextDecoder().decode(x.bytes)] : x.text))).toEqual([
      ['BAD_LENGTH', '0123456789ABCDEFG'],
      ['BAD_LENGTH', 'HIJKLMNOP'],
      ['BAD_LENGTH', 'QRSTUV'],
      '525C1FA3',
    ]);
    expect(d.pending).toBe(0);
    expect(texts(new LineDecoder({ maxLength: 16 }).push(enc('0123456789ABCDEF\n')))).toEqual(['0123456789ABCDEF']);
  });

  it('flush() hands over a line without terminator (a scanner set up without a suffix)', () => {
    const d = new LineDecoder();
    expect(d.push(enc(DL))).toEqual([]);
    expect(d.pending).toBe(DL.length);
    expect(d.flush()).toMatchObject([{ kind: 'digitalLink', text: DL }]);
    expect(d.pending).toBe(0);
  });

  it('decodes UTF-8 text, and shows broken bytes as U+FFFD without stopping', () => {
    expect(texts(new LineDecoder().push(enc('危废 HW49\r\n')))).toEqual(['危废 HW49']);
    expect(texts(new LineDecoder().push(Uint8Array.of(0x41, 0xff, 0x42, 0x0a)))).toEqual(['A\uFFFDB']);
  });

  it('answers a non-byte chunk with a FrameError instead of throwing', () => {
    expect(new LineDecoder().push('x\n' as unknown as Uint8Array)[0]).toBeInstanceOf(FrameError);
  });
});

describe('line classification', () => {
  it('reads HF UIDs in the four formats of the §2 worked example (UID 52 5C 1F A3)', () => {
    expect(classifyLine('525C1FA3')).toMatchObject({ kind: 'uid', uid: '525C1FA3' });
    expect(classifyLine('A31F5C52', { uidFormat: 'hex-reversed' })).toMatchObject({ kind: 'uid', uid: '525C1FA3' });
    expect(classifyLine('1381769123', { uidFormat: 'decimal' })).toMatchObject({ kind: 'uid', uid: '525C1FA3' });
    expect(classifyLine('2736741458', { uidFormat: 'decimal-reversed' })).toMatchObject({ kind: 'uid', uid: '525C1FA3' });
    expect(classifyLine('E0040150A1B2C3D4')).toMatchObject({ kind: 'uid', uid: 'E0040150A1B2C3D4' }); // ISO 15693, 8 bytes
    expect(classifyLine('4294967296', { uidFormat: 'decimal' })).toMatchObject({ kind: 'text' }); // > 32 bits
    expect(classifyLine('18446744073709551615', { uidFormat: 'decimal', uidBytes: 8 })).toMatchObject({ kind: 'uid', uid: 'FFFFFFFFFFFFFFFF' });
    expect(classifyLine('525C1F')).toMatchObject({ kind: 'text' }); // 3 bytes: too short for a UID
    expect(classifyLine('525C1FA')).toMatchObject({ kind: 'text' }); // odd
  });

  it('reads a 24-hex-digit UHF EPC, with its GRAI when it is a GRAI-96', () => {
    expect(classifyLine(DRUM_EPC.toLowerCase())).toMatchObject({ kind: 'epc', epc: DRUM_EPC, grai: { grai: '069012340001771000001' } });
    for (const other of ['3074257BF7194E4000001A85', 'E2003098881900722140369E', '33FFFFFFFFFFFFFFFFFFFFFF']) {
      const c = classifyLine(other);
      expect(c).toMatchObject({ kind: 'epc', epc: other });
      expect('grai' in c).toBe(false);
    }
  });

  it('reads a GS1 Digital Link URL (§3.3) and says why a broken one is not', () => {
    expect(classifyLine(DL)).toMatchObject({ kind: 'digitalLink', text: DL, grai: { grai: '069012340001771000001', checkDigit: 7, serial: '1000001' } });
    expect(classifyLine(`${DL}?linkType=gs1:pip`)).toMatchObject({ kind: 'digitalLink' });
    expect(classifyLine('HTTPS://ID.EXAMPLE.CN/8003/069012340001771000001')).toMatchObject({ kind: 'digitalLink' });
    expect(classifyLine('https://id.example.cn/8003/069012340001781000001')).toMatchObject({ kind: 'text', problem: expect.stringContaining('check digit') });
    expect(classifyLine('https://id.example.cn/8004/6901234202611280001')).toEqual({ kind: 'text', text: 'https://id.example.cn/8004/6901234202611280001' });
  });

  it('leaves anything else as text', () => {
    expect(classifyLine('浙A·12345')).toEqual({ kind: 'text', text: '浙A·12345' });
  });
});

const lineText = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef :/.-_xyzé危'), minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const terminator = fc.constantFrom('\r', '\n', '\r\n');
const cuts = fc.array(fc.nat(), { maxLength: 12 });
function cut(b: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  return [...points, b.length].map((c, i, all) => b.slice(i === 0 ? 0 : all[i - 1], c));
}

describe('line fuzzing (fast-check)', () => {
  it('arbitrary bytes in arbitrary chunks: push() never throws, and chunking does not change the lines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, fc.integer({ min: 1, max: 64 }), (input, at, maxLength) => {
        const d = new LineDecoder({ maxLength });
        const out = [...cut(input, at).flatMap((c) => d.push(c)), ...d.flush()];
        const whole = new LineDecoder({ maxLength });
        const once = [...whole.push(input), ...whole.flush()];
        expect(framesOf(out).map((f) => [f.kind, f.text])).toEqual(framesOf(once).map((f) => [f.kind, f.text]));
        expect(d.pending).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('lines with any terminators, in random chunks, all come back trimmed and in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lineText, terminator), { minLength: 1, maxLength: 20 }), cuts, (lines, at) => {
        const input = enc(lines.map(([t, end]) => t + end).join(''));
        const d = new LineDecoder();
        const out = cut(input, at).flatMap((c) => d.push(c));
        expect(out.filter(isError)).toEqual([]);
        expect(texts(out)).toEqual(lines.map(([t]) => t.trim()));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
