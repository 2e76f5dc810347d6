// The rules that fire because time passed, not because an entry arrived: a load too long on the
// road, an arrival not confirmed, a drum stored too long. A scheduler runs them; each finding's
// key names the step it outlasted, so a scan that runs again raises nothing new.
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { fromUtf8 } from '../../ledger/index.js';
import { cstDate } from '../china-time.js';
import type { NewFinding } from './codes.js';
import type { FindingLimits } from './limits.js';

const HOUR = 3_600_000;

/** Open manifests in the given states, with the latest entry of the given kind on their chain. */
async function since(sql: Sql, states: string[], type: string, step?: string) {
  const rows = await sql.query<{ id: string; number: string; producer_org_id: string; receiver_org_id: string; legs: { transporterOrgId: string }[]; idx: unknown; body: Uint8Array }>(
    `SELECT m.id, m.number, m.producer_org_id, m.receiver_org_id, m.legs, e.idx, e.body
       FROM manifests m
       JOIN LATERAL (SELECT idx, body FROM ledger_entries
                      WHERE manifest_id = m.id AND type = $2 ${step ? `AND convert_from(body, 'UTF8')::jsonb #>> '{data,step}' = $3` : ''}
                      ORDER BY idx DESC LIMIT 1) e ON TRUE
      WHERE m.state = ANY($1)`,
    step ? [states, type, step] : [states, type],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    orgs: [...new Set([r.producer_org_id, ...r.legs.map((l) => l.transporterOrgId), r.receiver_org_id])].sort(),
    index: num(r.idx),
    at: Date.parse((JSON.parse(fromUtf8(bytes(r.body))) as { at: string }).at),
  }));
}

export async function timeFindings(sql: Sql, limits: FindingLimits, now = Date.now()): Promise<NewFinding[]> {
  const out: NewFinding[] = [];
  for (const m of await since(sql, ['picked_up', 'departed'], 'manifest.signed', 'pick_up')) {
    if (now - m.at <= limits.transitHours * HOUR) continue;
    out.push({
      key: `TRANSIT_OVERDUE:${m.id}`, code: 'TRANSIT_OVERDUE', subjects: { manifest: m.id }, orgs: m.orgs, evidence: [m.index],
      detail: `manifest ${m.number} picked up ${Math.floor((now - m.at) / HOUR)} h ago and not arrived (limit ${limits.transitHours} h)`,
    });
  }
  for (const m of await since(sql, ['arrived'], 'manifest.arrived')) {
    if (now - m.at <= limits.receiptHours * HOUR) continue;
    out.push({
      key: `RECEIPT_OVERDUE:${m.id}`, code: 'RECEIPT_OVERDUE', subjects: { manifest: m.id }, orgs: m.orgs, evidence: [m.index],
      detail: `manifest ${m.number} arrived ${Math.floor((now - m.at) / HOUR)} h ago and is not received (limit ${limits.receiptHours} h)`,
    });
  }
  const stored = await sql.query<{ id: string; hj_code: string; producer_org_id: string; stored_at: string; idx: unknown }>(
    `SELECT u.id, u.hj_code, u.producer_org_id, u.stored_at,
            (SELECT max(idx) FROM ledger_entries WHERE unit_id = u.id AND type = 'unit.stored') AS idx
       FROM units u WHERE u.state = 'stored' AND u.stored_at < $1`,
    [new Date(now - limits.storageDays * 24 * HOUR).toISOString()],
  );
  for (const u of stored) {
    const storedAt = new Date(u.stored_at).toISOString();
    out.push({
      key: `STORAGE_OVERDUE:${u.id}:${storedAt}`, code: 'STORAGE_OVERDUE', subjects: { units: [u.id] }, orgs: [u.producer_org_id], evidence: u.idx === null ? [] : [num(u.idx)],
      detail: `unit ${u.hj_code} stored since ${cstDate(storedAt)}, longer than ${limits.storageDays} days`,
    });
  }
  return out;
}
