// LLRP fixed readers (Impinj/Zebra class) over TCP 5084 (devices.md §1.4). The client flow of
// §1.4: wait for READER_EVENT_NOTIFICATION with ConnectionAttemptEvent = Success, then
// DELETE_ROSPEC (0: all), ADD_ROSPEC, ENABLE_ROSPEC, START_ROSPEC, each sent once the reader has
// answered the one before (a reader handles them in order, and a refusal must stop the chain);
// then RO_ACCESS_REPORTs stream in. KEEPALIVE is answered with KEEPALIVE_ACK (the one
// reader-initiated message that needs an answer, §1.4). SET_READER_CONFIG ResetToFactoryDefault
// (step 3 of §1.4) is left out on purpose: it would wipe a site's antenna power and region setup.
//
// A refused ADD/ENABLE/START closes the connection; the link reconnects with its backoff, which
// is reset only once START_ROSPEC has succeeded, so a reader that keeps refusing is retried at
// 10 s, not every 250 ms. The stream decoder frames by the header length, so messages coalesced
// in one TCP chunk are all read (the llrpjs defect, §1.4).
import {
  LLRP_PORT,
  LlrpStreamDecoder,
  encodeAddRospec,
  encodeCloseConnection,
  encodeDeleteRospec,
  encodeEnableRospec,
  encodeKeepaliveAck,
  encodeStartRospec,
  type LlrpMessage,
  type RoSpecOptions,
} from '../llrp/protocol.js';
import { Driver, tagData, type DriverOptions } from './driver.js';
import { Dedupe } from './health.js';

export interface LlrpDriverOptions extends DriverOptions {
  /** The ROSpec to add (default: id 1, all antennas, started by START_ROSPEC, one report per tag). */
  roSpec?: Partial<RoSpecOptions>;
  dedupeMs?: number;
}

export { LLRP_PORT };
export const LLRP_DEFAULTS = { roSpecId: 1, dedupeMs: 2000 } as const;

type Step = 'greeting' | 'DELETE_ROSPEC' | 'ADD_ROSPEC' | 'ENABLE_ROSPEC' | 'START_ROSPEC' | 'reading';

export class LlrpDriver extends Driver<LlrpMessage> {
  private readonly roSpec: RoSpecOptions;
  private readonly dedupe: Dedupe;
  private step: Step = 'greeting';
  private messageId = 0;

  constructor(o: LlrpDriverOptions) {
    if (o.link.type !== 'tcp') throw new Error(`${o.id}: LLRP runs over TCP (port ${LLRP_PORT}), not a serial port`);
    super(o, 'llrp', () => new LlrpStreamDecoder());
    this.goodOnFrame = false;
    this.roSpec = { ...o.roSpec, roSpecId: o.roSpec?.roSpecId ?? LLRP_DEFAULTS.roSpecId };
    encodeAddRospec({ messageId: 0, roSpec: this.roSpec }); // a bad ROSpec fails here, at startup
    this.dedupe = new Dedupe(o.dedupeMs ?? LLRP_DEFAULTS.dedupeMs, this.clock);
  }

  /** Where the setup stands: 'reading' once START_ROSPEC succeeded. */
  get state(): Step {
    return this.step;
  }

  protected override onUp(): void {
    this.step = 'greeting';
  }

  protected override onDown(): void {
    this.step = 'greeting';
  }

  protected override onStop(): void {
    if (this.link.up) this.send(encodeCloseConnection({ messageId: this.nextId() }));
  }

  private nextId(): number {
    this.messageId = (this.messageId + 1) >>> 0;
    return this.messageId;
  }

  private next(step: Exclude<Step, 'greeting' | 'reading'>): void {
    this.step = step;
    const messageId = this.nextId();
    const roSpecId = this.roSpec.roSpecId;
    const bytes =
      step === 'DELETE_ROSPEC'
        ? encodeDeleteRospec({ messageId, roSpecId: 0 })
        : step === 'ADD_ROSPEC'
          ? encodeAddRospec({ messageId, roSpec: this.roSpec })
          : step === 'ENABLE_ROSPEC'
            ? encodeEnableRospec({ messageId, roSpecId })
            : encodeStartRospec({ messageId, roSpecId });
    this.send(bytes);
  }

  protected frame(m: LlrpMessage): void {
    switch (m.name) {
      case 'READER_EVENT_NOTIFICATION': {
        const attempt = m.event.connectionAttempt;
        if (attempt && attempt.status === 0) return this.next('DELETE_ROSPEC');
        if (attempt) {
          this.counters.deviceError(`connection refused by the reader: ${attempt.name}`);
          this.log(`${this.o.id}: reader refused the connection: ${attempt.name}`);
        }
        if (m.event.connectionClose) this.log(`${this.o.id}: reader is closing the connection`);
        return;
      }
      case 'KEEPALIVE':
        this.send(encodeKeepaliveAck({ messageId: m.messageId }));
        return;
      case 'RO_ACCESS_REPORT':
        for (const t of m.tags) {
          if (!this.dedupe.fresh(t.epc)) {
            this.counters.duplicate();
            continue;
          }
          this.reading('tag', tagData(t.epc, t.grai, t.antennaId, t.peakRssi));
        }
        return;
      case 'DELETE_ROSPEC_RESPONSE':
      case 'ADD_ROSPEC_RESPONSE':
      case 'ENABLE_ROSPEC_RESPONSE':
      case 'START_ROSPEC_RESPONSE':
        return this.answered(m.name.replace('_RESPONSE', '') as Step, m.status.ok, `${m.status.name} ${m.status.description}`.trim());
      case 'ERROR_MESSAGE':
        this.counters.deviceError(`reader ERROR_MESSAGE: ${m.status.name} ${m.status.description}`.trim());
        this.logLimited('ERROR_MESSAGE', `${this.o.id}: reader sent ERROR_MESSAGE ${m.status.name} ${m.status.description}`);
        return;
      default:
        return; // other responses and events: nothing to do
    }
  }

  private answered(to: Step, ok: boolean, status: string): void {
    if (to !== this.step) return; // a late answer to a previous connection's command
    // Deleting "all" when there is none may be refused by some readers: go on regardless.
    if (!ok && to !== 'DELETE_ROSPEC') {
      this.counters.deviceError(`${to} refused: ${status}`);
      this.log(`${this.o.id}: reader refused ${to}: ${status}; reconnecting`);
      this.link.restart(`${to} refused`);
      return;
    }
    if (to === 'DELETE_ROSPEC') return this.next('ADD_ROSPEC');
    if (to === 'ADD_ROSPEC') return this.next('ENABLE_ROSPEC');
    if (to === 'ENABLE_ROSPEC') return this.next('START_ROSPEC');
    this.step = 'reading';
    this.link.good();
    this.log(`${this.o.id}: ROSpec ${this.roSpec.roSpecId} started`);
  }
}
