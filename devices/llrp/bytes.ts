// Big-endian byte reading and writing for LLRP, and the TLV/TV parameter splitter.
import { FrameError } from '../codec.js';
import { TV_LENGTHS } from './constants.js';

/**
 * Thrown while parsing one message's body; the stream decoder turns it into a FrameError that
 * carries the whole message's bytes. Never leaves the codec.
 */
export class ParseError extends Error {
  constructor(
    readonly code: 'BAD_FRAME' | 'UNSUPPORTED',
    message: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** A cursor over [pos, end) of a byte array; every read is bounds-checked. */
export class Reader {
  private readonly view: DataView;
  constructor(
    readonly data: Uint8Array,
    public pos = 0,
    readonly end = data.length,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number, what: string): number {
    if (n > this.end - this.pos) {
      throw new ParseError('BAD_FRAME', `${what} truncated: needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.take(1, what));
  }
  i8(what: string): number {
    return this.view.getInt8(this.take(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.take(2, what));
  }
  u32(what: string): number {
    return this.view.getUint32(this.take(4, what));
  }
  u64(what: string): bigint {
    return this.view.getBigUint64(this.take(8, what));
  }
  bytes(n: number, what: string): Uint8Array {
    const at = this.take(n, what);
    return this.data.subarray(at, at + n);
  }
}

/** One parameter of a TLV/TV list. `value` is the body after the header (a view, not a copy). */
export interface Param {
  type: number;
  tv: boolean;
  value: Uint8Array;
}

/**
 * Splits [start, end) of `b` into parameters. A TV parameter's length comes from TV_LENGTHS, so an
 * unknown TV type stops the parse (ParseError BAD_FRAME: nothing after it can be located). A TLV
 * parameter of any type is skipped by its length; a length < 4 or past the end is BAD_FRAME.
 */
export function splitParams(b: Uint8Array, start: number, end: number, where: string): Param[] {
  const r = new Reader(b, start, end);
  const out: Param[] = [];
  while (r.remaining > 0) {
    const first = b[r.pos]!;
    if (first & 0x80) {
      const type = first & 0x7f;
      const len = TV_LENGTHS.get(type);
      if (len === undefined) throw new ParseError('BAD_FRAME', `${where}: unknown TV parameter type ${type} at offset ${r.pos}; its length is unknown`);
      r.pos += 1;
      out.push({ type, tv: true, value: r.bytes(len, `${where}: TV parameter ${type}`) });
    } else {
      const at = r.pos;
      const type = r.u16(`${where}: TLV parameter header`) & 0x3ff;
      const len = r.u16(`${where}: TLV parameter header`);
      if (len < 4) throw new ParseError('BAD_FRAME', `${where}: TLV parameter ${type} at offset ${at} has length ${len} < 4`);
      out.push({ type, tv: false, value: r.bytes(len - 4, `${where}: TLV parameter ${type} (length ${len})`) });
    }
  }
  return out;
}

/** Splits a whole parameter body (e.g. a TLV's value). */
export const paramsOf = (value: Uint8Array, where: string) => splitParams(value, 0, value.length, where);

/** Growable big-endian writer. */
export class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  get length(): number {
    return this.len;
  }

  // Each writer takes its offset from room() before touching this.buf: room() may replace it.
  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    const at = this.room(2);
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    const at = this.room(4);
    new DataView(this.buf.buffer).setUint32(at, v >>> 0);
    return this;
  }
  u64(v: bigint): this {
    const at = this.room(8);
    new DataView(this.buf.buffer).setBigUint64(at, BigInt.asUintN(64, v));
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** Overwrites a u16 / u32 already written (for length fields). */
  setU16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }
  setU32(at: number, v: number): void {
    new DataView(this.buf.buffer).setUint32(at, v >>> 0);
  }

  /** A TLV parameter: header, then whatever `body` writes, then the length patched in. */
  tlv(type: number, body: (w: this) => void): this {
    const at = this.len;
    this.u16(type & 0x3ff).u16(0);
    body(this);
    const len = this.len - at;
    if (len > 0xffff) throw new FrameError('BAD_FRAME', `TLV parameter ${type} would be ${len} bytes, more than a u16 length holds`);
    this.setU16(at + 2, len);
    return this;
  }
  /** A TV parameter: 0x80 | type, then the value `body` writes. */
  tv(type: number, body: (w: this) => void): this {
    this.u8(0x80 | type);
    body(this);
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function checkU64(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
    throw new FrameError('BAD_FRAME', `${name} must be a bigint 0–2^64−1, got ${String(value)}`);
  }
  return value;
}

/** Encoder argument check. Encoders throw FrameError too, so a codec throws nothing else. */
export function checkUint(value: unknown, bits: 1 | 2 | 3 | 7 | 8 | 10 | 16 | 32, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** bits - 1) {
    throw new FrameError('BAD_FRAME', `${name} must be an integer 0–${2 ** bits - 1}, got ${String(value)}`);
  }
  return value;
}
