// Evidence bundles for inspectors: a chain's entries with inclusion proofs against one checkpoint.
import { EVIDENCE_FORMAT, toBase64, type EvidenceBundle } from '../../ledger/index.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { CosignatureStore } from '../witness-client/store.js';

async function bundle(sql: Sql, reader: LedgerReader, vkey: string, subject: EvidenceBundle['subject'], where: string, params: unknown[]): Promise<EvidenceBundle> {
  const head = await reader.head();
  const rows = await sql.query(`SELECT idx, body FROM ledger_entries WHERE (${where}) AND idx < $${params.length + 1} ORDER BY idx`, [...params, head.size]);
  // Prove against the latest checkpoint the witnesses cosigned, when it holds every entry: then
  // an inspector need not trust this server's word for the checkpoint (verify-bundle --witness).
  const cosigned = await new CosignatureStore(sql).cosigned();
  const last = rows.length > 0 ? num(rows[rows.length - 1].idx) : -1;
  const against = cosigned && cosigned.size > last ? { size: cosigned.size, note: cosigned.note } : { size: head.size, note: head.checkpoint };
  const entries = [];
  for (const r of rows) {
    const index = num(r.idx);
    const { path } = await reader.inclusion(index, against.size);
    entries.push({ index, body: toBase64(bytes(r.body)), proof: path.map(toBase64) });
  }
  return { format: EVIDENCE_FORMAT, subject, vkey, checkpoint: against.note, entries };
}

/** Every sealed entry of a unit's chain, each proven against the latest checkpoint. */
export const unitEvidence = (sql: Sql, reader: LedgerReader, vkey: string, unitId: string) =>
  bundle(sql, reader, vkey, { kind: 'unit', id: unitId }, 'unit_id = $1', [unitId]);

/**
 * A manifest's chain and each of its units' chains up to that unit's last entry under this
 * manifest (a unit never picked up: up to the manifest's first entry), each entry proven against
 * one checkpoint. Each unit chain is whole from its registration (its provenance, the trips before
 * this one included) but stops where the unit left this manifest: where it went next (an onward
 * trip, another operator's treatment), though the manifest closes later, is not this trip's
 * parties' to see.
 */
export const manifestEvidence = (sql: Sql, reader: LedgerReader, vkey: string, manifestId: string, unitIds: string[]) =>
  bundle(
    sql, reader, vkey, { kind: 'manifest', id: manifestId },
    `manifest_id = $1 OR (unit_id = ANY($2) AND idx <= COALESCE(
       (SELECT max(m.idx) FROM ledger_entries m WHERE m.manifest_id = $1 AND m.unit_id = ledger_entries.unit_id),
       (SELECT min(m.idx) FROM ledger_entries m WHERE m.manifest_id = $1)))`,
    [manifestId, unitIds],
  );
