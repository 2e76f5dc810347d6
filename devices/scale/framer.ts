// The stream decoder shared by the fixed-length indicator outputs (Yaohua format 0 and "="
// formats, Toledo continuous): sync on a start byte, cut a frame of known length, decode it.
import { FrameError, type StreamDecoder } from '../codec.js';

export interface FixedFrameSpec<F> {
  /** Names the protocol in error messages. */
  name: string;
  length: number;
  isStart(byte: number): boolean;
  /** Decodes one candidate of exactly `length` bytes; throws FrameError when it is not a frame. */
  decode(frame: Uint8Array): F;
}

/** Any exception out of a decoder, as a FrameError carrying `bytes`. */
export function refusal(e: unknown, bytes: Uint8Array): FrameError {
  if (e instanceof FrameError) return new FrameError(e.code, e.message, bytes);
  return new FrameError('BAD_FRAME', e instanceof Error ? e.message : String(e), bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Every byte pushed ends up in exactly one frame, one FrameError, or `pending`. A refused
 * candidate is skipped only up to the next start byte inside it, so a stray start byte in junk
 * never swallows the real frame that follows.
 */
export function fixedFrameDecoder<F>(spec: FixedFrameSpec<F>): StreamDecoder<F> {
  let held = new Uint8Array(0);
  const nextStart = (data: Uint8Array, from: number, limit: number) => {
    let i = from;
    while (i < limit && !spec.isStart(data[i]!)) i++;
    return i;
  };
  return {
    get pending() {
      return held.length;
    },
    push(chunk: Uint8Array) {
      const data = concatBytes([held, chunk]);
      const out: (F | FrameError)[] = [];
      let pos = 0;
      while (pos < data.length) {
        if (!spec.isStart(data[pos]!)) {
          const end = nextStart(data, pos + 1, data.length);
          out.push(new FrameError('JUNK', `${spec.name}: ${end - pos} byte(s) outside a frame`, data.slice(pos, end)));
          pos = end;
          continue;
        }
        if (data.length - pos < spec.length) break;
        try {
          out.push(spec.decode(data.slice(pos, pos + spec.length)));
          pos += spec.length;
        } catch (e) {
          const end = nextStart(data, pos + 1, pos + spec.length);
          out.push(refusal(e, data.slice(pos, end)));
          pos = end;
        }
      }
      held = data.slice(pos);
      return out;
    },
  };
}
