// A byte link to one device: a serial port (`serialport` 13), a TCP connection, or an MQTT topic a
// serial-to-MQTT gateway publishes to. The same codec bytes travel over each (devices.md §1.1 "one
// codec, two transports"; §6: a weighbridge reaches us by RS-232, through a serial device server
// in transparent TCP mode, or through an MQTT gateway), so drivers see only chunks, errors and the
// link going up and down.
//
// Reconnection: a link that fails to open, or drops, is reopened after an exponential backoff
// (start 250 ms, ×2, capped at 10 s: DEFAULT_BACKOFF). The backoff is reset only when the driver
// calls good(), i.e. when a valid frame came over the link: a TCP accept alone proves little (a
// serial device server accepts connections even when the scale behind it is unplugged), and a
// peer that accepts and drops at once must not be hammered every 250 ms.
//
// A link never throws out of its event handlers: a listener that throws is reported as an
// 'error' event (and one thrown by an 'error' listener is dropped), so a bad frame handler can
// never take the socket or the serial port's stream down with it.
import { connect, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { openMqttLink, type MqttLinkOptions } from './mqtt-link.js';

export { DEFAULT_QUIET_MS, SilenceTimer } from './silence.js';
export type { MqttLinkOptions } from './mqtt-link.js';

export interface SerialLinkOptions {
  type: 'serial';
  path: string;
  baudRate: number;
  /** Only where the protocol needs other than 8N1 (e.g. a Toledo indicator set to 7E1, §4.4). */
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
}

export interface TcpLinkOptions {
  type: 'tcp';
  host: string;
  port: number;
  /** Give up a connection attempt after this long (default 5000 ms): a dead host never answers. */
  connectTimeoutMs?: number;
  /** Drop and reopen a connection silent this long (default 0: never; a streaming scale may set it). */
  idleMs?: number;
}

export type LinkOptions = SerialLinkOptions | TcpLinkOptions | MqttLinkOptions;

export interface BackoffOptions {
  startMs: number;
  factor: number;
  maxMs: number;
}

/** The documented reconnect schedule: 250 ms, 500 ms, 1 s, 2 s, 4 s, 8 s, 10 s, 10 s, … */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { startMs: 250, factor: 2, maxMs: 10_000 };

export class Backoff {
  private readonly o: BackoffOptions;
  private wait: number;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.o = { ...DEFAULT_BACKOFF, ...options };
    this.wait = this.o.startMs;
  }

  /** The delay before the next attempt; each call lengthens the one after it. */
  next(): number {
    const w = this.wait;
    this.wait = Math.min(this.wait * this.o.factor, this.o.maxMs);
    return w;
  }

  reset(): void {
    this.wait = this.o.startMs;
  }
}

/** What the link needs of a serial port: SerialPort, or SerialPortMock in tests (§7.1). */
export interface PortLike {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer): boolean;
  close(cb?: (err?: Error | null) => void): void;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'close', fn: (err?: Error | null) => void): unknown;
  removeAllListeners(): unknown;
}

export interface PortOpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
  autoOpen: false;
}

export type PortFactory = (options: PortOpenOptions) => PortLike;

export const realSerialPort: PortFactory = (o) => new SerialPort(o) as unknown as PortLike;

export interface LinkEvents {
  data: [chunk: Uint8Array];
  error: [err: Error];
  up: [];
  down: [reason: string];
}

export interface LinkSettings {
  backoff?: Partial<BackoffOptions>;
  /** How serial ports are made; SerialPortMock in tests. Default: the real `serialport`. */
  serialPort?: PortFactory;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export class Link {
  private readonly listeners: { [E in keyof LinkEvents]: ((...a: LinkEvents[E]) => void)[] } = { data: [], error: [], up: [], down: [] };
  private readonly backoff: Backoff;
  private readonly makePort: PortFactory;
  private stopped = true;
  private isUp = false;
  private retry?: NodeJS.Timeout;
  private socket?: Socket;
  private port?: PortLike;
  /** Ends the current connection or port (a reconnect follows unless stopped). */
  private drop?: (reason: string) => void;
  /** Settles when the current attempt is over and its socket or port closed. */
  private done: Promise<void> = Promise.resolve();
  private settle: () => void = () => {};

  constructor(
    readonly options: LinkOptions,
    settings: LinkSettings = {},
  ) {
    this.backoff = new Backoff(settings.backoff);
    this.makePort = settings.serialPort ?? realSerialPort;
  }

  /** "serial:/dev/ttyUSB0@9600", "tcp:10.1.2.3:4001" or "mqtt:mqtt://10.1.2.5:1883#wb/1", for logs. */
  get name(): string {
    const o = this.options;
    if (o.type === 'mqtt') return `mqtt:${o.url}#${o.topic}`;
    return o.type === 'serial' ? `serial:${o.path}@${o.baudRate}` : `tcp:${o.host}:${o.port}`;
  }

  get up(): boolean {
    return this.isUp;
  }

  on<E extends keyof LinkEvents>(event: E, fn: (...a: LinkEvents[E]) => void): this {
    this.listeners[event].push(fn);
    return this;
  }

  private emit<E extends keyof LinkEvents>(event: E, ...args: LinkEvents[E]): void {
    for (const fn of this.listeners[event]) {
      try {
        fn(...args);
      } catch (e) {
        if (event !== 'error') this.emit('error', asError(e));
      }
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  /** A valid frame came over this connection: the next drop starts the backoff afresh. */
  good(): void {
    this.backoff.reset();
  }

  /** Sends bytes if the link is up; false when they could not be handed to the port or socket (or the link is MQTT). */
  write(bytes: Uint8Array): boolean {
    if (!this.isUp) return false;
    try {
      if (this.socket) this.socket.write(bytes);
      else if (this.port) this.port.write(Buffer.from(bytes));
      else return false;
      return true;
    } catch (e) {
      this.emit('error', asError(e));
      return false;
    }
  }

  /** Ends the current connection and reconnects after the backoff (e.g. a reader refusing our setup). */
  restart(reason: string): void {
    this.drop?.(reason);
  }

  /** Stops for good: no reconnect; resolves once the port or socket is closed. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const done = this.done;
    this.drop?.('closed');
    await done;
  }

  private open(): void {
    if (this.stopped) return;
    this.done = new Promise<void>((r) => (this.settle = r));
    if (this.options.type === 'tcp') this.openTcp(this.options);
    else if (this.options.type === 'mqtt') this.openMqtt(this.options);
    else this.openSerial(this.options);
  }

  /** One attempt is over (failed or dropped): report it, and schedule the next unless stopped. */
  private ended(reason: string): void {
    this.settle();
    this.drop = undefined;
    this.socket = undefined;
    this.port = undefined;
    if (this.isUp) {
      this.isUp = false;
      this.emit('down', reason);
    }
    if (this.stopped) return;
    const wait = this.backoff.next();
    this.retry = setTimeout(() => this.open(), wait);
  }

  private openTcp(o: TcpLinkOptions): void {
    const socket = connect({ host: o.host, port: o.port });
    this.socket = socket;
    let over = false;
    let why = 'connection closed';
    this.drop = (reason) => {
      why = reason;
      if (!this.stopped || !this.isUp) return void socket.destroy();
      // Stopping: let what was written last (LLRP's CLOSE_CONNECTION) go out, then close.
      socket.end();
      setTimeout(() => socket.destroy(), 200).unref();
    };
    socket.setTimeout(o.connectTimeoutMs ?? 5000);
    socket.on('timeout', () => socket.destroy(new Error(this.isUp ? `no data for ${o.idleMs} ms` : 'connect timed out')));
    socket.on('connect', () => {
      socket.setTimeout(o.idleMs ?? 0);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000); // a half-open link (cable cut, server rebooted) is noticed
      if (this.stopped) return void socket.destroy();
      this.isUp = true;
      this.emit('up');
    });
    socket.on('data', (chunk) => this.emit('data', chunk));
    socket.on('error', (e) => {
      why = e.message;
      this.emit('error', e);
    });
    socket.on('close', () => {
      if (over) return;
      over = true;
      this.ended(why);
    });
  }

  private openMqtt(o: MqttLinkOptions): void {
    this.drop = openMqttLink(o, {
      up: () => {
        if (this.stopped) return false;
        this.isUp = true;
        this.emit('up');
        return true;
      },
      data: (chunk) => this.emit('data', chunk),
      error: (e) => this.emit('error', e),
      ended: (reason) => this.ended(reason),
    });
  }

  private openSerial(o: SerialLinkOptions): void {
    let port: PortLike;
    try {
      port = this.makePort({ path: o.path, baudRate: o.baudRate, dataBits: o.dataBits, parity: o.parity, stopBits: o.stopBits, autoOpen: false });
    } catch (e) {
      // Bad settings (a baud rate serialport refuses): report it and keep trying, like a missing port.
      this.emit('error', asError(e));
      this.ended(asError(e).message);
      return;
    }
    this.port = port;
    let over = false;
    const end = (reason: string) => {
      if (over) return;
      over = true;
      port.removeAllListeners();
      port.on('error', () => {}); // late errors from a port we gave up on
      if (port.isOpen) port.close(() => this.ended(reason));
      else this.ended(reason);
    };
    this.drop = end;
    port.on('data', (chunk) => this.emit('data', chunk));
    port.on('error', (e) => {
      this.emit('error', e);
      if (!port.isOpen) end(e.message);
    });
    port.on('close', (e) => end(e?.message ?? 'port closed'));
    port.open((err) => {
      if (err) {
        this.emit('error', err);
        return end(err.message);
      }
      if (over) return void port.close(); // given up (closed, or an error) while it was opening
      if (this.stopped) return end('closed');
      this.isUp = true;
      this.emit('up');
    });
  }
}
