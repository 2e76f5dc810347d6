// `hazledger gateway`: owns the devices of one site, turns what they read into signed readings,
// keeps each in its device's on-disk outbox before anything else, and forwards the outboxes in
// order over one websocket to the server, reconnecting with backoff. A reading leaves its outbox
// only when the server has answered for it (sealed, kept, duplicate or refused).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import WebSocket from 'ws';
import { Outbox } from './outbox.js';
import { signReading, type Reading } from './reading.js';

export interface GatewayOptions {
  /** Where the outboxes live (one folder per device). */
  dir: string;
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  server: string;
  /** Each device's private signing key. */
  keys: Map<string, JWK>;
  log?: (line: string) => void;
}

type Answer = { ack?: number; retry?: number; device?: string; status?: string; code?: string; detail?: string };

export class Gateway {
  private readonly outboxes = new Map<string, Outbox>();
  private ws?: WebSocket;
  private backoff = 250;
  private stopped = false;
  private reconnect?: NodeJS.Timeout;
  /** Sequence numbers sent on the current connection, per device (so a flush sends each once). */
  private sent = new Map<string, number>();
  private readonly log: (line: string) => void;

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
    const outbox = this.outboxes.get(device);
    const key = this.o.keys.get(device);
    if (!outbox || !key) throw new Error(`gateway: no device ${device} here`);
    const reading: Reading = { v: 1, device, seq: outbox.nextSeq(), at, kind, data };
    outbox.append({ seq: reading.seq, message: { reading: reading as unknown as Record<string, unknown>, jws: await signReading(reading, key) } });
    this.flush();
    return reading;
  }

  /** Send a device's health counters to the server (best effort: not kept if the link is down). */
  reportHealth(device: string, health: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ health: { ...health, device } }));
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
      this.flush();
    });
    ws.on('message', (raw) => this.answer(JSON.parse(String(raw)) as Answer));
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
      if (this.stopped) return;
      this.reconnect = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 10_000);
    });
    ws.on('error', (e) => this.log(`gateway: link: ${e.message}`));
  }

  /** Send, in order, whatever has not been sent on this connection yet. */
  private flush(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (const [device, outbox] of this.outboxes) {
      const after = this.sent.get(device) ?? outbox.ackedSeq;
      for (const r of outbox.pending()) {
        if (r.seq <= after) continue;
        ws.send(JSON.stringify(r.message));
        this.sent.set(device, r.seq);
      }
    }
  }

  private answer(a: Answer): void {
    const outbox = a.device ? this.outboxes.get(a.device) : undefined;
    if (!outbox) return;
    if (a.retry !== undefined) {
      // The server could not take it just now: send it and what follows again.
      this.sent.set(a.device!, Math.min(this.sent.get(a.device!) ?? 0, Number(a.retry) - 1));
      setTimeout(() => this.flush(), 500);
      return;
    }
    if (typeof a.ack !== 'number') return;
    if (a.status === 'refused') this.log(`gateway: ${a.device} #${a.ack} refused: ${a.code} ${a.detail}`);
    outbox.ack(a.ack);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    this.ws?.close();
    for (const o of this.outboxes.values()) o.close();
  }
}
