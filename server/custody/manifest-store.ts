// Reading and writing manifest rows, and who may see which manifest.
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from './context.js';
import { DomainError } from './errors.js';
import type { ManifestRow } from './manifest-projection.js';

const COLUMNS: [keyof ManifestRow, string][] = [
  ['id', 'id'], ['number', 'number'], ['state', 'state'], ['producerOrgId', 'producer_org_id'], ['receiverOrgId', 'receiver_org_id'],
  ['legs', 'legs'], ['currentLeg', 'current_leg'], ['unitIds', 'unit_ids'], ['plannedDate', 'planned_date'], ['createdAt', 'created_at'],
  ['lastLeafHash', 'last_leaf_hash'], ['entries', 'entries'], ['onwardOf', 'onward_of'], ['receiverRole', 'receiver_role'],
  ['sentOn', 'sent_on'], ['carried', 'carried'], ['version', 'version'], ['correction', 'correction'],
];
const JSON_COLUMNS = new Set<keyof ManifestRow>(['legs', 'unitIds', 'sentOn', 'carried', 'correction']);
const SELECT = `SELECT ${COLUMNS.map(([, c]) => `m.${c}`).join(', ')} FROM manifests m`;

function fromDb(r: Record<string, unknown>): ManifestRow {
  const row = Object.fromEntries(COLUMNS.map(([k, c]) => [k, r[c]])) as unknown as ManifestRow;
  row.lastLeafHash = Buffer.from(r.last_leaf_hash as Uint8Array).toString('base64');
  row.createdAt = new Date(r.created_at as string).toISOString();
  row.currentLeg = Number(row.currentLeg);
  row.entries = Number(row.entries);
  row.version = Number(row.version);
  return row;
}

export function saveManifestSql(row: ManifestRow, params: unknown[]): string {
  const cols = COLUMNS.map(([, c]) => c);
  const values = COLUMNS.map(([k]) => {
    const v = row[k];
    return `$${params.push(k === 'lastLeafHash' ? Buffer.from(row.lastLeafHash, 'base64') : JSON_COLUMNS.has(k) && v !== null ? JSON.stringify(v) : v)}`;
  });
  return `INSERT INTO manifests (${cols.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${cols.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}

export async function saveManifest(tx: Sql, row: ManifestRow): Promise<void> {
  const params: unknown[] = [];
  await tx.query(saveManifestSql(row, params), params);
}

export async function lockManifest(tx: Sql, id: string): Promise<ManifestRow> {
  const [r] = await tx.query(`${SELECT} WHERE m.id = $1 FOR UPDATE`, [id]);
  if (!r) throw new DomainError('MANIFEST_NOT_FOUND', `no manifest ${id}`);
  return fromDb(r);
}

/** The manifests an actor may see: its parties, and the regulator of the producer's region. */
export function manifestScope(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'TRUE';
  params.push(actor.orgId);
  const me = `$${params.length}`;
  switch (actor.role) {
    case 'producer':
    case 'operator':
      // The consignor and the receiver (an operator sends refused units on, a producer takes them back).
      return `(m.producer_org_id = ${me} OR m.receiver_org_id = ${me})`;
    case 'driver':
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(m.legs) l WHERE l->>'transporterOrgId' = ${me})`;
    case 'inspector':
      return `EXISTS (SELECT 1 FROM organisations p, organisations a WHERE p.id = m.producer_org_id AND a.id = ${me} AND p.region LIKE a.region || '%')`;
    default:
      return 'FALSE';
  }
}

export async function findManifests(sql: Sql, actor: Actor, opts: { state?: string; limit: number; offset: number }): Promise<ManifestRow[]> {
  const params: unknown[] = [];
  const where = [manifestScope(actor, params)];
  if (opts.state) where.push(`m.state = $${params.push(opts.state)}`);
  params.push(opts.limit, opts.offset);
  const rows = await sql.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.id LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
  return rows.map(fromDb);
}

export async function manifestForActor(sql: Sql, actor: Actor, id: string): Promise<ManifestRow> {
  const params: unknown[] = [id];
  const [r] = await sql.query(`${SELECT} WHERE m.id = $1 AND ${manifestScope(actor, params)}`, params);
  if (r) return fromDb(r);
  const [exists] = await sql.query('SELECT 1 FROM manifests WHERE id = $1', [id]);
  if (exists) throw new DomainError('NOT_IN_SCOPE', `manifest ${id} is not yours to see`);
  throw new DomainError('MANIFEST_NOT_FOUND', `no manifest ${id}`);
}
