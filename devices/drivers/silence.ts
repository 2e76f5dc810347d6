// The silence timer of a link (transport.ts re-exports it): codecs keep no clock (devices/codec.ts),
// so the driver tells a decoder holding a partial frame when the line has gone quiet.

/**
 * Calls `onQuiet` once the link has been silent for `ms` after bytes came while a frame was
 * still pending: the R2000, Chafon and line decoders hold a partial frame until it completes,
 * so a stray 0xA0, a junk byte read as a large Chafon Len, or a scanner line without a suffix
 * would otherwise hold back what follows until more bytes arrive (their flush(), see
 * devices/r2000/protocol.ts, devices/chafon/protocol.ts, devices/line/protocol.ts).
 */
export class SilenceTimer {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onQuiet: () => void,
  ) {}

  /** Bytes just came; `waiting` says whether the decoder holds a partial frame. */
  touch(waiting: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!waiting || !(this.ms > 0)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.onQuiet();
      } catch {
        // the caller counts its own errors; a timer callback must not throw
      }
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The default quiet gap: at 9600 baud 200 ms is ~190 byte times, far longer than any gap inside a frame. */
export const DEFAULT_QUIET_MS = 200;
