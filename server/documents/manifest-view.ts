// What the printed manifest shows, gathered from the sealed entries (never from memory of the
// read side alone): the parties, each leg with its transporter and vehicle, the units with their
// producer's and receiver's weights, and every step with its signer, signature and ledger index.
import type { Sql } from '../../ledger/store/sql.js';
import type { ManifestRow } from '../custody/manifest-projection.js';
import { manifestQr } from './manifest-qr.js';
import { loadRegistry, manifestEntries, signatureOf, tagAt, unitFacts, type Registry, type SealedEntry, type Weighing } from './sealed-entries.js';

export interface Party { name: string; uscc?: string; contact?: string; address?: string; licences?: string[] }
export interface LegView { leg: number; transporter: Party; vehiclePlate: string; vehicleKind?: string; takenOver?: { by: string; at: string; index: number } }
export interface Kg { grossKg: string; tareKg: string; netKg: string; index: number }
export interface UnitView {
  id: string; hjCode: string; grai?: string; wasteCode: string; wasteCategory: string; name: string; container: string;
  producerKg?: Kg; receiverKg?: Kg; outcome: string;
}
export interface StepView { indexes: number[]; at: string; label: string; signer: string; signature: string }
export interface ManifestView {
  id: string; number: string; state: string; version: number; plannedDate: string; createdAt: string; onwardOf?: string;
  consignor: Party; legs: LegView[]; receiver: Party & { role: string }; units: UnitView[]; steps: StepView[];
  chainHead: { entries: number; lastIndex?: number; leafHash: string };
  qr: { url: string; png: Buffer };
}

const ROLE: Record<string, string> = { producer: '产生单位 producer', driver: '驾驶员 driver', operator: '经营单位 operator', inspector: '监管 inspector', admin: 'admin', device: '设备 device' };
const STATE: Record<string, string> = {
  draft: '草稿 draft', signed: '已签署 signed', picked_up: '已提货 picked up', departed: '运输中 departed', arrived: '已到达 arrived',
  received: '已签收 received', closed: '已关闭 closed', cancelled: '已作废 cancelled',
};
export const stateLabel = (s: string) => STATE[s] ?? s;

const party = (reg: Registry, orgId: string): Party => {
  const o = reg.org(orgId);
  return { name: o?.name ?? orgId, uscc: o?.uscc, contact: o?.contact, address: o?.address };
};
const kg = (w: { grossKg?: unknown; tareKg?: unknown; netKg?: unknown }, index: number): Kg | undefined =>
  w.grossKg === undefined ? undefined : { grossKg: String(w.grossKg), tareKg: String(w.tareKg), netKg: String(w.netKg), index };

function signer(reg: Registry, se: SealedEntry): string {
  const by = se.entry.by;
  const who = by.person ? reg.person(by.person) ?? by.person : by.device ? `${by.device}` : '—';
  return [who, ROLE[by.role] ?? by.role, reg.org(by.org)?.name ?? by.org].filter(Boolean).join(' · ');
}

function signature(se: SealedEntry): string {
  const s = signatureOf(se.entry);
  if (s.kind === 'server') return `服务器证明 server-attested (${s.by})`;
  return `${s.kind === 'device' ? '设备签名 device-signed' : '本人签名 signed'} ${s.alg ?? ''} ${s.by}`.replace(/\s+/g, ' ');
}

function label(group: SealedEntry[], m: ManifestRow): string {
  const own = group.find((x) => !x.entry.unit);
  const e = (own ?? group[0]).entry;
  const d = e.data as Record<string, any>;
  const n = group.filter((x) => x.entry.unit).length;
  switch (e.type) {
    case 'manifest.created': return `起草联单 drafted: ${(d.units as string[]).length} 件 units${d.onwardOf ? `, 续联单 onward of ${d.onwardOf.number}` : ''}`;
    case 'manifest.signed':
      if (d.step === 'sign') return '移出人签署 consignor signed';
      return `${d.step === 'pick_up' ? '提货 pickup' : '转交 handover'}, 第${d.leg + 1}程 leg ${d.leg + 1} (${d.vehiclePlate}): ${(d.taken as string[]).length} 件装车 loaded`
        + ((d.missing as string[]).length ? `, ${(d.missing as string[]).length} 件未扫描 not scanned` : '');
    case 'manifest.departed': return `出发 departed (${d.vehiclePlate})`;
    case 'manifest.arrived': return `到达 arrived at the receiver's gate (${d.vehiclePlate})`;
    case 'manifest.received': return `签收 receipt: ${(d.accepted as string[]).length} 接受 accepted, ${(d.refused as string[]).length} 拒收 refused`;
    case 'manifest.closed': return '联单关闭 closed';
    case 'manifest.cancelled': return `作废 cancelled: ${d.reason}`;
    case 'manifest.corrected': return `更正 correction v${d.version}: ${d.step}${d.reason ? ` (${d.reason})` : ''}`;
    case 'manifest.sent_on': return `转移至续联单 sent on under ${d.onward?.number}: ${(d.units as string[]).length} 件 units`;
    case 'unit.loaded': return `读写器装车 loaded by reader: ${n} 件 units`;
    case 'unit.disposed': return `处置 treatment ${d.method}: ${n} 件 unit${group.some((x) => x.entry.type === 'manifest.closed') ? ', 联单关闭 closed' : ''}`;
    default: return `${e.type} (${m.number})`;
  }
}

/** Entries of one step (same event id and actor), in log order. */
function steps(entries: SealedEntry[]): SealedEntry[][] {
  const groups: SealedEntry[][] = [];
  const key = (se: SealedEntry) => {
    const id = (se.entry.data as { eventId?: string }).eventId;
    return id ? `${id}|${se.entry.by.person ?? se.entry.by.device}` : `#${se.index}`;
  };
  for (const se of entries) {
    const last = groups.at(-1);
    if (last && key(last[0]) === key(se)) last.push(se);
    else groups.push([se]);
  }
  return groups;
}

function outcome(unitId: string, mine: SealedEntry[], m: ManifestRow, missing: Set<string>): string {
  const last = mine.at(-1)?.entry;
  const d = (last?.data ?? {}) as Record<string, any>;
  if (last?.type === 'unit.disposed') return `已处置 treated ${d.method}`;
  if (last?.type === 'unit.refused') return `拒收 refused: ${d.reason}${m.sentOn.includes(unitId) ? ' · 已转移 sent on' : ''}`;
  if (last?.type === 'unit.received') return m.receiverRole === 'producer' ? '退回签收 taken back' : '接受 accepted';
  if (last) return '运输中 in transit';
  if (missing.has(unitId)) return '未提货 not picked up';
  return m.state === 'cancelled' ? '—' : '待提货 awaiting pickup';
}

export async function manifestView(sql: Sql, m: ManifestRow, publicUrl: string): Promise<ManifestView> {
  const [entries, reg, facts, qr] = await Promise.all([manifestEntries(sql, m.id), loadRegistry(sql), unitFacts(sql, m.unitIds), manifestQr(publicUrl, m.id)]);
  const rows = await sql.query<{ id: string; hj_code: string; waste_code: string; waste_category: string; name: string; container_type: string; volume_l: number }>(
    'SELECT id, hj_code, waste_code, waste_category, name, container_type, volume_l FROM units WHERE id = ANY($1)',
    [m.unitIds],
  );
  const pickup = entries.find((x) => x.entry.type === 'manifest.signed' && (x.entry.data as { step?: string }).step === 'pick_up');
  const missing = new Set<string>((pickup?.entry.data as { missing?: string[] } | undefined)?.missing ?? []);
  const units: UnitView[] = m.unitIds.map((id) => {
    const u = rows.find((r) => r.id === id);
    const f = facts.get(id);
    const mine = entries.filter((x) => x.entry.unit === id);
    const loaded = mine.find((x) => x.entry.type === 'unit.loaded')?.index ?? Infinity;
    const receipt = mine.find((x) => x.entry.type === 'unit.received' || x.entry.type === 'unit.refused');
    const byProducer = f?.weighings.filter((w) => w.role === 'producer' && w.index < loaded).at(-1);
    const byReceiver: Weighing | undefined = receipt ? f?.weighings.filter((w) => w.orgId === m.receiverOrgId && w.index > receipt.index).at(-1) : undefined;
    return {
      id, hjCode: u?.hj_code ?? '', grai: tagAt(f, Infinity)?.grai, wasteCode: u?.waste_code ?? '', wasteCategory: u?.waste_category ?? '', name: u?.name ?? id,
      container: u ? `${u.container_type} ${u.volume_l} L` : '',
      producerKg: byProducer && kg(byProducer, byProducer.index),
      receiverKg: (byReceiver && kg(byReceiver, byReceiver.index)) ?? (receipt && kg(receipt.entry.data, receipt.index)),
      outcome: outcome(id, mine, m, missing),
    };
  });
  const takenOver = new Map<number, LegView['takenOver']>();
  for (const se of entries) {
    const d = se.entry.data as { step?: string; leg?: number };
    if (se.entry.type === 'manifest.signed' && (d.step === 'pick_up' || d.step === 'hand_over')) takenOver.set(d.leg!, { by: signer(reg, se), at: se.entry.at, index: se.index });
  }
  const created = entries.find((x) => x.entry.type === 'manifest.created')?.entry.data as { onwardOf?: { number: string } } | undefined;
  return {
    id: m.id, number: m.number, state: m.state, version: m.version, plannedDate: m.plannedDate, createdAt: m.createdAt, onwardOf: created?.onwardOf?.number,
    consignor: party(reg, m.producerOrgId),
    legs: m.legs.map((l, i) => ({ leg: i + 1, transporter: party(reg, l.transporterOrgId), vehiclePlate: l.vehiclePlate, vehicleKind: reg.vehicle(l.vehiclePlate)?.kind, takenOver: takenOver.get(i) })),
    receiver: { ...party(reg, m.receiverOrgId), licences: reg.licences(m.receiverOrgId), role: m.receiverRole },
    units,
    steps: steps(entries).map((g) => ({ indexes: g.map((x) => x.index), at: g[0].entry.at, label: label(g, m), signer: signer(reg, g[0]), signature: signature(g[0]) })),
    chainHead: { entries: m.entries, lastIndex: entries.at(-1)?.index, leafHash: m.lastLeafHash },
    qr,
  };
}
