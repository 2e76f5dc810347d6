// Realistic entries for tests and benchmarks: unit events chained by `prev` links.
import { encodeEntry, toBase64, leafHash, type Envelope } from '../../ledger/index.js';
import type { PendingEntry } from '../../ledger/store/sequencer.js';

const TYPES = ['unit.weighed', 'unit.stored', 'unit.retrieved', 'unit.sighted'] as const;

/**
 * Makes entries for `units` units in round-robin, each linked to its unit's previous entry.
 * The caller must seal them in the order given for the links to hold.
 */
export class ChainedEntries {
  private readonly last = new Map<string, string>();
  private n: number;
  /** `offset` starts the units' names at a fresh number, for a log that already has chains. */
  constructor(
    private readonly units = 50,
    private readonly offset = 0,
  ) {
    this.n = 0;
  }

  next(): PendingEntry {
    const i = this.n++;
    const unit = `U-${String(this.offset + (i % this.units)).padStart(6, '0')}`;
    const prev = this.last.get(unit);
    const e: Envelope = {
      v: 1,
      type: prev ? TYPES[i % TYPES.length] : 'unit.registered',
      at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      by: { org: 'org-hengkang', person: 'p-wang', role: 'producer', device: 'dev-hengkang-scale' },
      unit,
      ...(prev ? { prev: { unit: prev } } : {}),
      data: { seq: i, grossKg: String(200 + (i % 50)), tareKg: '18.5', site: 'site-hengkang-store' },
    };
    const entry = encodeEntry(e);
    this.last.set(unit, toBase64(leafHash(entry.body)));
    return entry;
  }

  take(count: number): PendingEntry[] {
    return Array.from({ length: count }, () => this.next());
  }
}
