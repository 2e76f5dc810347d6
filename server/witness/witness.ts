// The witness: C2SP tlog-witness add-checkpoint over the pure checks in ledger/, with the
// check-then-persist step serialised per log origin (the spec's rollback race) and the
// cosignature made only after the new checkpoint is durable.
import type { NoteVerifier } from '../../ledger/index.js';
import { cosign, type Cosigner } from '../../ledger/cosignature.js';
import { decideAddCheckpoint, encodeTreeSize, requestOrigin, TLOG_SIZE_CONTENT_TYPE } from '../../ledger/witness-protocol.js';
import type { WitnessState } from './state.js';

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface WitnessOptions {
  state: WitnessState;
  cosigner: Cosigner;
  /** Trusted log keys by origin. */
  logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  /** POSIX seconds for the cosignature timestamp. */
  now?: () => number;
  /** Refusals and acceptances, for the operator's log. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

const TEXT = 'text/plain; charset=utf-8';

export class Witness {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: WitnessOptions) {}

  get name(): string {
    return this.opts.cosigner.name;
  }

  /** Answer one add-checkpoint request body. */
  async addCheckpoint(body: string): Promise<WitnessAnswer> {
    // Requests for one log run one at a time: check against the held size, persist, answer.
    const origin = requestOrigin(body) ?? '';
    const previous = this.queues.get(origin) ?? Promise.resolve();
    const mine = previous.then(() => this.decide(body));
    const settled = mine.catch(() => {});
    this.queues.set(origin, settled);
    try {
      return await mine;
    } finally {
      if (this.queues.get(origin) === settled) this.queues.delete(origin);
    }
  }

  private async decide(body: string): Promise<WitnessAnswer> {
    const { state, cosigner, logs } = this.opts;
    const d = decideAddCheckpoint(body, { logKeys: (o) => logs.get(o), latest: (o) => state.latest(o) });
    if (d.status === 200) {
      await state.save(d.origin, d.checkpoint, d.note);
      const now = Math.floor(this.opts.now?.() ?? Date.now() / 1000);
      this.opts.log?.('info', `cosigned ${d.origin} at size ${d.checkpoint.size}`);
      return { status: 200, contentType: TEXT, body: cosign(d.text, cosigner, now) };
    }
    if (d.evidence && d.origin) {
      const file = await state.keepEvidence(d.origin, `${d.status}: ${d.detail}`, d.evidence);
      this.opts.log?.('warn', `refused a signed checkpoint of ${d.origin} (${d.status}: ${d.detail}); kept as evidence/${file}`);
    } else {
      this.opts.log?.('info', `refused a request${d.origin ? ` for ${d.origin}` : ''} (${d.status}: ${d.detail})`);
    }
    if (d.status === 409) return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: encodeTreeSize(d.size) };
    return { status: d.status, contentType: TEXT, body: `${d.detail}\n` };
  }
}
