// Yaohua XK3190 weighbridge indicators, continuous output: format 0 (tF=0, devices.md §4.1) and
// the "=" formats 1 and 2 (§4.2). Neither carries a unit, a motion, overload or gross/net flag:
// stability is decided in software (devices/scale/stability.ts).
import { FrameError, type Raw, type StreamDecoder } from '../codec.js';
import { digitsToDecimal, toDigits } from '../scale/decimal.js';
import { fixedFrameDecoder } from '../scale/framer.js';

export const STX = 0x02;
export const ETX = 0x03;
export const EQUALS = 0x3d; // '='

/** 0: STX-framed with XOR check (§4.1); 1: "=" weight low digit first; 2: "=" high digit first (§4.2). */
export type Xk3190Format = 0 | 1 | 2;

export interface Xk3190Frame extends Raw {
  format: Xk3190Format;
  sign: '+' | '-';
  /**
   * The weight exactly as displayed, in kg (a weighbridge indicator's unit; the frame carries
   * none), signed, every shown decimal kept: "1560", "20.00", "-1.00".
   */
  weight: string;
  /** Digits after the decimal point. */
  decimals: number;
}

export const FORMAT0_LENGTH = 12;
export const EQUALS_LENGTH = 9;

const PLUS = 0x2b;
const MINUS = 0x2d;
const ZERO = 0x30;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const ascii = (b: Uint8Array) => String.fromCharCode(...b);

/** §4.1: XOR of bytes 2..9 (sign, six digits, decimal position). */
export function xorCheck(body: Uint8Array): number {
  let x = 0;
  for (const b of body) x ^= b;
  return x;
}

// §4.1: nibble -> ASCII as n<=9 ? 0x30+n : 0x37+n (upper-case hex).
const nibbleChar = (n: number) => (n <= 9 ? 0x30 + n : 0x37 + n);
const charNibble = (c: number) => (isDigit(c) ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);

const bad = (message: string, bytes: Uint8Array) => new FrameError('BAD_FRAME', `XK3190: ${message}`, new Uint8Array(bytes));

/**
 * §4.1 byte layout (1-based as in the manual): 1 STX, 2 sign, 3..8 six digits high first,
 * 9 decimal places '0'..'4', 10/11 XOR as ASCII hex, 12 ETX.
 */
export function decodeFormat0(frame: Uint8Array): Xk3190Frame {
  if (frame.length !== FORMAT0_LENGTH) {
    throw new FrameError('BAD_LENGTH', `XK3190: format 0 is ${FORMAT0_LENGTH} bytes, got ${frame.length}`, new Uint8Array(frame));
  }
  if (frame[0] !== STX || frame[11] !== ETX) throw bad('format 0 frame lacks STX/ETX', frame);
  const sign = frame[1]!;
  if (sign !== PLUS && sign !== MINUS) throw bad('sign is neither + nor -', frame);
  const digits = frame.subarray(2, 8);
  if (!digits.every(isDigit)) throw bad('weight digits are not 0-9', frame);
  const decimals = frame[8]! - ZERO;
  if (decimals < 0 || decimals > 4) throw bad('decimal position is not 0-4', frame);
  const hi = charNibble(frame[9]!);
  const lo = charNibble(frame[10]!);
  if (hi < 0 || lo < 0) throw bad('check bytes are not ASCII hex', frame);
  const expected = xorCheck(frame.subarray(1, 9));
  if (((hi << 4) | lo) !== expected) {
    throw new FrameError(
      'BAD_CHECKSUM',
      `XK3190: XOR ${ascii(frame.subarray(9, 11))}, computed ${expected.toString(16).toUpperCase().padStart(2, '0')}`,
      new Uint8Array(frame),
    );
  }
  return {
    format: 0,
    sign: sign === MINUS ? '-' : '+',
    weight: digitsToDecimal(ascii(digits), decimals, sign === MINUS),
    decimals,
    raw: new Uint8Array(frame),
  };
}

/** The value's digits for a field of `width` characters, or a FrameError when it cannot fit. */
function fieldDigits(weight: string, width: number, maxDecimals: number) {
  const decimals = /\.(\d+)$/.exec(weight)?.[1]?.length ?? 0;
  const d = decimals <= maxDecimals ? toDigits(weight, decimals) : undefined;
  if (!d || d.digits.length > width) {
    throw new FrameError('BAD_FRAME', `XK3190: weight ${JSON.stringify(weight)} does not fit the frame`);
  }
  return { ...d, decimals };
}

/** A format 0 frame showing `weight` ("20.00", "-1560") with as many decimals as it has. */
export function encodeFormat0(weight: string): Uint8Array {
  const { digits, negative, decimals } = fieldDigits(weight, 6, 4);
  const frame = new Uint8Array(FORMAT0_LENGTH);
  frame[0] = STX;
  frame[1] = negative ? MINUS : PLUS;
  frame.set(Buffer.from(digits.padStart(6, '0'), 'latin1'), 2);
  frame[8] = ZERO + decimals;
  const x = xorCheck(frame.subarray(1, 9));
  frame[9] = nibbleChar(x >> 4);
  frame[10] = nibbleChar(x & 0x0f);
  frame[11] = ETX;
  return frame;
}

/** Reads the weight characters of an "=" frame (digits with at most one inner point). */
function equalsValue(text: string, negative: boolean, frame: Uint8Array) {
  if (!/^\d+(?:\.\d+)?$/.test(text)) throw bad(`"=" frame weight ${JSON.stringify(text)} is not a number`, frame);
  const point = text.indexOf('.');
  const decimals = point < 0 ? 0 : text.length - point - 1;
  return { weight: digitsToDecimal(text.replace('.', ''), decimals, negative), decimals };
}

/**
 * §4.2. Format 1: '=' + 7 weight characters (point included) low digit first + sign '0' or '-'
 * ("=000.3000" is 3.000). Format 2: '=' + sign + digits high first ("=-0001.00"). The reference
 * shows the positive sign of format 2 only as a '0' ("=0003.000"); a leading '0' reads the same
 * whether it is a sign or a digit, so anything but '-' there is taken as part of the weight.
 */
export function decodeEquals(frame: Uint8Array, format: 1 | 2): Xk3190Frame {
  if (frame.length !== EQUALS_LENGTH) {
    throw new FrameError('BAD_LENGTH', `XK3190: "=" frames are ${EQUALS_LENGTH} bytes, got ${frame.length}`, new Uint8Array(frame));
  }
  if (frame[0] !== EQUALS) throw bad('"=" frame does not start with "="', frame);
  const text = ascii(frame.subarray(1));
  let negative: boolean;
  let value: string;
  if (format === 1) {
    const sign = text[7];
    if (sign !== '0' && sign !== '-') throw bad('format 1 sign is neither "0" nor "-"', frame);
    negative = sign === '-';
    value = [...text.slice(0, 7)].reverse().join('');
  } else {
    negative = text[0] === '-';
    value = negative ? text.slice(1) : text;
  }
  return { format, sign: negative ? '-' : '+', ...equalsValue(value, negative, frame), raw: new Uint8Array(frame) };
}

/** An "=" frame for `weight`, zero-padded to the 7 characters of §4.2 (point included). */
export function encodeEquals(weight: string, format: 1 | 2): Uint8Array {
  const { digits, negative, decimals } = fieldDigits(weight, 7, 5);
  const shown = decimals > 0 ? digitsToDecimal(digits, decimals, false) : digits;
  if (shown.length > 7) throw new FrameError('BAD_FRAME', `XK3190: weight ${JSON.stringify(weight)} does not fit the frame`);
  const value = shown.padStart(7, '0');
  const text =
    format === 1 ? [...value].reverse().join('') + (negative ? '-' : '0') : (negative ? '-' : '0') + value;
  return new Uint8Array(Buffer.from('=' + text, 'latin1'));
}

export interface Xk3190DecoderOptions {
  /** The indicator's continuous format (its tF / output-format setting). Default 0. */
  format?: Xk3190Format;
}

/**
 * Stream decoder. Format 0 syncs on STX and takes 12 bytes (the ETX is checked, not searched
 * for); the "=" formats sync on '=' and take 9 bytes, since they have no terminator (§4.2).
 */
export function createXk3190Decoder(options: Xk3190DecoderOptions = {}): StreamDecoder<Xk3190Frame> {
  const format = options.format ?? 0;
  if (format === 0) {
    return fixedFrameDecoder({ name: 'XK3190', length: FORMAT0_LENGTH, isStart: (b) => b === STX, decode: decodeFormat0 });
  }
  return fixedFrameDecoder({
    name: `XK3190 "=" format ${format}`,
    length: EQUALS_LENGTH,
    isStart: (b) => b === EQUALS,
    decode: (frame) => decodeEquals(frame, format),
  });
}
