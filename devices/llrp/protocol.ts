// LLRP 1.x binary codec (EPCglobal Low Level Reader Protocol, TCP 5084; devices.md §1.4): enough
// to connect, start a ROSpec and read tag reports. Pure: bytes in, typed messages out.
//
// Framing. Every message starts with a 10-byte header: 3 reserved bits, 3-bit version, 10-bit
// type, a u32 length of the whole message (header included) and a u32 message ID. The decoder
// frames by that length, so two messages in one TCP chunk are both read (the llrpjs defect of
// §1.4) and a message split across chunks waits for the rest.
//
// Resynchronisation. LLRP has no sync byte or checksum, so a corrupt length cannot be told from a
// real one except by its range: a length < 10 or > maxMessageLength (1 MiB unless told) is a
// FrameError BAD_LENGTH. We then do not drop the whole buffer (that would also drop any good
// messages behind the bad header) but search, one byte at a time, for the next *plausible*
// header: reserved bits 0, version 1 or 2, a message type LLRP defines, a length in range, and
// for the fixed-size messages (KEEPALIVE, *_ROSPEC commands, …) exactly their size. The bad
// header and the bytes up to that point (or up to the last 5 bytes of the buffer, which may
// start a header) go in the BAD_LENGTH error; bytes skipped by later chunks while still searching
// are reported as JUNK. A false match is possible in principle (it would then be framed by its
// own length and most likely fail to decode as BAD_FRAME), but after a bad length the TCP stream
// is already known to be broken: the driver should log it and may reconnect.
//
// Inside a framed message, a malformed body (a truncated parameter, a TLV length running past
// its parent, an unknown TV type — TV parameters carry no length, so nothing after one can be
// located) is a FrameError BAD_FRAME carrying that message's bytes; an unknown TLV parameter is
// skipped by its length; a message type or version this codec does not read is UNSUPPORTED.
// The framing is not disturbed by any of these: the next message is read as usual.
import { FrameError, type StreamDecoder } from '../codec.js';
import { ParseError } from './bytes.js';
import { HEADER_LENGTH, MESSAGE_NAMES, MSG } from './constants.js';
import { decodeMessage, type LlrpMessage } from './messages.js';

export * from './constants.js';
export { ParseError } from './bytes.js';
export * from './messages.js';
export {
  DEFAULT_REPORT_CONTENT,
  REPORT_TRIGGERS,
  roSpecWithDefaults,
  type C1G2Settings,
  type ReportContent,
  type RoReportSpec,
  type RoSpec,
  type RoSpecOptions,
  type StartTrigger,
  type StopTrigger,
} from './rospec.js';
export { graiOf, type LlrpTag, type LlrpTagInput } from './tags.js';

/** The largest message the decoder accepts unless told otherwise (a report of ~25 000 tags). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;

/** Messages with no variable part, whose length a plausible header must match exactly. */
const FIXED_LENGTHS: ReadonlyMap<number, number> = new Map([
  [MSG.KEEPALIVE, 10],
  [MSG.KEEPALIVE_ACK, 10],
  [MSG.CLOSE_CONNECTION, 10],
  [MSG.ENABLE_EVENTS_AND_REPORTS, 10],
  [MSG.GET_SUPPORTED_VERSION, 10],
  [MSG.ENABLE_ROSPEC, 14],
  [MSG.START_ROSPEC, 14],
  [MSG.STOP_ROSPEC, 14],
  [MSG.DELETE_ROSPEC, 14],
  [MSG.DISABLE_ROSPEC, 14],
]);

const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** Chunks held until a whole message is there; bytes are copied once in and once out. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }

  /** The first n bytes (n ≤ length), as a view when one chunk holds them. */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.chunks) {
      if (at >= n) break;
      const part = c.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Removes and returns (a copy of) the first n bytes. */
  take(n: number): Uint8Array {
    const out = this.peek(n).slice();
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        left -= c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return out;
  }
}

export interface LlrpDecoderOptions {
  /** Lengths above this are BAD_LENGTH (default 1 MiB). */
  maxMessageLength?: number;
}

export class LlrpStreamDecoder implements StreamDecoder<LlrpMessage> {
  private readonly queue = new ByteQueue();
  private readonly max: number;
  /** After a bad length: looking for a plausible header. */
  private hunting = false;

  constructor(options: LlrpDecoderOptions = {}) {
    const max = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.max = Number.isInteger(max) && max >= HEADER_LENGTH ? Math.min(max, 0xffffffff) : DEFAULT_MAX_MESSAGE_LENGTH;
  }

  get pending(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): (LlrpMessage | FrameError)[] {
    const out: (LlrpMessage | FrameError)[] = [];
    if (!(chunk instanceof Uint8Array)) {
      out.push(new FrameError('JUNK', `push() takes a Uint8Array, got ${typeof chunk}`));
      return out;
    }
    const q = this.queue;
    q.push(chunk);
    for (;;) {
      if (this.hunting) {
        const all = q.peek(q.length);
        const at = this.findHeader(all, 0);
        if (at < 0) {
          const drop = q.length - 5;
          if (drop > 0) out.push(new FrameError('JUNK', `skipped ${drop} bytes looking for an LLRP header`, q.take(drop)));
          break;
        }
        if (at > 0) out.push(new FrameError('JUNK', `skipped ${at} bytes before the next LLRP header`, q.take(at)));
        this.hunting = false;
        continue;
      }
      if (q.length < 6) break;
      const head = q.peek(6);
      const length = u32(head, 2);
      if (length < HEADER_LENGTH || length > this.max) {
        const all = q.peek(q.length);
        const at = this.findHeader(all, 1);
        const n = at < 0 ? Math.max(1, q.length - 5) : at;
        const type = ((head[0]! << 8) | head[1]!) & 0x3ff;
        out.push(
          new FrameError(
            'BAD_LENGTH',
            `LLRP header (type ${type}) gives length ${length}, outside ${HEADER_LENGTH}–${this.max}; skipped ${n} bytes ${at < 0 ? 'and looking for the next header' : 'to the next plausible header'}`,
            q.take(n),
          ),
        );
        this.hunting = at < 0;
        continue;
      }
      if (q.length < length) break;
      out.push(decodeOne(q.take(length)));
    }
    return out;
  }

  /** First offset ≥ from where a plausible header starts (6 bytes needed to judge), or -1. */
  private findHeader(b: Uint8Array, from: number): number {
    for (let i = from; i + 6 <= b.length; i++) {
      const word = (b[i]! << 8) | b[i + 1]!;
      if (word >> 13 !== 0) continue; // reserved bits
      const version = (word >> 10) & 7;
      if (version !== 1 && version !== 2) continue;
      const type = word & 0x3ff;
      if (!MESSAGE_NAMES.has(type)) continue;
      const length = u32(b, i + 2);
      const fixed = FIXED_LENGTHS.get(type);
      if (fixed !== undefined ? length === fixed : length >= HEADER_LENGTH && length <= this.max) return i;
    }
    return -1;
  }
}

/** Decodes one framed message; never throws. */
function decodeOne(raw: Uint8Array): LlrpMessage | FrameError {
  try {
    return decodeMessage(raw);
  } catch (e) {
    const type = ((raw[0]! << 8) | raw[1]!) & 0x3ff;
    const what = `${MESSAGE_NAMES.get(type) ?? `LLRP message type ${type}`} (ID ${u32(raw, 6)})`;
    if (e instanceof ParseError) return new FrameError(e.code, `${what}: ${e.message}`, raw);
    return new FrameError('BAD_FRAME', `${what}: could not be decoded (${e instanceof Error ? e.message : String(e)})`, raw);
  }
}

/**
 * Decodes exactly one whole message (e.g. a test vector). Bytes that are not exactly one message
 * by its length field give a FrameError BAD_LENGTH. Never throws.
 */
export function decodeLlrpMessage(bytes: Uint8Array): LlrpMessage | FrameError {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_LENGTH || u32(bytes, 2) !== bytes.length) {
    const len = bytes instanceof Uint8Array && bytes.length >= 6 ? u32(bytes, 2) : undefined;
    return new FrameError('BAD_LENGTH', `not one whole LLRP message: ${bytes?.length ?? 0} bytes, length field ${len ?? 'missing'}`, bytes instanceof Uint8Array ? bytes.slice() : undefined);
  }
  return decodeOne(bytes.slice());
}
