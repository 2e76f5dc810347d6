// What a ledger line needs from its unit's earlier entries — the last producer weighing, where it
// was — read per window of the log for the units in that window only, so memory follows the
// window, not the log.
import { fromUtf8 } from '../../ledger/index.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';

export interface Fact {
  index: number;
  type: string;
  role: string;
  netKg?: string;
  siteId?: string;
  bay?: string;
}

/** Entries that move a unit from one place to another (or into storage and out). */
const PLACE_TYPES = ['unit.registered', 'unit.stored', 'unit.retrieved', 'unit.loaded', 'unit.received'];
const FACT_TYPES = [...PLACE_TYPES, 'unit.weighed'];

type FactRow = { idx: unknown; unit_id: string; type: string; body: unknown };

/** V8 parses a body faster than the database makes jsonb of it, so the bodies come over whole. */
function toFact(r: FactRow): Fact {
  const e = JSON.parse(fromUtf8(bytes(r.body))) as { by: { role: string }; data: Record<string, unknown> };
  const d = e.data as { netKg?: string; siteId?: string; bay?: string };
  return { index: num(r.idx), type: r.type, role: e.by.role, ...(d.netKg ? { netKg: d.netKg } : {}), ...(d.siteId ? { siteId: d.siteId } : {}), ...(d.bay ? { bay: d.bay } : {}) };
}

export class UnitHistory {
  constructor(
    private readonly facts: Map<string, Fact[]>,
    private readonly firstWeighings: Map<string, Fact>,
  ) {}

  private lastBefore(unitId: string, index: number, keep: (f: Fact) => boolean): Fact | undefined {
    const list = this.facts.get(unitId) ?? [];
    let hit: Fact | undefined;
    for (const f of list) {
      if (f.index >= index) break;
      if (keep(f)) hit = f;
    }
    return hit;
  }

  /** The producer's last weighing before `index`: the unit's quantity at that step. */
  weighingBefore(unitId: string, index: number): Fact | undefined {
    return this.lastBefore(unitId, index, (f) => f.type === 'unit.weighed' && f.role === 'producer');
  }

  /** The entry that last put the unit somewhere before `index` (registered, stored, retrieved, loaded, taken back). */
  placeBefore(unitId: string, index: number): Fact | undefined {
    return this.lastBefore(unitId, index, (f) => PLACE_TYPES.includes(f.type));
  }

  /** The last site the unit was registered or stored at before `index`: where it left from. */
  siteBefore(unitId: string, index: number): Fact | undefined {
    return this.lastBefore(unitId, index, (f) => f.siteId !== undefined && (f.type === 'unit.registered' || f.type === 'unit.stored'));
  }

  /** The producer's first weighing of the unit, whenever it came: the quantity generated. */
  firstWeighing(unitId: string): Fact | undefined {
    return this.firstWeighings.get(unitId);
  }
}

/**
 * Facts of `unitIds` sealed before `before`, and the first producer weighing of `generated`
 * (which may come after the window, but before `bound`, the log size the export reads up to).
 */
// The index bounds are applied here, not in SQL: with `idx < n` in the query, the planner may walk
// the primary key from 0 to n for an early window (the log's start), which grows with the log.
export async function loadUnitHistory(sql: Sql, unitIds: string[], before: number, generated: string[], bound: number): Promise<UnitHistory> {
  const facts = new Map<string, Fact[]>();
  const first = new Map<string, Fact>();
  if (unitIds.length > 0) {
    const rows = await sql.query<FactRow>(
      'SELECT idx, unit_id, type, body FROM ledger_entries WHERE unit_id = ANY($1) AND type = ANY($2) ORDER BY idx',
      [unitIds, FACT_TYPES],
    );
    for (const r of rows) {
      if (num(r.idx) >= before) continue;
      const list = facts.get(r.unit_id) ?? facts.set(r.unit_id, []).get(r.unit_id)!;
      list.push(toFact(r));
    }
  }
  if (generated.length > 0) {
    const rows = await sql.query<FactRow>(
      `SELECT idx, unit_id, type, body FROM ledger_entries WHERE unit_id = ANY($1) AND type = 'unit.weighed' ORDER BY idx`,
      [generated],
    );
    for (const r of rows) {
      if (first.has(r.unit_id) || num(r.idx) >= bound) continue;
      const f = toFact(r);
      if (f.role === 'producer') first.set(r.unit_id, f);
    }
  }
  return new UnitHistory(facts, first);
}
