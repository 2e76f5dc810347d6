// The producer's management ledger (管理台账, HJ 1259-2022) for a period, read from the sealed log
// in index order, one window of entries at a time: generation (unit.registered), storage in
// (unit.stored), storage out (unit.retrieved, or unit.loaded straight out of storage), transfer
// (the manifest's first departure from the producer: one line per unit on board) and receipt
// (unit.received / unit.refused). Every line names the entry it comes from by its ledger index.
// The export reads up to the log size it found at the start: the log is append-only, so what it
// reads is one consistent view whatever is sealed meanwhile.
import { fromUtf8, toBase64, type Envelope } from '../../ledger/index.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { loadRegistry, type Registry } from '../documents/sealed-entries.js';
import type { LedgerLine } from './ledger-columns.js';
import type { Period } from './period.js';
import { loadUnitHistory, type UnitHistory } from './unit-history.js';

export interface LedgerWindow {
  lines: LedgerLine[];
  /** Log entries read so far, of `total` (the log size at the start). */
  done: number;
  total: number;
}

export interface LedgerQuery {
  orgId: string;
  period: Period;
  /** Entries of the log read per query. */
  window?: number;
}

/**
 * Log entries read per window. Each window's bodies, units and histories die together; small
 * windows let them die young, which keeps the heap near 40 MB (2,000 doubled the peak heap).
 */
export const WINDOW = 500;

const LINE_TYPES = ['unit.registered', 'unit.stored', 'unit.retrieved', 'unit.loaded', 'unit.received', 'unit.refused', 'manifest.departed'];
const DISCREPANCY: Record<string, string> = { quantity: '数量不符', type: '类型不符' };

/** The size of the log now: what an export started now reads. */
export async function logSize(sql: Sql): Promise<number> {
  const [head] = await sql.query<{ size: unknown }>('SELECT size FROM ledger_head WHERE id = 0');
  return head ? num(head.size) : 0;
}

type EntryRow = { idx: unknown; body: unknown; leaf_hash: unknown };
interface Candidate { index: number; leafHash: string; e: Envelope }

/**
 * The entries of one window that may make lines: the producer's units' steps and its manifests'
 * first departures, in the period. Whose they are is asked by id for the window's subjects only
 * (a join or EXISTS lets the planner hash every unit of the producer, once per window).
 */
async function candidates(sql: Sql, q: LedgerQuery, start: number, end: number): Promise<Candidate[]> {
  const rows = await sql.query<EntryRow & { type: string; unit_id: string | null; manifest_id: string | null }>(
    'SELECT idx, body, leaf_hash, type, unit_id, manifest_id FROM ledger_entries WHERE idx >= $1 AND idx < $2 AND type = ANY($3) ORDER BY idx',
    [start, end, LINE_TYPES],
  );
  const unitIds = [...new Set(rows.filter((r) => r.unit_id && r.type !== 'manifest.departed').map((r) => r.unit_id!))];
  const departed = [...new Set(rows.filter((r) => r.type === 'manifest.departed').map((r) => r.manifest_id!))];
  const [units, manifests, firsts] = await Promise.all([
    unitIds.length ? sql.query<{ id: string }>('SELECT id FROM units WHERE id = ANY($1) AND producer_org_id = $2', [unitIds, q.orgId]) : [],
    departed.length ? sql.query<{ id: string }>('SELECT id FROM manifests WHERE id = ANY($1) AND producer_org_id = $2', [departed, q.orgId]) : [],
    departed.length ? sql.query<{ manifest_id: string; first: unknown }>(
      `SELECT manifest_id, min(idx) AS first FROM ledger_entries WHERE manifest_id = ANY($1) AND type = 'manifest.departed' GROUP BY manifest_id`, [departed]) : [],
  ]);
  const ours = new Set(units.map((u) => u.id));
  const firstDeparture = new Map(firsts.map((f) => [f.manifest_id, num(f.first)]));
  const consigned = new Set(manifests.map((m) => m.id));
  const kept = rows.filter((r) => (r.type === 'manifest.departed'
    ? consigned.has(r.manifest_id!) && firstDeparture.get(r.manifest_id!) === num(r.idx)
    : ours.has(r.unit_id!)));
  // The period is on `at`, inside the body: parsed here (V8 is quicker at it than jsonb).
  const from = Date.parse(q.period.start), to = Date.parse(q.period.end);
  return kept
    .map((r) => ({ index: num(r.idx), leafHash: toBase64(bytes(r.leaf_hash)), e: JSON.parse(fromUtf8(bytes(r.body))) as Envelope }))
    .filter((c) => Date.parse(c.e.at) >= from && Date.parse(c.e.at) < to);
}

type UnitInfo = { hj_code: string; name: string; waste_code: string; waste_category: string; container_type: string };
type ManifestInfo = { number: string; legs: { transporterOrgId: string }[]; receiver_org_id: string };

/** Everything the window's lines look up: units, manifests, what each departure carried, unit histories. */
async function lookups(sql: Sql, found: Candidate[], before: number, bound: number) {
  const manifestIds = [...new Set(found.map((c) => c.e.manifest).filter((m): m is string => !!m))];
  const departed = found.filter((c) => c.e.type === 'manifest.departed').map((c) => c.e.manifest!);
  const onBoard = new Map<string, string[]>();
  if (departed.length > 0) {
    const pickups = await sql.query<{ manifest_id: string; taken: string }>(
      `SELECT manifest_id, j #>> '{data,taken}' AS taken FROM (
         SELECT idx, manifest_id, convert_from(body, 'UTF8')::jsonb AS j FROM ledger_entries
         WHERE manifest_id = ANY($1) AND type = 'manifest.signed') p
       WHERE idx < $2 AND j #>> '{data,step}' = 'pick_up' ORDER BY idx`,
      [departed, before],
    );
    for (const p of pickups) if (!onBoard.has(p.manifest_id)) onBoard.set(p.manifest_id, JSON.parse(p.taken) as string[]);
  }
  const unitIds = [...new Set([...found.map((c) => c.e.unit).filter((u): u is string => !!u), ...[...onBoard.values()].flat()])];
  const generated = found.filter((c) => c.e.type === 'unit.registered').map((c) => c.e.unit!);
  const [unitRows, manifestRows, history] = await Promise.all([
    unitIds.length ? sql.query<UnitInfo & { id: string }>('SELECT id, hj_code, name, waste_code, waste_category, container_type FROM units WHERE id = ANY($1)', [unitIds]) : [],
    manifestIds.length ? sql.query<ManifestInfo & { id: string }>('SELECT id, number, legs, receiver_org_id FROM manifests WHERE id = ANY($1)', [manifestIds]) : [],
    loadUnitHistory(sql, unitIds, before, generated, bound),
  ]);
  return { onBoard, units: new Map(unitRows.map((u) => [u.id, u])), manifests: new Map(manifestRows.map((m) => [m.id, m])), history };
}

type Lookups = Awaited<ReturnType<typeof lookups>>;

function linesOf(c: Candidate, look: Lookups, registry: Registry): LedgerLine[] {
  const { e } = c;
  const d = e.data as Record<string, any>;
  const m = e.manifest ? look.manifests.get(e.manifest) : undefined;
  const handler = registry.person(e.by.person) ?? e.by.device;
  const orgName = (id: string | undefined) => (id ? registry.org(id)?.name ?? id : undefined);
  const line = (unitId: string, rest: Partial<LedgerLine>): LedgerLine => {
    const u = look.units.get(unitId)!;
    const w = look.history.weighingBefore(unitId, c.index);
    return {
      index: c.index, leafHash: c.leafHash, stage: 'generation', at: e.at, batch: d.eventId,
      wasteName: u.name, wasteCategory: u.waste_category, wasteCode: u.waste_code, containerCode: u.hj_code, containerType: u.container_type,
      quantityKg: w?.netKg, quantityIndex: w?.index, handler, ...rest,
    };
  };
  const place = (unitId: string) => look.history.placeBefore(unitId, c.index);
  switch (e.type) {
    case 'unit.registered': {
      const w = look.history.firstWeighing(e.unit!);
      return [line(e.unit!, { stage: 'generation', facility: d.siteId, quantityKg: w?.netKg, quantityIndex: w?.index })];
    }
    case 'unit.stored':
      return [line(e.unit!, { stage: 'storageIn', facility: d.siteId, bay: d.bay })];
    case 'unit.retrieved': {
      const p = place(e.unit!);
      return [line(e.unit!, { stage: 'storageOut', facility: p?.siteId, bay: p?.bay, note: d.reason })];
    }
    case 'unit.loaded': {
      // Loaded straight out of storage: that is its storage out. Otherwise it was already out.
      const p = place(e.unit!);
      if (p?.type !== 'unit.stored') return [];
      return [line(e.unit!, { stage: 'storageOut', facility: p.siteId, bay: p.bay, destination: '转移', manifestNumber: m?.number })];
    }
    case 'unit.received':
    case 'unit.refused': {
      const refused = e.type === 'unit.refused';
      const outcome = refused ? '拒收' : e.by.role === 'producer' ? '退回接收' : '接收';
      const note = refused ? [d.reason, DISCREPANCY[d.discrepancy]].filter(Boolean).join('；') : undefined;
      const weighed = d.netKg ? { quantityKg: d.netKg as string, quantityIndex: c.index } : { quantityKg: undefined, quantityIndex: undefined };
      return [line(e.unit!, { stage: 'receipt', ...weighed, manifestNumber: m?.number, receiver: orgName(e.by.org), outcome, note })];
    }
    case 'manifest.departed': {
      const receiver = orgName(m?.receiver_org_id);
      return (look.onBoard.get(e.manifest!) ?? []).filter((u) => look.units.has(u)).map((u) => line(u, {
        stage: 'transfer', facility: look.history.siteBefore(u, c.index)?.siteId, destination: receiver, manifestNumber: m?.number,
        carrier: orgName(m?.legs[0]?.transporterOrgId), vehiclePlate: d.vehiclePlate, receiver,
      }));
    }
    default:
      return [];
  }
}

/** The ledger's lines in log order, a window at a time (a window with no lines still reports progress). */
export async function* managementLedger(sql: Sql, q: LedgerQuery): AsyncGenerator<LedgerWindow> {
  const total = await logSize(sql);
  const registry = await loadRegistry(sql);
  const size = q.window ?? WINDOW;
  for (let start = 0; start < total; start += size) {
    const end = Math.min(total, start + size);
    const found = await candidates(sql, q, start, end);
    const look = found.length ? await lookups(sql, found, end, total) : undefined;
    yield { lines: look ? found.flatMap((c) => linesOf(c, look, registry)) : [], done: end, total };
  }
}
