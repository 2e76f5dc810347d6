// R2000-module UHF readers (0xA0 frames, devices.md §1.1) over a serial port or TCP (port 4001 on
// network readers). cmd_real_time_inventory (0x89) "runs one round and stops" (§1.1): there is no
// push mode, so the driver re-issues it every `inventoryMs` while the link is up, keeping at most
// one round outstanding (a round ends with the Len 0x0A end-of-round frame or an error answer; a
// round that never ends is given up after `roundTimeoutMs`). Each tag response becomes a 'tag'
// reading {epc, grai?, antenna, rssi}, repeats of an EPC within `dedupeMs` dropped (health.ts Dedupe).
import { R2000Decoder, BROADCAST, realTimeInventory, type R2000Frame } from '../r2000/protocol.js';
import { Driver, tagData, type DriverOptions } from './driver.js';
import { Dedupe } from './health.js';

export interface R2000DriverOptions extends DriverOptions {
  /** RS-485 address 0x00–0xFE, or 0xFF public (default). */
  address?: number;
  /** The Repeat byte of 0x89: rounds per command (default 1). */
  repeat?: number;
  /** How often to issue the inventory command (default 250 ms). */
  inventoryMs?: number;
  /** A round with no end after this long is given up and the command re-issued (default 2000 ms). */
  roundTimeoutMs?: number;
  /** Repeat reads of one EPC within this window are one reading (default 2000 ms). */
  dedupeMs?: number;
}

export const R2000_DEFAULTS = { address: BROADCAST, repeat: 1, inventoryMs: 250, roundTimeoutMs: 2000, dedupeMs: 2000 } as const;

export class R2000Driver extends Driver<R2000Frame> {
  private readonly opts: { [K in keyof typeof R2000_DEFAULTS]: number };
  private readonly dedupe: Dedupe;
  private readonly command: Uint8Array;
  private timer?: NodeJS.Timeout;
  /** When the outstanding round's command was sent; undefined when none is outstanding. */
  private sentAt?: number;

  constructor(o: R2000DriverOptions) {
    super(o, 'r2000', () => new R2000Decoder());
    this.opts = {
      address: o.address ?? R2000_DEFAULTS.address,
      repeat: o.repeat ?? R2000_DEFAULTS.repeat,
      inventoryMs: o.inventoryMs ?? R2000_DEFAULTS.inventoryMs,
      roundTimeoutMs: o.roundTimeoutMs ?? R2000_DEFAULTS.roundTimeoutMs,
      dedupeMs: o.dedupeMs ?? R2000_DEFAULTS.dedupeMs,
    };
    // Built once: a bad address or repeat is a configuration error, thrown here at startup.
    this.command = realTimeInventory(this.opts.repeat, this.opts.address);
    this.dedupe = new Dedupe(this.opts.dedupeMs, this.clock);
  }

  protected override onUp(): void {
    this.sentAt = undefined;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.inventoryMs);
  }

  protected override onDown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = this.clock();
    if (this.sentAt !== undefined && now - this.sentAt < this.opts.roundTimeoutMs) return;
    if (this.send(this.command)) this.sentAt = now;
  }

  protected frame(f: R2000Frame): void {
    switch (f.kind) {
      case 'tag':
        if (!this.dedupe.fresh(f.epc)) return this.counters.duplicate();
        return this.reading('tag', tagData(f.epc, f.grai?.grai, f.antenna, f.rssiDbm));
      case 'roundEnd':
        this.sentAt = undefined;
        return;
      case 'error':
        // Answers to our inventory end the round; e.g. 0x22 antenna missing (§1.1 error layout).
        if (f.cmd === this.command[3]) this.sentAt = undefined;
        this.counters.deviceError(`reader error 0x${f.code.toString(16)}: ${f.meaning}${f.antenna ? ` (antenna ${f.antenna})` : ''}`);
        this.logLimited(`err:${f.code}`, `${this.o.id}: reader answered 0x${f.code.toString(16)} ${f.meaning}`);
        return;
      default:
        return; // acks, firmware, buffer records: not asked for, not readings
    }
  }
}
