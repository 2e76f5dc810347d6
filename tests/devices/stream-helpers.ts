// What the codec tests share: feeding a stream decoder chunk by chunk, and sorting what it gives.
import { FrameError, type StreamDecoder } from '../../devices/codec.js';

export const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
export const feed = <F>(d: StreamDecoder<F>, chunks: Uint8Array[]) => chunks.flatMap((c) => d.push(c));
export const framesOf = <F>(out: (F | FrameError)[]) => out.filter((x): x is F => !(x instanceof FrameError));
export const errorsOf = <F>(out: (F | FrameError)[]) => out.filter((x): x is FrameError => x instanceof FrameError);

/** The data cut at the given offsets (taken modulo its length, deduplicated, in order). */
export function chunked(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, data.length]) {
    out.push(data.slice(prev, Math.max(prev, c)));
    prev = Math.max(prev, c);
  }
  return out;
}

/** Every byte pushed is in a frame, in an error, or still pending. */
export const accounted = <F extends { raw: Uint8Array }>(out: (F | FrameError)[], pending: number) =>
  out.reduce((n, x) => n + (x instanceof FrameError ? x.bytes.length : x.raw.length), 0) + pending;
