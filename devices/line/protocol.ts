// Line-oriented devices (devices.md §2): HF 13.56 MHz readers and QR scanners in virtual-COM
// mode, which print one read per line (`UID\r\n`, or a Digital Link URL). A pure stream decoder:
// split on CR, LF or CRLF (a CR ending one chunk and an LF starting the next are one terminator),
// trim, classify (classify.ts). Blank lines are dropped. A line longer than maxLength bytes is
// refused with a BAD_LENGTH FrameError and dropped up to its terminator, so memory stays bounded.
import { FrameError, type Raw, type StreamDecoder } from '../codec.js';
import { classifyLine, type Classified, type ClassifyOptions } from './classify.js';

export * from './classify.js';

const CR = 0x0d;
const LF = 0x0a;

/** A classified line; `raw` is the line's bytes as received, untrimmed, without its terminator. */
export type LineFrame = Classified & Raw;

export interface LineDecoderOptions extends ClassifyOptions {
  /** Longest line accepted, in bytes without its terminator; 256 unless told. */
  maxLength?: number;
}

// Non-fatal: a scanner's stray byte shows as U+FFFD rather than stopping the stream.
const utf8 = new TextDecoder('utf-8');

export class LineDecoder implements StreamDecoder<LineFrame> {
  private readonly max: number;
  private readonly classify: ClassifyOptions;
  private cur: Uint8Array;
  private curLen = 0;
  /** Inside an over-long line: drop bytes until its terminator. */
  private dropping = false;
  private dropped: number[] = [];
  /** The last byte seen was CR: an LF now completes a CRLF, not a blank line. */
  private afterCR = false;

  constructor({ maxLength = 256, ...classify }: LineDecoderOptions = {}) {
    this.max = Number.isInteger(maxLength) && maxLength > 0 ? maxLength : 256;
    this.classify = classify;
    this.cur = new Uint8Array(this.max);
  }

  get pending(): number {
    return this.curLen;
  }

  push(chunk: Uint8Array): (LineFrame | FrameError)[] {
    if (!(chunk instanceof Uint8Array)) return [new FrameError('BAD_FRAME', `push() takes bytes, got ${typeof chunk}`)];
    const out: (LineFrame | FrameError)[] = [];
    for (const c of chunk) {
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) continue;
      }
      if (c === CR || c === LF) {
        this.endLine(out);
        this.afterCR = c === CR;
      } else if (this.dropping) {
        this.dropped.push(c);
      } else if (this.curLen === this.max) {
        const bytes = new Uint8Array(this.max + 1);
        bytes.set(this.cur);
        bytes[this.max] = c;
        out.push(new FrameError('BAD_LENGTH', `line longer than ${this.max} bytes; dropped up to its end`, bytes));
        this.curLen = 0;
        this.dropping = true;
      } else {
        this.cur[this.curLen++] = c;
      }
    }
    this.reportDropped(out);
    return out;
  }

  /**
   * No terminator is coming (the caller's timeout; e.g. a scanner set up without a suffix):
   * the bytes held are a whole line. Leaves nothing pending.
   */
  flush(): (LineFrame | FrameError)[] {
    const out: (LineFrame | FrameError)[] = [];
    this.endLine(out);
    this.afterCR = false;
    return out;
  }

  private endLine(out: (LineFrame | FrameError)[]): void {
    if (this.dropping) {
      this.reportDropped(out);
      this.dropping = false;
      return;
    }
    if (this.curLen === 0) return;
    const raw = this.cur.slice(0, this.curLen);
    this.curLen = 0;
    const line = classifyLine(utf8.decode(raw), this.classify);
    if (line.text !== '') out.push({ ...line, raw });
  }

  private reportDropped(out: (LineFrame | FrameError)[]): void {
    if (this.dropped.length === 0) return;
    out.push(new FrameError('BAD_LENGTH', `${this.dropped.length} more byte(s) of an over-long line dropped`, Uint8Array.from(this.dropped)));
    this.dropped = [];
  }
}
