// MT-SICS balances and indicators (devices.md §4.5): request/response lines. The driver either
// polls `SI` (immediate weight) every `pollMs`, one request outstanding at a time, or sends `SIR`
// once per connection so the device repeats SI answers by itself (SIR's output is unconfirmed,
// §10: try it on site before relying on it). `S S` / `S D` carry the stability flag, `S +` / `S -`
// are out of range (§4.6); ES/ET/EL are counted as device errors.
import { createMtSicsDecoder, encodeCommand, type MtSicsReply } from '../mtsics/protocol.js';
import { fromMtSics } from '../scale/readings.js';
import { WeighbridgeDriver, type WeighbridgeOptions } from './weighbridge.js';

export interface MtSicsDriverOptions extends WeighbridgeOptions {
  /** 'SI' polls (default); 'SIR' asks once per connection for repeated answers. */
  mode?: 'SI' | 'SIR';
  /** Poll interval in 'SI' mode (default 250 ms: 4 readings a second). */
  pollMs?: number;
  /** An unanswered SI is given up after this long and sent again (default 2000 ms). */
  replyTimeoutMs?: number;
}

export const MTSICS_DEFAULTS = { mode: 'SI', pollMs: 250, replyTimeoutMs: 2000 } as const;

export class MtSicsDriver extends WeighbridgeDriver<MtSicsReply> {
  private readonly mode: 'SI' | 'SIR';
  private readonly pollMs: number;
  private readonly replyTimeoutMs: number;
  private timer?: NodeJS.Timeout;
  private sentAt?: number;

  constructor(o: MtSicsDriverOptions) {
    super(o, 'mtsics', () => createMtSicsDecoder());
    this.mode = o.mode ?? MTSICS_DEFAULTS.mode;
    if (this.mode !== 'SI' && this.mode !== 'SIR') throw new Error(`${o.id}: MT-SICS mode must be SI or SIR, got ${String(this.mode)}`);
    this.pollMs = o.pollMs ?? MTSICS_DEFAULTS.pollMs;
    this.replyTimeoutMs = o.replyTimeoutMs ?? MTSICS_DEFAULTS.replyTimeoutMs;
  }

  protected override onUp(): void {
    this.sentAt = undefined;
    if (this.mode === 'SIR') {
      this.send(encodeCommand('SIR'));
      return;
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), this.pollMs);
  }

  protected override onDown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  protected override onStop(): void {
    // `@` (reset) ends SIR's repeating, so the device is left as we found it.
    if (this.mode === 'SIR' && this.link.up) this.send(encodeCommand('@'));
  }

  private tick(): void {
    const now = this.clock();
    if (this.sentAt !== undefined && now - this.sentAt < this.replyTimeoutMs) return;
    if (this.send(encodeCommand('SI'))) this.sentAt = now;
  }

  protected frame(r: MtSicsReply): void {
    this.sentAt = undefined;
    if (r.kind === 'error') {
      this.counters.deviceError(`MT-SICS ${r.code}`);
      return;
    }
    if (r.kind === 'status' && r.status === 'I') this.counters.deviceError(`MT-SICS ${r.id} I: not executable`);
    this.weigh(fromMtSics(r, this.clock()));
  }
}
