// Reading and writing unit rows; the row shape is UnitRow (unit-projection.ts).
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from './context.js';
import { DomainError } from './errors.js';
import type { UnitRow } from './unit-projection.js';

const COLUMNS: [keyof UnitRow, string][] = [
  ['id', 'id'], ['hjCode', 'hj_code'], ['epc', 'epc'], ['grai', 'grai'], ['producerOrgId', 'producer_org_id'],
  ['siteId', 'site_id'], ['wasteCode', 'waste_code'], ['wasteCategory', 'waste_category'], ['name', 'name'],
  ['hazards', 'hazards'], ['physicalForm', 'physical_form'], ['containerType', 'container_type'], ['volumeL', 'volume_l'],
  ['components', 'components'], ['generationDate', 'generation_date'], ['state', 'state'], ['grossKg', 'gross_kg'],
  ['tareKg', 'tare_kg'], ['netKg', 'net_kg'], ['storageSiteId', 'storage_site_id'], ['storageBay', 'storage_bay'],
  ['storedAt', 'stored_at'], ['registeredAt', 'registered_at'], ['lastLeafHash', 'last_leaf_hash'], ['entries', 'entries'],
];

// A date is read as text: `pg` would turn it into local midnight, a day early east of UTC.
const SELECT = `SELECT ${COLUMNS.map(([, c]) => (c === 'generation_date' ? 'generation_date::text AS generation_date' : c)).join(', ')} FROM units`;

function fromDb(r: Record<string, unknown>): UnitRow {
  const row = Object.fromEntries(COLUMNS.map(([k, c]) => [k, r[c]])) as unknown as UnitRow;
  row.lastLeafHash = Buffer.from(r.last_leaf_hash as Uint8Array).toString('base64');
  row.storedAt = r.stored_at ? new Date(r.stored_at as string).toISOString() : null;
  row.registeredAt = new Date(r.registered_at as string).toISOString();
  row.grossKg = kg(r.gross_kg);
  row.tareKg = kg(r.tare_kg);
  row.netKg = kg(r.net_kg);
  row.volumeL = Number(row.volumeL);
  row.entries = Number(row.entries);
  return row;
}

/** numeric comes back as "200.000" or 200: keep the plain decimal form the entries carry. */
const kg = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

export async function lockUnit(tx: Sql, id: string): Promise<UnitRow> {
  const [r] = await tx.query(`${SELECT} WHERE id = $1 FOR UPDATE`, [id], 'lock_unit');
  if (!r) throw new DomainError('UNIT_NOT_FOUND', `no unit ${id}`);
  return fromDb(r);
}

/** The upsert of a unit row, as SQL over `params` (which it extends), for the write path's statement. */
export function saveUnitSql(row: UnitRow, params: unknown[]): string {
  const cols = COLUMNS.map(([, c]) => c);
  const values = COLUMNS.map(([k]) => `$${params.push(k === 'lastLeafHash' ? Buffer.from(row.lastLeafHash, 'base64') : k === 'hazards' ? JSON.stringify(row.hazards) : row[k])}`);
  return `INSERT INTO units (${cols.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${cols.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}

export async function saveUnit(tx: Sql, row: UnitRow): Promise<void> {
  const params: unknown[] = [];
  await tx.query(saveUnitSql(row, params), params);
}

/** SQL condition (over `units u`) for the units an actor may see, with its parameters. */
export function unitScope(actor: Actor, params: unknown[]): string {
  switch (actor.role) {
    case 'admin':
      return 'TRUE';
    case 'producer':
      params.push(actor.orgId);
      return `u.producer_org_id = $${params.length}`;
    case 'inspector':
      // Jurisdiction: producers whose region lies within the inspector's authority's region.
      params.push(actor.orgId);
      return `EXISTS (SELECT 1 FROM organisations p, organisations a WHERE p.id = u.producer_org_id AND a.id = $${params.length} AND p.region LIKE a.region || '%')`;
    default:
      // Drivers and operators see units through the manifests they carry or receive.
      return 'FALSE';
  }
}

export interface UnitFilter {
  state?: string;
  wasteCode?: string;
  siteId?: string;
  from?: string;
  to?: string;
  storedLongerThanDays?: number;
  limit: number;
  offset: number;
}

export async function findUnits(sql: Sql, actor: Actor, f: UnitFilter): Promise<UnitRow[]> {
  const params: unknown[] = [];
  const where = [unitScope(actor, params)];
  const add = (cond: string, v: unknown) => {
    params.push(v);
    where.push(cond.replace('?', `$${params.length}`));
  };
  if (f.state) add('u.state = ?', f.state);
  if (f.wasteCode) add('u.waste_code = ?', f.wasteCode);
  if (f.siteId) add('? IN (u.site_id, u.storage_site_id)', f.siteId);
  if (f.from) add('u.generation_date >= ?::date', f.from);
  if (f.to) add('u.generation_date <= ?::date', f.to);
  if (f.storedLongerThanDays !== undefined) add(`u.state = 'stored' AND u.stored_at < now() - make_interval(days => ?::int)`, f.storedLongerThanDays);
  params.push(f.limit, f.offset);
  const rows = await sql.query(
    `${SELECT.replace('FROM units', 'FROM units u')} WHERE ${where.join(' AND ')} ORDER BY u.registered_at DESC, u.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(fromDb);
}

/** One unit the actor may see; NOT_IN_SCOPE when it exists but belongs to someone else. */
export async function unitForActor(sql: Sql, actor: Actor, id: string): Promise<UnitRow> {
  const params: unknown[] = [id];
  const rows = await sql.query(`${SELECT.replace('FROM units', 'FROM units u')} WHERE u.id = $1 AND ${unitScope(actor, params)}`, params);
  if (rows[0]) return fromDb(rows[0]);
  const [exists] = await sql.query('SELECT 1 FROM units WHERE id = $1', [id]);
  if (exists) throw new DomainError('NOT_IN_SCOPE', `unit ${id} is not yours to see`);
  throw new DomainError('UNIT_NOT_FOUND', `no unit ${id}`);
}
