// `hazledger gateway`: owns the devices of one site, turns what they read into signed readings,
// keeps each in its device's on-disk outbox before anything else, and forwards the outboxes in
// order over one websocket to the server, reconnecting with backoff. A reading leaves its outbox
// only when the server has answered for it (sealed, kept, duplicate or refused).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import WebSocket from 'ws';
import { Outbox } from './outbox.js';
import { signByDevice, signReading, type Reading } from './reading.js';

export interface GatewayOptions {
  /** Where the outboxes live (one folder per device). */
  dir: string;
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  server: string;
  /** Each device's private signing key. */
  keys: Map<string, JWK>;
  log?: (line: string) => void;
  /** How long to wait before sending again a reading refused because the server does not know its device or key yet (default 30 s). */
  unknownDeviceRetryMs?: number;
}

type Answer = { ack?: number; retry?: number; device?: string; status?: string; code?: string; detail?: string; hello?: { lastSeq?: Record<string, number> }; health?: string };

/** Refusals that last only until the admin registers the device or enrols its key. */
const UNTIL_ENROLLED = ['KEY_NOT_ENROLLED', 'NOT_FOUND'];

/** How long to wait for the server's hello before sending anyway. */
const HELLO_MS = 2000;

export class Gateway {
  private readonly outboxes = new Map<string, Outbox>();
  private ws?: WebSocket;
  private backoff = 250;
  private stopped = false;
  private reconnect?: NodeJS.Timeout;
  /** Sequence numbers sent on the current connection, per device (so a flush sends each once). */
  private sent = new Map<string, number>();
  private readonly log: (line: string) => void;
  /** Readings are numbered, signed and appended one after another. */
  private keeping = Promise.resolve();
  /** Answers are handled one after another: a renumbered reading is on disk before the next ack. */
  private answering = Promise.resolve();
  /** Sending waits for the server's hello on each connection (it raises the numbering floor). */
  private greeted = false;
  private helloTimer?: NodeJS.Timeout;
  /** A later sending of readings the server refused until their device is enrolled. */
  private later?: NodeJS.Timeout;

  constructor(private readonly o: GatewayOptions) {
    this.log = o.log ?? (() => {});
    for (const device of o.keys.keys()) {
      const dir = join(o.dir, device);
      mkdirSync(dir, { recursive: true });
      this.outboxes.set(device, new Outbox(dir));
    }
  }

  start(): void {
    this.connect();
  }

  /** Record what a device read. Resolves once the signed reading is on disk: it is then never lost. */
  async record(device: string, kind: Reading['kind'], data: Record<string, unknown>, at = new Date().toISOString()): Promise<Reading> {
    const reading = await this.keep(device, { v: 1, device, seq: 0, at, kind, data });
    this.flush();
    return reading;
  }

  /**
   * Number, sign and append a reading, one at a time: the number is the outbox's next, and if the
   * server's hello raised the floor while the signature was being made, it is numbered and signed again.
   */
  private keep(device: string, unnumbered: Reading): Promise<Reading> {
    const outbox = this.outboxes.get(device);
    const key = this.o.keys.get(device);
    if (!outbox || !key) return Promise.reject(new Error(`gateway: no device ${device} here`));
    const kept = this.keeping.then(async () => {
      for (;;) {
        const reading: Reading = { ...unnumbered, seq: outbox.nextSeq() };
        const jws = await signReading(reading, key);
        if (reading.seq !== outbox.nextSeq()) continue;
        outbox.append({ seq: reading.seq, message: { reading: reading as unknown as Record<string, unknown>, jws } });
        return reading;
      }
    });
    this.keeping = kept.then(() => {}, () => {});
    return kept;
  }

  /**
   * Send a device's health counters to the server, timed and signed by the device's key (best
   * effort: not kept if the link is down). Resolves once sent, or dropped.
   */
  async reportHealth(device: string, counters: Record<string, unknown>): Promise<void> {
    const key = this.o.keys.get(device);
    if (!key || this.ws?.readyState !== WebSocket.OPEN) return;
    const health = { ...counters, device, at: new Date().toISOString() };
    try {
      const jws = await signByDevice(health, key);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ health, jws }));
    } catch (e) {
      this.log(`gateway: ${device} health not sent: ${(e as Error).message}`);
    }
  }

  /** Connected, and told by the server how far each device's numbering has gone. */
  get linked(): boolean {
    return this.greeted && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Readings not yet answered for, per device. */
  backlog(): Record<string, number> {
    return Object.fromEntries([...this.outboxes].map(([d, o]) => [d, o.pending().length]));
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(`${this.o.server.replace(/^http/, 'ws')}/gateway`);
    this.ws = ws;
    ws.on('open', () => {
      this.backoff = 250;
      this.sent.clear();
      this.log('gateway: connected');
      // Ask the server how far each device's numbering has gone; send once it says (or anyway, soon).
      this.greeted = false;
      ws.send(JSON.stringify({ hello: { devices: [...this.outboxes.keys()] } }));
      clearTimeout(this.helloTimer);
      this.helloTimer = setTimeout(() => this.greet({}), HELLO_MS);
    });
    ws.on('message', (raw) => {
      let a: Answer;
      try {
        a = JSON.parse(String(raw)) as Answer;
      } catch {
        this.log(`gateway: an answer that is not JSON (is \`server\` this park's hazledger?): ${String(raw).slice(0, 80)}`);
        return;
      }
      this.answering = this.answering.then(() => this.answer(a)).catch((e: Error) => this.log(`gateway: ${e.message}`));
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
      if (this.stopped) return;
      this.reconnect = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 10_000);
    });
    ws.on('error', (e) => this.log(`gateway: link: ${e.message}`));
  }

  private greet(lastSeq: Record<string, number>): void {
    clearTimeout(this.helloTimer);
    for (const [device, seq] of Object.entries(lastSeq)) if (Number.isSafeInteger(seq)) this.outboxes.get(device)?.raiseFloor(seq);
    this.greeted = true;
    this.flush();
  }

  /** Send, in order, whatever has not been sent on this connection yet. */
  private flush(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.greeted) return;
    for (const [device, outbox] of this.outboxes) {
      const after = this.sent.get(device) ?? outbox.ackedSeq;
      for (const r of outbox.pending()) {
        if (r.seq <= after) continue;
        ws.send(JSON.stringify(r.message));
        this.sent.set(device, r.seq);
      }
    }
  }

  private async answer(a: Answer): Promise<void> {
    if (a.hello) return this.greet(a.hello.lastSeq ?? {});
    if (a.health) return this.log(`gateway: ${a.health} health report refused: ${a.code} ${a.detail}`);
    const outbox = a.device ? this.outboxes.get(a.device) : undefined;
    if (!outbox) return;
    if (a.retry !== undefined) {
      // The server could not take it just now: send it and what follows again.
      this.sent.set(a.device!, Math.min(this.sent.get(a.device!) ?? 0, Number(a.retry) - 1));
      setTimeout(() => this.flush(), 500);
      return;
    }
    if (typeof a.ack !== 'number') return;
    if (a.status === 'refused' && UNTIL_ENROLLED.includes(a.code ?? '')) return this.sendLater(a.device!, a.ack, `${a.code} ${a.detail}`);
    if (a.status === 'refused' && a.code === 'EVENT_ID_REUSED') await this.renumber(a.device!, outbox, a.ack);
    else if (a.status === 'refused') this.log(`gateway: ${a.device} #${a.ack} refused: ${a.code} ${a.detail}`);
    outbox.ack(a.ack);
  }

  /**
   * The server does not know the device, or has no key of it, yet (a scale installed before the
   * admin enrolled it): the reading is kept and sent again later, with those after it.
   */
  private sendLater(device: string, seq: number, why: string): void {
    this.sent.set(device, Math.min(this.sent.get(device) ?? 0, seq - 1));
    if (this.later) return;
    const ms = this.o.unknownDeviceRetryMs ?? 30_000;
    this.log(`gateway: ${device} #${seq} not taken yet (${why}): kept, sent again in ${ms / 1000} s`);
    this.later = setTimeout(() => {
      this.later = undefined;
      this.flush();
    }, ms);
  }

  /**
   * The server holds another reading under this number (it was given before this outbox, say one
   * restored or lost): the reading is signed again under the next free number and kept, then the
   * old number is let go. Nothing the device read is dropped.
   */
  private async renumber(device: string, outbox: Outbox, seq: number): Promise<void> {
    const old = outbox.pending().find((r) => r.seq === seq);
    if (!old) return;
    const reading = await this.keep(device, old.message.reading as unknown as Reading);
    this.log(`gateway: ${device} #${seq} was already taken by the server with other content: sent again as #${reading.seq}`);
    setTimeout(() => this.flush(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    clearTimeout(this.helloTimer);
    clearTimeout(this.later);
    this.ws?.close();
    for (const o of this.outboxes.values()) o.close();
  }
}
