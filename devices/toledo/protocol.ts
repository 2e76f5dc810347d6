// Mettler Toledo continuous output (devices.md §4.4): STX SWA SWB SWC, six displayed-weight
// digits, six tare digits, CR, and a checksum byte unless the indicator is set to send none.
import { FrameError, type Raw, type StreamDecoder } from '../codec.js';
import { digitsToDecimal, toDigits } from '../scale/decimal.js';
import { fixedFrameDecoder } from '../scale/framer.js';

export const STX = 0x02;
export const CR = 0x0d;
export const LENGTH_WITH_CHECKSUM = 18;
export const LENGTH_WITHOUT_CHECKSUM = 17;

/** Every status bit §4.4 documents (parity in bit 7 is masked off; "always 1/0" bits are not checked). */
export interface ToledoStatus {
  /** SWA bits 0-2: 0 XXXX00, 1 XXXXX0, 2 XXXXXX, 3 XXXXX.X … 7 X.XXXXX. */
  pointCode: number;
  /** SWA bits 3-4: increment size ×1, ×2, ×5; undefined for the undocumented code 00. */
  increment?: 1 | 2 | 5;
  /** SWB bit 0: gross 0, net 1. */
  net: boolean;
  /** SWB bit 1. */
  negative: boolean;
  /** SWB bit 2: out of range, over or under. */
  outOfRange: boolean;
  /** SWB bit 3. */
  motion: boolean;
  /** SWB bit 4 (lb 0, kg 1), overridden by SWC bit 0 (grams). */
  unit: 'lb' | 'kg' | 'g';
  /** SWB bit 6. */
  powerUpNotZeroed: boolean;
  /** SWC bit 3. */
  printRequest: boolean;
  /** SWC bit 4: expanded (×10) display. */
  expanded: boolean;
}

export interface ToledoFrame extends Raw, ToledoStatus {
  /** Displayed (gross or net, see `net`) weight, signed, exact, in `unit`: "15600", "-12.34". */
  weight: string;
  /** Tare in `unit`, same decimal point as the weight. */
  tare: string;
  /** Digits after the point (0 for the dummy-zero codes). */
  decimals: number;
  /** One display increment in `unit` ("20", "0.05"), when SWA gives the increment size. */
  division?: string;
  /** SWA, SWB, SWC with bit 7 masked off. */
  status: [number, number, number];
  checksummed: boolean;
}

const mask = (b: number) => b & 0x7f;
const bit = (word: number, n: number) => ((word >> n) & 1) === 1;
const ascii = (b: Uint8Array) => String.fromCharCode(...Array.from(b, mask));
const INCREMENTS = [undefined, 1, 2, 5] as const;

/** §4.4: two's complement of the sum of bits 0-6 of every preceding byte, STX and CR included. */
export function toledoChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += mask(b);
  return -sum & 0x7f;
}

/**
 * Codes 2-7 place a point in the six sent digits. For codes 0 and 1 (XXXX00, XXXXX0) the dummy
 * zeros are taken as not sent, and appended: §4.4 does not say, but a code would be pointless if
 * the six digits already held them.
 */
function placement(pointCode: number) {
  return pointCode < 2 ? { dummyZeros: 2 - pointCode, decimals: 0 } : { dummyZeros: 0, decimals: pointCode - 2 };
}

// Leading zeros may be sent as spaces (§4.4, the 8530 description).
function field(bytes: Uint8Array, what: string, frame: Uint8Array): string {
  const text = ascii(bytes);
  if (!/^ *\d*$/.test(text)) {
    throw new FrameError('BAD_FRAME', `Toledo: ${what} ${JSON.stringify(text)} is not six digits`, new Uint8Array(frame));
  }
  return text.replaceAll(' ', '0');
}

export function decodeToledo(frame: Uint8Array): ToledoFrame {
  const checksummed = frame.length === LENGTH_WITH_CHECKSUM;
  if (!checksummed && frame.length !== LENGTH_WITHOUT_CHECKSUM) {
    throw new FrameError('BAD_LENGTH', `Toledo: a frame is 17 or 18 bytes, got ${frame.length}`, new Uint8Array(frame));
  }
  if (mask(frame[0]!) !== STX || mask(frame[16]!) !== CR) {
    throw new FrameError('BAD_FRAME', 'Toledo: no STX at byte 1 or no CR at byte 17', new Uint8Array(frame));
  }
  const weightDigits = field(frame.subarray(4, 10), 'weight', frame);
  const tareDigits = field(frame.subarray(10, 16), 'tare', frame);
  if (checksummed) {
    const expected = toledoChecksum(frame.subarray(0, 17));
    if (mask(frame[17]!) !== expected) {
      throw new FrameError(
        'BAD_CHECKSUM',
        `Toledo: checksum ${mask(frame[17]!).toString(16)}, computed ${expected.toString(16)}`,
        new Uint8Array(frame),
      );
    }
  }
  const [a, b, c] = [mask(frame[1]!), mask(frame[2]!), mask(frame[3]!)];
  const pointCode = a & 0b111;
  const increment = INCREMENTS[(a >> 3) & 0b11];
  const { dummyZeros, decimals } = placement(pointCode);
  const zeros = '0'.repeat(dummyZeros);
  const negative = bit(b, 1);
  return {
    weight: digitsToDecimal(weightDigits + zeros, decimals, negative),
    tare: digitsToDecimal(tareDigits + zeros, decimals, false),
    decimals,
    ...(increment === undefined ? {} : { increment, division: digitsToDecimal(increment + zeros, decimals, false) }),
    pointCode,
    net: bit(b, 0),
    negative,
    outOfRange: bit(b, 2),
    motion: bit(b, 3),
    unit: bit(c, 0) ? 'g' : bit(b, 4) ? 'kg' : 'lb',
    powerUpNotZeroed: bit(b, 6),
    printRequest: bit(c, 3),
    expanded: bit(c, 4),
    status: [a, b, c],
    checksummed,
    raw: new Uint8Array(frame),
  };
}

/** What an indicator (or the park simulator) puts in a frame; `negative` comes from the weight's sign. */
export type ToledoFields = Omit<ToledoStatus, 'negative'> & { weight: string; tare?: string };

export interface ToledoEncodeOptions {
  /** Append the checksum byte (18-byte frame). Default true. */
  checksum?: boolean;
  /** Send leading zeros as spaces, as some indicators do. Default false. */
  leadingSpaces?: boolean;
}

function encodeDigits(value: string, pointCode: number, what: string, spaces: boolean): string {
  const { dummyZeros, decimals } = placement(pointCode);
  const d = toDigits(value, decimals);
  const cut = d && d.digits.length > dummyZeros ? d.digits.length - dummyZeros : 0;
  const sent = d ? d.digits.slice(0, cut) : '';
  if (!d || !/^0*$/.test(d.digits.slice(cut)) || sent.length > 6) {
    throw new FrameError('BAD_FRAME', `Toledo: ${what} ${JSON.stringify(value)} does not fit point code ${pointCode}`);
  }
  const digits = sent.padStart(6, '0');
  return spaces ? digits.replace(/^0+(?=\d)/, (z) => ' '.repeat(z.length)) : digits;
}

export function encodeToledo(f: ToledoFields, options: ToledoEncodeOptions = {}): Uint8Array {
  if (!Number.isInteger(f.pointCode) || f.pointCode < 0 || f.pointCode > 7) {
    throw new FrameError('BAD_FRAME', `Toledo: point code ${f.pointCode} is not 0-7`);
  }
  if (f.tare?.startsWith('-')) throw new FrameError('BAD_FRAME', 'Toledo: the tare field has no sign');
  const spaces = options.leadingSpaces ?? false;
  const weight = encodeDigits(f.weight, f.pointCode, 'weight', spaces);
  const tare = encodeDigits(f.tare ?? '0', f.pointCode, 'tare', spaces);
  const swa = 0x20 | (INCREMENTS.indexOf(f.increment) << 3) | f.pointCode;
  const swb =
    0x20 |
    (f.net ? 1 : 0) |
    (f.weight.startsWith('-') ? 2 : 0) |
    (f.outOfRange ? 4 : 0) |
    (f.motion ? 8 : 0) |
    (f.unit === 'kg' ? 0x10 : 0) |
    (f.powerUpNotZeroed ? 0x40 : 0);
  const swc = 0x20 | (f.unit === 'g' ? 1 : 0) | (f.printRequest ? 8 : 0) | (f.expanded ? 0x10 : 0);
  const body = new Uint8Array(LENGTH_WITHOUT_CHECKSUM);
  body.set([STX, swa, swb, swc]);
  body.set(Buffer.from(weight + tare, 'latin1'), 4);
  body[16] = CR;
  if (options.checksum === false) return body;
  const frame = new Uint8Array(LENGTH_WITH_CHECKSUM);
  frame.set(body);
  frame[17] = toledoChecksum(body);
  return frame;
}

export interface ToledoDecoderOptions {
  /** The indicator sends the checksum byte (18-byte frames). Default true; false for 17 bytes. */
  checksum?: boolean;
}

/**
 * Syncs on STX (bit 7 masked) and takes a fixed length. A CR delimiter alone would not do: the
 * checksum byte after it can take any value (§4.4).
 */
export function createToledoDecoder(options: ToledoDecoderOptions = {}): StreamDecoder<ToledoFrame> {
  return fixedFrameDecoder({
    name: 'Toledo',
    length: options.checksum === false ? LENGTH_WITHOUT_CHECKSUM : LENGTH_WITH_CHECKSUM,
    isStart: (b) => mask(b) === STX,
    decode: decodeToledo,
  });
}
