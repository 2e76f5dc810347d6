// Per-device health counters, kept by each driver and shown by `hazledger gateway` (SIGUSR2, and
// sent to the server with Gateway.reportHealth for GET /api/devices). Counting, not logging, is
// what tells a wrong baud rate (all JUNK, no frames) from a noisy cable (a few BAD_CHECKSUM) or
// a dead reader (link up, no frame for an hour).
import type { FrameError, FrameErrorCode } from '../codec.js';

export interface DeviceHealth {
  protocol: string;
  /** Where the device is: "serial:/dev/ttyUSB0@9600", "tcp:10.1.2.3:4001". */
  link: 'up' | 'down';
  via: string;
  /** Times the link came up and went down since the gateway started. */
  ups: number;
  downs: number;
  /** When the link last changed state (ISO). */
  linkSince: string | null;
  /** Valid frames decoded. */
  frames: number;
  /** Stretches the codec refused, by FrameError code. */
  errors: Partial<Record<FrameErrorCode, number>>;
  lastFrameAt: string | null;
  /** Readings handed to the gateway. */
  readings: number;
  /** Tag reads dropped as repeats of an EPC seen within the dedupe window. */
  duplicates: number;
  /** Errors the device itself answered (R2000 error codes, LLRP statuses, MT-SICS ES/ET/EL). */
  deviceErrors: number;
  /** Weighings not turned into readings (a unit that cannot be put in kg exactly). */
  refused: number;
  /** The last problem of any kind, for a person reading the summary. */
  lastProblem: string | null;
}

export class Health {
  private readonly h: DeviceHealth;

  constructor(protocol: string, via: string) {
    this.h = {
      protocol,
      link: 'down',
      via,
      ups: 0,
      downs: 0,
      linkSince: null,
      frames: 0,
      errors: {},
      lastFrameAt: null,
      readings: 0,
      duplicates: 0,
      deviceErrors: 0,
      refused: 0,
      lastProblem: null,
    };
  }

  linkUp(): void {
    this.h.link = 'up';
    this.h.ups++;
    this.h.linkSince = new Date().toISOString();
  }

  linkDown(reason: string): void {
    this.h.link = 'down';
    this.h.downs++;
    this.h.linkSince = new Date().toISOString();
    this.h.lastProblem = `link down: ${reason}`;
  }

  frame(): void {
    this.h.frames++;
    this.h.lastFrameAt = new Date().toISOString();
  }

  frameError(e: FrameError): void {
    this.h.errors[e.code] = (this.h.errors[e.code] ?? 0) + 1;
    this.h.lastProblem = `${e.code}: ${e.message}`;
  }

  reading(): void {
    this.h.readings++;
  }

  duplicate(): void {
    this.h.duplicates++;
  }

  deviceError(what: string): void {
    this.h.deviceErrors++;
    this.h.lastProblem = what;
  }

  refused(what: string): void {
    this.h.refused++;
    this.h.lastProblem = what;
  }

  problem(what: string): void {
    this.h.lastProblem = what;
  }

  snapshot(): DeviceHealth {
    return { ...this.h, errors: { ...this.h.errors } };
  }
}

/**
 * Drops repeat reads of the same EPC: a drum standing by an antenna is read several times a
 * second, but it is one sighting. A read is news when the EPC was not seen at all in the last
 * `windowMs` (default 2 s); every read, reported or not, extends the window. So a drum that stays
 * in the field is reported once, and again only after it has been out of the field for a whole
 * window (a sliding window: a fixed one would seal a sighting every 2 s of a drum parked by the
 * loading-bay reader). The window should exceed the reader's inventory interval.
 */
export class Dedupe {
  private readonly seen = new Map<string, number>();
  private swept = 0;

  constructor(
    readonly windowMs = 2000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  fresh(epc: string): boolean {
    const now = this.clock();
    const last = this.seen.get(epc);
    this.seen.delete(epc); // re-insert: the map stays in last-seen order, oldest first
    this.seen.set(epc, now);
    if (now - this.swept >= this.windowMs) this.sweep(now);
    return last === undefined || now - last >= this.windowMs;
  }

  private sweep(now: number): void {
    this.swept = now;
    for (const [epc, at] of this.seen) {
      if (now - at < this.windowMs) break;
      this.seen.delete(epc);
    }
  }
}
