// What every device driver shares: a Link (transport.ts), a fresh stream decoder per connection
// (a codec's pending bytes belong to the connection they came on), the silence timer that flushes
// a decoder holding a partial frame, health counters, and the readings handed to the gateway.
// Drivers turn codec frames into readings: 'tag' {epc, grai?, antenna?, rssi?}, 'code' {text},
// 'weight' {grossKg, unit, stable, frames, rawSha256} (devices/gateway/reading.ts; what the server
// makes of them: server/readings/ingest.ts). Nothing a device sends can make a driver throw: a
// handler that fails is counted and logged, and the stream goes on (devices/codec.ts).
import { FrameError, type StreamDecoder } from '../codec.js';
import { Health, type DeviceHealth } from './health.js';
import { DEFAULT_QUIET_MS, SilenceTimer } from './silence.js';
import { Link, type BackoffOptions, type LinkOptions, type PortFactory } from './transport.js';

export interface DriverReading {
  kind: 'tag' | 'weight' | 'code';
  data: Record<string, unknown>;
  /** Wall-clock time the reading was taken (RFC 3339). */
  at: string;
}

export interface DriverOptions {
  /** The device id, for logs. */
  id: string;
  link: LinkOptions;
  onReading: (r: DriverReading) => void;
  log?: (line: string) => void;
  /** Quiet gap after which a decoder holding a partial frame is flushed (default 200 ms). */
  quietMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** How serial ports are made (SerialPortMock in tests). */
  serialPort?: PortFactory;
  /** Monotonic milliseconds for dedupe windows, polling and the stability rule (default performance.now). */
  clock?: () => number;
}

/** A decoder that can give up on a partial frame (R2000, Chafon, line). */
type Flushable<F> = StreamDecoder<F> & { flush?: () => (F | FrameError)[] };

/** Log a given problem at most this often per device, so a babbling line cannot flood stderr. */
const LOG_EVERY_MS = 10_000;

export abstract class Driver<F> {
  protected readonly link: Link;
  protected readonly counters: Health;
  protected readonly clock: () => number;
  private decoder: Flushable<F>;
  private readonly silence: SilenceTimer;
  private readonly logged = new Map<string, number>();
  /** Set by drivers (LLRP) that decide themselves when a connection has proved good. */
  protected goodOnFrame = true;

  constructor(
    protected readonly o: DriverOptions,
    readonly protocol: string,
    private readonly newDecoder: () => Flushable<F>,
  ) {
    this.clock = o.clock ?? (() => performance.now());
    this.link = new Link(o.link, { backoff: o.backoff, serialPort: o.serialPort });
    this.counters = new Health(protocol, this.link.name);
    this.decoder = newDecoder();
    this.silence = new SilenceTimer(o.quietMs ?? DEFAULT_QUIET_MS, () => this.flush());
    this.link.on('up', () => {
      this.decoder = this.newDecoder();
      this.counters.linkUp();
      this.log(`${o.id}: link up (${this.link.name})`);
      this.guard('link up', () => this.onUp());
    });
    this.link.on('down', (reason) => {
      this.dropPartial();
      this.counters.linkDown(reason);
      this.log(`${o.id}: link down (${this.link.name}): ${reason}`);
      this.guard('link down', () => this.onDown());
    });
    this.link.on('data', (chunk) => this.take(chunk));
    this.link.on('error', (e) => {
      this.counters.problem(e.message);
      this.logLimited(`link:${e.message}`, `${o.id}: ${this.link.name}: ${e.message}`);
    });
  }

  id(): string {
    return this.o.id;
  }

  start(): void {
    this.link.start();
  }

  async stop(): Promise<void> {
    this.silence.stop();
    this.guard('stop', () => this.onStop());
    await this.link.close();
    this.onDown();
  }

  health(): DeviceHealth {
    return this.counters.snapshot();
  }

  /** The link is up: start polling, greet the reader. */
  protected onUp(): void {}
  /** The link went down (or the driver stopped): stop timers. */
  protected onDown(): void {}
  /** About to close the link for good: say goodbye if the protocol has a way. */
  protected onStop(): void {}
  /** One valid frame. */
  protected abstract frame(f: F): void;

  protected reading(kind: DriverReading['kind'], data: Record<string, unknown>): void {
    this.counters.reading();
    this.o.onReading({ kind, data, at: new Date().toISOString() });
  }

  protected send(bytes: Uint8Array): boolean {
    return this.link.write(bytes);
  }

  protected log(line: string): void {
    this.o.log?.(line);
  }

  /** Logs `line` unless the same `key` was logged in the last 10 s. */
  protected logLimited(key: string, line: string): void {
    const now = Date.now();
    const last = this.logged.get(key);
    if (last !== undefined && now - last < LOG_EVERY_MS) return;
    if (this.logged.size > 100) this.logged.clear();
    this.logged.set(key, now);
    this.log(line);
  }

  private take(chunk: Uint8Array): void {
    this.deliver(this.decoder.push(chunk));
    this.silence.touch(this.decoder.flush !== undefined && this.decoder.pending > 0);
  }

  private flush(): void {
    this.silence.stop();
    if (this.decoder.flush) this.deliver(this.decoder.flush());
  }

  /**
   * The link went down mid-frame: what was held is the start of a frame, not a whole one (a line
   * cut short can still look like another drum's code). Counted as an error, never read.
   */
  private dropPartial(): void {
    this.silence.stop();
    const held = this.decoder.pending;
    this.decoder = this.newDecoder();
    if (held > 0) this.deliver([new FrameError('BAD_FRAME', `${held} bytes of a frame cut off by the link going down: dropped`)]);
  }

  private deliver(out: (F | FrameError)[]): void {
    for (const x of out) {
      if (x instanceof FrameError) {
        this.counters.frameError(x);
        this.logLimited(`frame:${x.code}`, `${this.o.id}: ${x.code} ${x.message} (further ${x.code} errors are counted in health, logged at most every 10 s)`);
        continue;
      }
      this.counters.frame();
      if (this.goodOnFrame) this.link.good();
      this.guard('frame', () => this.frame(x));
    }
  }

  /** Runs a handler; anything it throws is counted and logged, never passed to the link. */
  protected guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const msg = `${what} handler failed: ${e instanceof Error ? e.message : String(e)}`;
      this.counters.problem(msg);
      this.logLimited(`guard:${what}`, `${this.o.id}: ${msg}`);
    }
  }
}

/** `grai` as the server reads it: the AI 8003 string. */
export const tagData = (epc: string, grai: string | undefined, antenna?: number, rssi?: number): Record<string, unknown> => ({
  epc,
  ...(grai ? { grai } : {}),
  ...(antenna === undefined ? {} : { antenna }),
  ...(rssi === undefined ? {} : { rssi }),
});
