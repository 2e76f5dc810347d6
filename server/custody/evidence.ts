// Evidence bundles for inspectors: a chain's entries with inclusion proofs against one checkpoint.
import { EVIDENCE_FORMAT, toBase64, type EvidenceBundle } from '../../ledger/index.js';
import type { LedgerReader } from '../../ledger/store/reader.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';

/** Every sealed entry of a unit's chain, each proven against the latest checkpoint. */
export async function unitEvidence(sql: Sql, reader: LedgerReader, vkey: string, unitId: string): Promise<EvidenceBundle> {
  const head = await reader.head();
  const rows = await sql.query('SELECT idx, body FROM ledger_entries WHERE unit_id = $1 AND idx < $2 ORDER BY idx', [unitId, head.size]);
  const entries = [];
  for (const r of rows) {
    const index = num(r.idx);
    const { path } = await reader.inclusion(index, head.size);
    entries.push({ index, body: toBase64(bytes(r.body)), proof: path.map(toBase64) });
  }
  return { format: EVIDENCE_FORMAT, subject: { kind: 'unit', id: unitId }, vkey, checkpoint: head.checkpoint, entries };
}
