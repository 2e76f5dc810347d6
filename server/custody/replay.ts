// The read side from the log alone: replay every sealed entry, then what waits in intake, through
// the same projections the commands use, checking each actor signature on the way against the
// keys the log enrolled. `hazledger rebuild` writes the result back;
// `hazledger verify` compares it with the tables.
import { fromUtf8, leafHash, type Envelope } from '../../ledger/index.js';
import type { Break } from '../../ledger/store/audit/audit.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { DomainError } from './errors.js';
import { EnrolledKeys } from './actor-signatures.js';
import { applyRegistryEntry } from './registry-projection.js';
import { applyManifestEntry, type ManifestRow } from './manifest-projection.js';
import { saveManifest } from './manifest-store.js';
import { applyUnitEntry, type UnitRow } from './unit-projection.js';
import { saveUnit } from './unit-store.js';
import { cstDate } from '../china-time.js';
import { grams } from './unit-commands.js';
import { applyFindingEntry, saveFinding, type FindingRow } from '../findings/finding-store.js';

interface Replayed {
  units: Map<string, UnitRow>;
  manifests: Map<string, ManifestRow>;
  findings: Map<string, FindingRow>;
  /** Grams treated per licence and year ("licence|year"). */
  licenceUsage: Map<string, number>;
  registry: Envelope[];
  breaks: Break[];
}

/** Entries in log order, then intake in arrival order (index -1: not sealed yet). */
async function* allEntries(sql: Sql): AsyncGenerator<{ index: number; body: Uint8Array }> {
  for (let from = 0; ; ) {
    const rows = await sql.query('SELECT idx, body FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT 5000', [from]);
    if (rows.length === 0) break;
    for (const r of rows) yield { index: num(r.idx), body: bytes(r.body) };
    from = num(rows[rows.length - 1].idx) + 1;
  }
  for (const r of await sql.query('SELECT body FROM ledger_intake ORDER BY id')) yield { index: -1, body: bytes(r.body) };
}

export async function replayLog(sql: Sql): Promise<Replayed> {
  const units = new Map<string, UnitRow>();
  const manifests = new Map<string, ManifestRow>();
  const findings = new Map<string, FindingRow>();
  const licenceUsage = new Map<string, number>();
  const registry: Envelope[] = [];
  const breaks: Break[] = [];
  const broken = new Set<string>(); // chains ("unit:…", "manifest:…") whose replay already failed: one break each
  const keys = new EnrolledKeys();
  /** Apply one entry to its chain's row; a refused step breaks that chain once, and it stops there. */
  const follow = <R>(rows: Map<string, R>, chain: string, id: string, index: number, apply: (row: R | undefined) => R) => {
    if (broken.has(`${chain}:${id}`)) return;
    try {
      rows.set(id, apply(rows.get(id)));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      breaks.push({ index, code: 'LIFECYCLE_VIOLATION', detail: `${err.message}; its later entries are not replayed` });
      broken.add(`${chain}:${id}`);
      rows.delete(id);
    }
  };
  for await (const { index, body } of allEntries(sql)) {
    let e: Envelope;
    try {
      e = JSON.parse(fromUtf8(body));
    } catch {
      continue; // the ledger audit reports unreadable entries
    }
    if (e.sig?.length) {
      for (const problem of await keys.check(e)) breaks.push({ index, code: 'ACTOR_SIGNATURE_INVALID', detail: problem });
    }
    if (e.type === 'registry.changed') {
      registry.push(e);
      keys.learn(e);
    } else if (e.type.startsWith('finding.')) {
      const id = (e.data as { findingId: string }).findingId;
      follow(findings, 'finding', id, index, (row) => applyFindingEntry(row, e));
    } else {
      // An entry may be on two chains (a unit loaded under a manifest): both rows follow it.
      if (e.manifest) follow(manifests, 'manifest', e.manifest, index, (row) => applyManifestEntry(row, e, leafHash(body)));
      if (e.unit && e.type.startsWith('unit.')) follow(units, 'unit', e.unit, index, (row) => applyUnitEntry(row, e, leafHash(body)));
      if (e.type === 'unit.disposed' && units.has(e.unit!)) {
        const key = `${(e.data as { licenceId: string }).licenceId}|${cstDate(e.at).slice(0, 4)}`;
        licenceUsage.set(key, (licenceUsage.get(key) ?? 0) + grams(units.get(e.unit!)!.netKg ?? '0'));
      }
    }
  }
  return { units, manifests, findings, licenceUsage, registry, breaks };
}

const READ_SIDE = ['licence_usage', 'findings', 'manifests', 'units', 'people', 'licences', 'devices', 'vehicles', 'sites', 'organisations'];

/** Recreate the read side from the log, in one transaction. Accounts and event ids are kept. */
export async function rebuildReadSide(sql: Sql): Promise<{ units: number; registry: number }> {
  const replayed = await replayLog(sql);
  if (replayed.breaks.length > 0) throw new Error(`the log does not replay: ${replayed.breaks.map((b) => b.detail).join('; ')}`);
  await sql.transaction(async (tx) => {
    await tx.query(`TRUNCATE ${READ_SIDE.join(', ')}`);
    for (const e of replayed.registry) await applyRegistryEntry(tx, e);
    for (const u of replayed.units.values()) await saveUnit(tx, u);
    for (const m of replayed.manifests.values()) await saveManifest(tx, m);
    for (const f of replayed.findings.values()) await saveFinding(tx, f);
    await saveLicenceUsage(tx, replayed.licenceUsage);
  });
  return { units: replayed.units.size, registry: replayed.registry.length };
}

const KEY: Record<string, string> = { vehicles: 'plate', licence_usage: "licence_id || ' ' || year" };

async function saveLicenceUsage(tx: Sql, usage: Map<string, number>): Promise<void> {
  for (const [key, g] of usage) {
    const [licence, year] = key.split('|');
    await tx.query('INSERT INTO licence_usage (licence_id, year, grams) VALUES ($1, $2, $3)', [licence, Number(year), g]);
  }
}

/**
 * Compare the read side with a replay of the log, in one snapshot of the database, without
 * touching the real tables: temporary tables of the same names shadow them (PostgreSQL looks in
 * the session's temporary schema first), the projections write the replay there, and each
 * temporary table is diffed against its public twin. Everything is rolled back.
 */
export async function compareReadSide(sql: Sql): Promise<Break[]> {
  const undo = new Error('undo the comparison');
  let breaks: Break[] = [];
  try {
    await sql.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const replayed = await replayLog(tx);
      breaks = [...replayed.breaks];
      for (const t of READ_SIDE) await tx.query(`CREATE TEMP TABLE ${t} (LIKE public.${t} INCLUDING ALL) ON COMMIT DROP`);
      for (const e of replayed.registry) await applyRegistryEntry(tx, e);
      for (const u of replayed.units.values()) await saveUnit(tx, u);
      for (const m of replayed.manifests.values()) await saveManifest(tx, m);
      for (const f of replayed.findings.values()) await saveFinding(tx, f);
      await saveLicenceUsage(tx, replayed.licenceUsage);
      for (const t of READ_SIDE) {
        const key = KEY[t] ?? 'id';
        const rows = await tx.query<{ side: string; key: string }>(
          `SELECT 'replay' AS side, ${key} AS key FROM (SELECT * FROM pg_temp.${t} EXCEPT SELECT * FROM public.${t}) a
           UNION ALL SELECT 'table' AS side, ${key} AS key FROM (SELECT * FROM public.${t} EXCEPT SELECT * FROM pg_temp.${t}) b
           ORDER BY key, side LIMIT 1000`,
        );
        const sides = new Map<string, Set<string>>();
        for (const r of rows) sides.set(r.key, (sides.get(r.key) ?? new Set()).add(r.side));
        for (const [k, s] of sides) {
          const what = s.size === 2 ? 'differs from the replay of the log' : s.has('replay') ? 'is missing from the table' : 'is in the table but not in the log';
          const unit = t === 'units' ? replayed.units.get(k) : undefined;
          breaks.push({ index: -1, code: 'READ_SIDE_MISMATCH', detail: `${t} ${k} ${what}${unit ? ` (${unit.entries} entries)` : ''}` });
        }
      }
      throw undo;
    });
  } catch (e) {
    if (e !== undo) throw e;
  }
  return breaks;
}
