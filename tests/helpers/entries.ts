// Realistic entries for tests and benchmarks: units that follow their lifecycle (registered,
// weighed, stored, retrieved, weighed, stored…), each entry linked to its unit's previous one.
// A log made of them replays into a valid read side (`hazledger rebuild`).
import { encodeEntry, leafHash, toBase64, type Envelope } from '../../ledger/index.js';
import type { PendingEntry } from '../../ledger/store/sequencer.js';

const CYCLE = ['unit.weighed', 'unit.stored', 'unit.retrieved'] as const;

function dataFor(type: Envelope['type'], unit: string, i: number): Record<string, unknown> {
  switch (type) {
    case 'unit.registered':
      return {
        hjCode: `TEST-${unit}`, producerOrgId: 'org-hengkang', siteId: 'site-hengkang-plant', wasteCode: '271-001-02',
        wasteCategory: 'HW02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态', containerType: '钢桶', volumeL: 200,
        components: '有机溶剂残渣', generationDate: '2026-11-01',
      };
    case 'unit.weighed':
      return { grossKg: String(200 + (i % 50)), tareKg: '18.5', netKg: `${181 + (i % 50)}.5`, unitOfMeasure: 'kg', source: 'manual', seq: i };
    case 'unit.stored':
      return { siteId: 'site-hengkang-store', bay: `A-${String(i % 40).padStart(2, '0')}` };
    default:
      return { seq: i };
  }
}

/**
 * Entries for `units` units in round-robin. The caller must seal them in the order given for
 * the links to hold. `offset` starts the unit names at a fresh number, for a log that has some.
 */
export class ChainedEntries {
  private readonly last = new Map<string, { hash: string; steps: number }>();
  private n = 0;
  constructor(
    private readonly units = 50,
    private readonly offset = 0,
  ) {}

  next(): PendingEntry {
    const i = this.n++;
    const unit = `U-${String(this.offset + (i % this.units)).padStart(6, '0')}`;
    const prev = this.last.get(unit);
    const type = prev ? CYCLE[(prev.steps - 1) % CYCLE.length] : 'unit.registered';
    const e: Envelope = {
      v: 1,
      type,
      at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      by: { org: 'org-hengkang', person: 'p-wang-jianguo', role: 'producer' },
      unit,
      ...(prev ? { prev: { unit: prev.hash } } : {}),
      data: dataFor(type, unit, i),
    };
    const entry = encodeEntry(e);
    this.last.set(unit, { hash: toBase64(leafHash(entry.body)), steps: (prev?.steps ?? 0) + 1 });
    return entry;
  }

  take(count: number): PendingEntry[] {
    return Array.from({ length: count }, () => this.next());
  }
}
