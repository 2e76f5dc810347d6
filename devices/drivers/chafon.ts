// Chafon / UHFReader18 / CF-RU5102-style UHF readers (CRC-16 frames, devices.md §1.3), over a
// serial port (57600 baud is common, §1.3) or a serial device server. The reader answers an
// inventory command (0x01) with one or more frames (Status 0x03: more follow), so the driver
// polls every `pollMs`, one inventory outstanding at a time (given up after `roundTimeoutMs`).
// Tags become 'tag' readings {epc, grai?, antenna?, rssi?} with the same dedupe as R2000.
import { ChafonDecoder, BROADCAST, inventory, type ChafonFrame, type InventoryLayout } from '../chafon/protocol.js';
import { Driver, tagData, type DriverOptions } from './driver.js';
import { Dedupe } from './health.js';

export interface ChafonDriverOptions extends DriverOptions {
  /** Reader address (default 0xFF, broadcast). */
  address?: number;
  /** Inventory answer layout of the reader's generation (§1.3; default 'uhfreader18'). */
  layout?: InventoryLayout;
  /** Inventory poll interval (default 500 ms: a UHFReader18 round with its default scan time takes up to ~300 ms). */
  pollMs?: number;
  roundTimeoutMs?: number;
  dedupeMs?: number;
}

export const CHAFON_DEFAULTS = { address: BROADCAST, layout: 'uhfreader18', pollMs: 500, roundTimeoutMs: 3000, dedupeMs: 2000 } as const;

export class ChafonDriver extends Driver<ChafonFrame> {
  private readonly command: Uint8Array;
  private readonly pollMs: number;
  private readonly roundTimeoutMs: number;
  private readonly dedupe: Dedupe;
  private timer?: NodeJS.Timeout;
  private sentAt?: number;

  constructor(o: ChafonDriverOptions) {
    const layout = o.layout ?? CHAFON_DEFAULTS.layout;
    super(o, 'chafon', () => new ChafonDecoder({ layout }));
    this.command = inventory(o.address ?? CHAFON_DEFAULTS.address);
    this.pollMs = o.pollMs ?? CHAFON_DEFAULTS.pollMs;
    this.roundTimeoutMs = o.roundTimeoutMs ?? CHAFON_DEFAULTS.roundTimeoutMs;
    this.dedupe = new Dedupe(o.dedupeMs ?? CHAFON_DEFAULTS.dedupeMs, this.clock);
  }

  protected override onUp(): void {
    this.sentAt = undefined;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.pollMs);
  }

  protected override onDown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = this.clock();
    if (this.sentAt !== undefined && now - this.sentAt < this.roundTimeoutMs) return;
    if (this.send(this.command)) this.sentAt = now;
  }

  protected frame(f: ChafonFrame): void {
    if (f.kind !== 'inventory') {
      this.sentAt = undefined; // some other answer (e.g. to a command a person sent): free the line
      return;
    }
    // Only Status 0x03 (more follow) is documented (§1.3); any other status ends the round.
    if (!f.more) this.sentAt = undefined;
    for (const t of f.tags) {
      if (!this.dedupe.fresh(t.epc)) {
        this.counters.duplicate();
        continue;
      }
      this.reading('tag', tagData(t.epc, t.grai?.grai, f.ant, t.rssi));
    }
  }
}
