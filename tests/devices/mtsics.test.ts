// MT-SICS (devices.md §4.5): commands and replies as CRLF lines, every reply the reference lists,
// round trips, chunking, junk, broken and over-long lines, fast-check fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import {
  COMMANDS,
  MAX_LINE,
  createMtSicsDecoder,
  decodeCommand,
  decodeReply,
  encodeCommand,
  encodeReply,
  unquote,
  type MtSicsReply,
  type MtSicsReplyFields,
} from '../../devices/mtsics/protocol.js';
import { cat, feed, framesOf, errorsOf, chunked, accounted } from './stream-helpers.js';

const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const fields = ({ raw: _raw, ...rest }: MtSicsReply) => rest;
const RUNS = { seed: 20261128, numRuns: 500 };

describe('MT-SICS commands (§4.5)', () => {
  it('encodes each command as ASCII + CRLF and reads it back', () => {
    for (const c of COMMANDS) {
      expect(encodeCommand(c)).toEqual(text(`${c}\r\n`));
      expect(decodeCommand(encodeCommand(c))).toBe(c);
    }
    expect(encodeCommand('SI')).toEqual(Uint8Array.of(0x53, 0x49, 0x0d, 0x0a));
    expect(() => encodeCommand('XYZ' as never)).toThrow(FrameError);
    expect(() => decodeCommand(text('S S 1 kg\r\n'))).toThrow(FrameError);
  });
});

describe('MT-SICS replies (§4.5)', () => {
  it.each([
    ['S S      12.34 kg', { kind: 'weight', id: 'S', stable: true, weight: '12.34', unit: 'kg' }],
    ['S D      12.34 kg', { kind: 'weight', id: 'S', stable: false, weight: '12.34', unit: 'kg' }],
    ['S S      -0.02 g', { kind: 'weight', id: 'S', stable: true, weight: '-0.02', unit: 'g' }],
    ['S S  15600 kg', { kind: 'weight', id: 'S', stable: true, weight: '15600', unit: 'kg' }],
    ['S I', { kind: 'status', id: 'S', status: 'I', args: [] }],
    ['S +', { kind: 'status', id: 'S', status: '+', args: [] }],
    ['S -', { kind: 'status', id: 'S', status: '-', args: [] }],
    ['ES', { kind: 'error', code: 'ES' }],
    ['ET', { kind: 'error', code: 'ET' }],
    ['EL', { kind: 'error', code: 'EL' }],
    ['Z A', { kind: 'status', id: 'Z', status: 'A', args: [] }],
    ['ZI D', { kind: 'status', id: 'ZI', status: 'D', args: [] }],
    ['I4 A "B021002593"', { kind: 'status', id: 'I4', status: 'A', args: ['"B021002593"'] }],
    ['I2 A "XS205DU Excellence 220.0090 g"', { kind: 'status', id: 'I2', status: 'A', args: ['"XS205DU Excellence 220.0090 g"'] }],
  ] as const)('decodes %j', (line, expected) => {
    const raw = text(`${line}\r\n`);
    const reply = decodeReply(raw);
    expect(fields(reply)).toEqual(expected);
    expect(reply.raw).toEqual(raw);
  });

  it('encodes the weight right-aligned in 10 characters, as §4.5 shows it', () => {
    expect(encodeReply({ kind: 'weight', id: 'S', stable: true, weight: '12.34', unit: 'kg' })).toEqual(text('S S      12.34 kg\r\n'));
    expect(encodeReply({ kind: 'error', code: 'EL' })).toEqual(text('EL\r\n'));
    expect(unquote('"B021002593"')).toBe('B021002593');
  });

  it('refuses lines that are not replies', () => {
    for (const line of ['12.34 kg', 'S', 'S X 1 kg', 's S 1 kg', 'I4 A "open', 'S S\t1 kg', 'ES ES']) {
      expect(() => decodeReply(text(`${line}\r\n`)), line).toThrow(expect.objectContaining({ code: 'BAD_FRAME' }));
    }
  });

  const arbId = fc.constantFrom('S', 'SI', 'Z', 'ZI', 'T', 'I0', 'I4', '@');
  const arbArg = fc.oneof(
    fc.stringMatching(/^[!#-~]{1,12}$/),
    fc.stringMatching(/^[ !#-~]{0,20}$/).map((s) => `"${s}"`),
  );
  const arbReply: fc.Arbitrary<MtSicsReplyFields> = fc.oneof(
    fc.record({
      kind: fc.constant('weight' as const),
      id: arbId,
      stable: fc.boolean(),
      weight: fc.stringMatching(/^-?\d{1,7}(\.\d{1,4})?$/),
      unit: fc.constantFrom('kg', 'g', 't', 'lb'),
    }),
    fc.record({
      kind: fc.constant('status' as const),
      id: arbId,
      status: fc.constantFrom('A' as const, 'B' as const, 'I' as const, '+' as const, '-' as const, 'L' as const),
      args: fc.array(arbArg, { maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant('error' as const), code: fc.constantFrom('ES' as const, 'ET' as const, 'EL' as const) }),
  );

  it('round trips generated replies', () => {
    fc.assert(
      fc.property(arbReply, (reply) => {
        const raw = encodeReply(reply);
        expect(decodeReply(raw)).toEqual({ ...reply, raw });
      }),
      RUNS,
    );
  });

  const transcript = ['S S      12.34 kg', 'S D      12.36 kg', 'S +', 'ES', 'I4 A "B021002593"'].map((l) => text(`${l}\r\n`));

  it('decodes a transcript split at every byte boundary', () => {
    const all = cat(...transcript);
    for (let i = 1; i < all.length; i++) {
      const d = createMtSicsDecoder();
      const out = [...d.push(all.slice(0, i)), ...d.push(all.slice(i))];
      expect(out.map((r) => (r as MtSicsReply).raw)).toEqual(transcript);
      expect(d.pending).toBe(0);
    }
  });

  it('decodes two lines in one chunk and holds a partial third', () => {
    const d = createMtSicsDecoder();
    const out = d.push(text('S S      12.34 kg\r\nS I\r\nS S   '));
    expect(out.map((r) => (r as MtSicsReply).kind)).toEqual(['weight', 'status']);
    expect(d.pending).toBe(6);
    expect(d.push(text('   12.35 kg\r\n'))).toMatchObject([{ kind: 'weight', weight: '12.35' }]);
  });

  it('skips a leading junk line and blank lines, then resyncs', () => {
    const d = createMtSicsDecoder();
    const out = d.push(cat(Uint8Array.of(0xff, 0x00, 0x13), text('\r\n\r\nS S      12.34 kg\r\n')));
    expect(errorsOf(out).map((e) => e.code)).toEqual(['BAD_FRAME', 'JUNK']);
    expect(framesOf(out).map((r) => fields(r))).toEqual([{ kind: 'weight', id: 'S', stable: true, weight: '12.34', unit: 'kg' }]);
  });

  it('reads LF-only line ends too', () => {
    expect(createMtSicsDecoder().push(text('S S 1.0 kg\nS I\n')).map((r) => (r as MtSicsReply).kind)).toEqual(['weight', 'status']);
  });

  it('cuts off an over-long line as BAD_LENGTH and resyncs after its line end', () => {
    const d = createMtSicsDecoder();
    const long = text('S'.repeat(MAX_LINE + 10));
    const out = [...d.push(long), ...d.push(text('SSS\r\nS S      12.34 kg\r\n'))];
    expect(errorsOf(out).map((e) => e.code)).toEqual(['BAD_LENGTH', 'JUNK']);
    expect(framesOf(out)).toHaveLength(1);
    expect(d.pending).toBe(0);
  });

  it('fuzz: arbitrary bytes in arbitrary chunks never throw, every byte accounted for', () => {
    const alphabet = fc.array(fc.constantFrom(...text('SDIAZ+-"E. 0123kg\r\n\r\n'), 0x00, 0xff), { maxLength: 400 });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 1200 }), alphabet.map((a) => Uint8Array.from(a))), fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const d = createMtSicsDecoder();
        const out = feed(d, chunked(data, cuts));
        expect(accounted(out, d.pending)).toBe(data.length);
        expect(d.pending).toBeLessThanOrEqual(MAX_LINE);
      }),
      RUNS,
    );
  });

  it('fuzz: generated replies in random chunkings all decode', () => {
    fc.assert(
      fc.property(fc.array(arbReply, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (replies, cuts) => {
        const d = createMtSicsDecoder();
        const out = feed(d, chunked(cat(...replies.map(encodeReply)), cuts));
        expect(out.map((r) => (r instanceof FrameError ? r.code : fields(r)))).toEqual(replies);
        expect(d.pending).toBe(0);
      }),
      RUNS,
    );
  });
});
