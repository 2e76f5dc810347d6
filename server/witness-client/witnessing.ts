// The log side of C2SP tlog-witness: after each new checkpoint, submit the latest one to every
// configured witness with a consistency proof from the size the witness holds, keep the
// cosignatures it returns. Runs beside the sequencer and never holds it up: a witness that is
// down, slow or refusing is reported and retried with backoff while sealing goes on.
import { LedgerReader } from '../../ledger/store/reader.js';
import type { Sql } from '../../ledger/store/sql.js';
import { parseCosignerVkey } from '../../ledger/cosignature.js';
import type { WitnessEndpoint } from '../config.js';
import { addCheckpoint, type ClientOptions, type WitnessPeer } from './client.js';
import { WitnessConflictError, WitnessError, WitnessUnavailableError } from './errors.js';
import { CosignatureStore } from './store.js';

export interface WitnessingOptions extends ClientOptions {
  sql: Sql;
  witnesses: readonly WitnessEndpoint[];
  /** Delay after the first failure, doubled after each further one up to the cap (ms). */
  backoff?: { firstMs: number; maxMs: number };
  /** A cosignature kept: `witness` is the key's name, `url` its submission prefix (as in errors). */
  onCosigned?: (witness: string, size: number, url: string) => void;
  /** Every failure; a WitnessConflictError is a split-view finding. Default: a line on stderr. */
  onError?: (e: WitnessError) => void;
}

const DEFAULT_BACKOFF = { firstMs: 1_000, maxMs: 5 * 60_000 };
/** 409 answers followed in one attempt before giving up until the next. */
const MAX_SIZE_ROUNDS = 4;

class PeerLoop {
  /** The size the witness holds, as far as this log knows; read from the table at first. */
  private known?: number;
  private cosignedUpTo?: number;
  private running?: Promise<void>;
  private dirty = false;
  private failures = 0;
  private nextAt = 0;
  private timer?: NodeJS.Timeout;
  stopped = false;

  constructor(
    readonly peer: WitnessPeer,
    private readonly w: Witnessing,
    private readonly opts: WitnessingOptions,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    const wait = this.nextAt - Date.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, wait).unref();
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.dirty) this.kick(); // a checkpoint arrived meanwhile, or a retry is due after the backoff
    });
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Submit the current checkpoint even if this witness already cosigned it, and wait for the
   * answer: at start, before anything is signed, it tells whether the witness has seen more of
   * this log than the database holds (a whole data directory restored from a backup).
   */
  async probe(timeoutMs: number): Promise<void> {
    await this.settled();
    if (this.stopped) return;
    this.running = this.run({ force: true, timeoutMs }).finally(() => (this.running = undefined));
    await this.running;
  }

  private async run(how: { force?: boolean; timeoutMs?: number } = {}): Promise<void> {
    try {
      do {
        this.dirty = false;
        await this.once(how);
        how = {};
      } while (this.dirty && !this.stopped);
      this.failures = 0;
      this.nextAt = 0;
    } catch (e) {
      const err = e instanceof WitnessError ? e : new WitnessUnavailableError(this.peer.url, `local failure: ${(e as Error).message}`);
      const { firstMs, maxMs } = this.opts.backoff ?? DEFAULT_BACKOFF;
      this.failures++;
      // A conflict will not go away by itself: it is retried at the slowest pace.
      const delay = err instanceof WitnessConflictError ? maxMs : Math.min(maxMs, firstMs * 2 ** Math.min(this.failures - 1, 30));
      this.nextAt = Date.now() + delay;
      this.dirty = true; // try again after the delay even if no new checkpoint comes
      (this.opts.onError ?? ((x) => console.error(`witness ${x.witness}: ${x.message}`)))(err);
    }
  }

  private async once({ force = false, timeoutMs = this.opts.timeoutMs }: { force?: boolean; timeoutMs?: number }): Promise<void> {
    const { reader, store } = this.w;
    let head = await reader.head();
    if (head.size === 0 && !force) return;
    const keyIdHex = Buffer.from(this.peer.key.keyId).toString('hex');
    if (this.known === undefined) {
      this.cosignedUpTo = await store.lastSize(this.peer.key.name, keyIdHex);
      this.known = this.cosignedUpTo ?? 0;
    }
    if (this.cosignedUpTo === head.size && !force) return;
    let old = this.known;
    for (let round = 0; round < MAX_SIZE_ROUNDS; round++) {
      if (old > head.size) head = await reader.head(); // another process may have sealed further
      if (old > head.size) {
        throw new WitnessConflictError(this.peer.url, 'witness-ahead', head.checkpoint, head.size, old,
          `witness ${this.peer.key.name} holds size ${old} of this log, which has only ${head.size} entries`, 409);
      }
      const proof = old === 0 || old === head.size ? [] : (await reader.consistency(old, head.size)).path;
      const r = await addCheckpoint(this.peer, { oldSize: old, proof, checkpoint: head.checkpoint }, { ...this.opts, timeoutMs });
      if (r.kind === 'stale-old') {
        old = this.known = r.witnessSize;
        continue;
      }
      await store.add(head.size, r.cosignature);
      this.known = this.cosignedUpTo = head.size;
      this.opts.onCosigned?.(this.peer.key.name, head.size, this.peer.url);
      return;
    }
    throw new WitnessUnavailableError(this.peer.url, `the witness's size kept changing (${MAX_SIZE_ROUNDS} answers 409)`);
  }
}

export class Witnessing {
  readonly reader: LedgerReader;
  readonly store: CosignatureStore;
  private readonly peers: PeerLoop[];

  constructor(opts: WitnessingOptions) {
    this.reader = new LedgerReader(opts.sql);
    this.store = new CosignatureStore(opts.sql);
    this.peers = opts.witnesses.map((w) => new PeerLoop({ url: w.url.replace(/\/+$/, ''), key: parseCosignerVkey(w.vkey) }, this, opts));
  }

  /** Submit the current checkpoint to every witness (at start: catch up). */
  start(): void {
    this.notify();
  }

  /** Ask every witness now, whatever this log believes they hold; failures go to onError as usual. */
  async probe(timeoutMs: number): Promise<void> {
    await Promise.all(this.peers.map((p) => p.probe(timeoutMs)));
  }

  /** A new checkpoint was signed. Returns at once; the submissions run in the background. */
  notify(): void {
    for (const p of this.peers) p.kick();
  }

  /** Resolves when no submission is in flight (a witness waiting out its backoff does not count). */
  async idle(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.settled()));
  }

  async stop(): Promise<void> {
    for (const p of this.peers) p.stop();
    await this.idle();
  }
}
