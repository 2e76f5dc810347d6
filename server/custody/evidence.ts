// Evidence bundles for inspectors: a chain's entries with inclusion proofs against one checkpoint.
import { EVIDENCE_FORMAT, toBase64, type EvidenceBundle } from '../../ledger/index.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';

async function bundle(sql: Sql, reader: LedgerReader, vkey: string, subject: EvidenceBundle['subject'], where: string, params: unknown[]): Promise<EvidenceBundle> {
  const head = await reader.head();
  const rows = await sql.query(`SELECT idx, body FROM ledger_entries WHERE (${where}) AND idx < $${params.length + 1} ORDER BY idx`, [...params, head.size]);
  const entries = [];
  for (const r of rows) {
    const index = num(r.idx);
    const { path } = await reader.inclusion(index, head.size);
    entries.push({ index, body: toBase64(bytes(r.body)), proof: path.map(toBase64) });
  }
  return { format: EVIDENCE_FORMAT, subject, vkey, checkpoint: head.checkpoint, entries };
}

/** Every sealed entry of a unit's chain, each proven against the latest checkpoint. */
export const unitEvidence = (sql: Sql, reader: LedgerReader, vkey: string, unitId: string) =>
  bundle(sql, reader, vkey, { kind: 'unit', id: unitId }, 'unit_id = $1', [unitId]);

/** A manifest's chain and the whole chains of its units, each entry proven against one checkpoint. */
export const manifestEvidence = (sql: Sql, reader: LedgerReader, vkey: string, manifestId: string, unitIds: string[]) =>
  bundle(sql, reader, vkey, { kind: 'manifest', id: manifestId }, 'manifest_id = $1 OR unit_id = ANY($2)', [manifestId, unitIds]);
