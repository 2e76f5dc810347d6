// The inspector's view: open findings by severity, organisation and age; a risk score per
// organisation; and a risk-weighted random pick of whom to visit, reproducible from a seed.
//
// Risk score of an organisation (README, "Findings"):
//   Σ over its open findings      weight(severity) × min(3, 1 + days open / 30)
// + Σ over findings resolved in the last 365 days   0.25 × weight(severity)
// + 2 × its units stored longer than the storage limit
// + 1 × its units refused at receipt (quantity or type discrepancies)
// with weight: low 1, medium 3, high 8, critical 20. A finding counts for every organisation it
// names. The pick list draws without replacement with probability proportional to 1 + score
// (Efraimidis–Spirakis keys u^(1 / weight) from a seeded PRNG), so a compliant organisation is
// still visited now and then, and a risky one much more often.
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from '../custody/context.js';
import { Rng } from '../seeded-random.js';
import type { Severity } from './codes.js';
import type { FindingLimits } from './limits.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { low: 1, medium: 3, high: 8, critical: 20 };
const DAY = 86_400_000;

export interface OrgRisk {
  orgId: string;
  name: string;
  kind: string;
  score: number;
  parts: { openFindings: number; resolvedFindings: number; overdueStorage: number; discrepancies: number };
  open: number;
}

/** The organisations an inspector oversees (its region), or all for an admin. */
async function overseen(sql: Sql, actor: Actor) {
  return sql.query<{ id: string; name: string; kind: string }>(
    `SELECT o.id, o.name, o.kind FROM organisations o WHERE o.kind IN ('producer', 'transporter', 'operator')
       AND ($2 = 'admin' OR o.region LIKE (SELECT region FROM organisations WHERE id = $1) || '%') ORDER BY o.id`,
    [actor.orgId, actor.role],
  );
}

export async function riskScores(sql: Sql, actor: Actor, limits: FindingLimits, now = Date.now()): Promise<OrgRisk[]> {
  const orgs = await overseen(sql, actor);
  const findings = await sql.query<{ org: string; severity: Severity; status: string; raised_at: string; resolved_at: string | null }>(
    `SELECT o.org, f.severity, f.status, f.raised_at, f.resolved_at FROM findings f, jsonb_array_elements_text(f.org_ids) AS o(org)`,
  );
  const overdue = await sql.query<{ producer_org_id: string; n: unknown }>(
    `SELECT producer_org_id, count(*) AS n FROM units WHERE state = 'stored' AND stored_at < $1 GROUP BY 1`,
    [new Date(now - limits.storageDays * DAY).toISOString()],
  );
  const refused = await sql.query<{ producer_org_id: string; n: unknown }>(
    `SELECT u.producer_org_id, count(*) AS n FROM ledger_entries e JOIN units u ON u.id = e.unit_id WHERE e.type = 'unit.refused' GROUP BY 1`,
  );
  const count = (rows: { producer_org_id: string; n: unknown }[], org: string) => Number(rows.find((r) => r.producer_org_id === org)?.n ?? 0);
  return orgs
    .map((o) => {
      const mine = findings.filter((f) => f.org === o.id);
      const openFindings = mine
        .filter((f) => f.status === 'open')
        .reduce((s, f) => s + SEVERITY_WEIGHT[f.severity] * Math.min(3, 1 + (now - Date.parse(f.raised_at)) / DAY / 30), 0);
      const resolvedFindings = mine
        .filter((f) => f.status === 'resolved' && f.resolved_at && now - Date.parse(f.resolved_at) <= 365 * DAY)
        .reduce((s, f) => s + 0.25 * SEVERITY_WEIGHT[f.severity], 0);
      const parts = { openFindings: round(openFindings), resolvedFindings: round(resolvedFindings), overdueStorage: 2 * count(overdue, o.id), discrepancies: count(refused, o.id) };
      const score = round(parts.openFindings + parts.resolvedFindings + parts.overdueStorage + parts.discrepancies);
      return { orgId: o.id, name: o.name, kind: o.kind, score, parts, open: mine.filter((f) => f.status === 'open').length };
    })
    .sort((a, b) => b.score - a.score || a.orgId.localeCompare(b.orgId));
}

const round = (x: number) => Math.round(x * 100) / 100;

/** `count` organisations drawn without replacement, each with probability ∝ 1 + score. */
export function pickList(risks: OrgRisk[], count: number, seed: number) {
  const rng = new Rng(seed);
  const total = risks.reduce((s, r) => s + 1 + r.score, 0);
  return risks
    .map((r) => ({ r, key: Math.pow(rng.next() || Number.MIN_VALUE, 1 / (1 + r.score)) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, count)
    .map(({ r }) => ({ orgId: r.orgId, name: r.name, score: r.score, weight: round(1 + r.score), chanceFirst: round((1 + r.score) / total) }));
}

/** Open findings by severity, by organisation and by age. */
export async function openSummary(sql: Sql, actor: Actor, now = Date.now()) {
  const rows = await sql.query<{ id: string; org: string; severity: Severity; raised_at: string }>(
    `SELECT f.id, o.org, f.severity, f.raised_at FROM findings f, jsonb_array_elements_text(f.org_ids) AS o(org) WHERE f.status = 'open'`,
  );
  const orgs = new Map((await overseen(sql, actor)).map((o) => [o.id, o]));
  const mine = rows.filter((r) => orgs.has(r.org));
  const ageOf = (r: { raised_at: string }) => (now - Date.parse(r.raised_at)) / DAY;
  const bucket = (d: number) => (d < 1 ? 'under1Day' : d < 7 ? 'under1Week' : d < 30 ? 'under30Days' : 'over30Days');
  const bySeverity = Object.fromEntries(Object.keys(SEVERITY_WEIGHT).map((s) => [s, 0])) as Record<Severity, number>;
  const byAge = { under1Day: 0, under1Week: 0, under30Days: 0, over30Days: 0 };
  const byOrg = new Map<string, { orgId: string; name: string; open: number; bySeverity: Record<Severity, number>; oldestDays: number }>();
  const counted = new Set<string>(); // a finding naming several organisations counts once in the totals
  for (const r of mine) {
    const o = byOrg.get(r.org) ?? { orgId: r.org, name: orgs.get(r.org)!.name, open: 0, bySeverity: { low: 0, medium: 0, high: 0, critical: 0 }, oldestDays: 0 };
    o.open++;
    o.bySeverity[r.severity]++;
    o.oldestDays = Math.max(o.oldestDays, Math.floor(ageOf(r)));
    byOrg.set(r.org, o);
    if (counted.has(r.id)) continue;
    counted.add(r.id);
    bySeverity[r.severity]++;
    byAge[bucket(ageOf(r))]++;
  }
  return { bySeverity, byAge, byOrg: [...byOrg.values()].sort((a, b) => b.open - a.open || a.orgId.localeCompare(b.orgId)) };
}
