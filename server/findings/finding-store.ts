// Findings on the read side: the row a `finding.raised` entry makes and a `finding.resolved`
// entry closes (the engine, the resolution command and the replay all go through here), and who
// may see which finding.
import { createHash } from 'node:crypto';
import type { Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { SEVERITY, type FindingCode, type NewFinding, type Severity } from './codes.js';

export interface FindingRow {
  id: string;
  key: string;
  code: FindingCode;
  severity: Severity;
  status: 'open' | 'resolved';
  subjects: NewFinding['subjects'];
  orgIds: string[];
  evidence: number[];
  detail: string;
  raisedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

export const findingId = (key: string) => `f-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** The sealed form of a new finding: no unit or manifest subject, so it joins no custody chain. */
export function raisedEnvelope(f: NewFinding, at: string): Envelope {
  return {
    v: 1,
    type: 'finding.raised',
    at,
    by: { role: 'system' },
    data: { findingId: findingId(f.key), key: f.key, code: f.code, severity: SEVERITY[f.code], subjects: f.subjects, orgs: f.orgs, evidence: f.evidence, detail: f.detail },
  };
}

export function applyFindingEntry(row: FindingRow | undefined, e: Envelope): FindingRow {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'finding.raised') {
    if (row) throw new DomainError('TRANSITION_REFUSED', `finding ${String(d.findingId)} was already raised`);
    return {
      id: d.findingId as string, key: d.key as string, code: d.code as FindingCode, severity: d.severity as Severity, status: 'open',
      subjects: d.subjects as FindingRow['subjects'], orgIds: d.orgs as string[], evidence: d.evidence as number[], detail: d.detail as string,
      raisedAt: e.at, resolvedAt: null, resolvedBy: null, resolution: null,
    };
  }
  if (!row) throw new DomainError('FINDING_NOT_FOUND', `finding ${String(d.findingId)} was not raised before this entry`);
  if (row.status === 'resolved') throw new DomainError('TRANSITION_REFUSED', `finding ${row.id} is already resolved`);
  if (e.by.role !== 'inspector') throw new DomainError('TRANSITION_REFUSED', 'only an inspector resolves a finding');
  return { ...row, status: 'resolved', resolvedAt: e.at, resolvedBy: e.by.person ?? null, resolution: d.note as string };
}

const COLUMNS: [keyof FindingRow, string][] = [
  ['id', 'id'], ['key', 'key'], ['code', 'code'], ['severity', 'severity'], ['status', 'status'], ['subjects', 'subjects'], ['orgIds', 'org_ids'],
  ['evidence', 'evidence'], ['detail', 'detail'], ['raisedAt', 'raised_at'], ['resolvedAt', 'resolved_at'], ['resolvedBy', 'resolved_by'], ['resolution', 'resolution'],
];
const JSON_COLUMNS = new Set<keyof FindingRow>(['subjects', 'orgIds', 'evidence']);

/** Insert or update; with `onlyNew`, a row whose key exists already is left alone (nothing returned). */
export function saveFindingSql(row: FindingRow, params: unknown[], onlyNew = false): string {
  const values = COLUMNS.map(([k]) => `$${params.push(JSON_COLUMNS.has(k) ? JSON.stringify(row[k]) : row[k])}`);
  const conflict = onlyNew ? 'ON CONFLICT (key) DO NOTHING' : `ON CONFLICT (id) DO UPDATE SET ${COLUMNS.slice(1).map(([, c]) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  return `INSERT INTO findings (${COLUMNS.map(([, c]) => c).join(', ')}) VALUES (${values.join(', ')}) ${conflict}`;
}

export async function saveFinding(tx: Sql, row: FindingRow): Promise<void> {
  const params: unknown[] = [];
  await tx.query(saveFindingSql(row, params), params);
}

function fromDb(r: Record<string, unknown>): FindingRow {
  const row = Object.fromEntries(COLUMNS.map(([k, c]) => [k, r[c]])) as unknown as FindingRow;
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return { ...row, raisedAt: iso(row.raisedAt)!, resolvedAt: iso(row.resolvedAt) };
}
const SELECT = `SELECT ${COLUMNS.map(([, c]) => `f.${c}`).join(', ')} FROM findings f`;

/** Findings touching the actor's organisation; an inspector's, those touching an organisation of its region. */
function findingScope(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'TRUE';
  const me = `$${params.push(actor.orgId)}`;
  if (actor.role === 'inspector') {
    return `EXISTS (SELECT 1 FROM organisations o, organisations a WHERE o.id IN (SELECT jsonb_array_elements_text(f.org_ids)) AND a.id = ${me} AND o.region LIKE a.region || '%')`;
  }
  return `f.org_ids ? ${me}`;
}

export interface FindingFilter {
  status?: string;
  severity?: string;
  code?: string;
  orgId?: string;
  limit: number;
  offset: number;
}

export async function findFindings(sql: Sql, actor: Actor, f: FindingFilter): Promise<FindingRow[]> {
  const params: unknown[] = [];
  const where = [findingScope(actor, params)];
  if (f.status) where.push(`f.status = $${params.push(f.status)}`);
  if (f.severity) where.push(`f.severity = $${params.push(f.severity)}`);
  if (f.code) where.push(`f.code = $${params.push(f.code)}`);
  if (f.orgId) where.push(`f.org_ids ? $${params.push(f.orgId)}`);
  params.push(f.limit, f.offset);
  const rows = await sql.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY f.raised_at DESC, f.id LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
  return rows.map(fromDb);
}

export async function findingForActor(sql: Sql, actor: Actor, id: string, lock = false): Promise<FindingRow> {
  const params: unknown[] = [id];
  const [r] = await sql.query(`${SELECT} WHERE f.id = $1 AND ${findingScope(actor, params)}${lock ? ' FOR UPDATE OF f' : ''}`, params);
  if (r) return fromDb(r);
  const [exists] = await sql.query('SELECT 1 FROM findings WHERE id = $1', [id]);
  if (exists) throw new DomainError('NOT_IN_SCOPE', `finding ${id} is not yours to see`);
  throw new DomainError('FINDING_NOT_FOUND', `no finding ${id}`);
}
