// The sequencer's SQL: the head read under its lock, the intake rows read back, and the one
// statement that writes a whole batch and checks itself (ledger_batch_check, migration 0013).
import { concat, type Bytes } from '../bytes.js';
import { CompactRange } from '../tree.js';
import type { PendingEntry } from './sequencer.js';
import { bytes, num, type Sql } from './sql.js';
import { splitHashes, type TileWriter } from './tiles.js';

export async function lockHead(tx: Sql): Promise<CompactRange> {
  const [head] = await tx.query('SELECT size, compact_range FROM ledger_head WHERE id = 0 FOR UPDATE');
  if (!head) throw new Error('the log has no head row: initLog was not run');
  return CompactRange.from(num(head.size), splitHashes(bytes(head.compact_range)));
}

/** One statement for the whole batch: entries, tiles, the checkpoint, the head and the intake rows it consumed. */
export function writeBatch(start: number, entries: PendingEntry[], hashes: Bytes[], tiles: TileWriter, head: CompactRange, checkpoint: string, intake: IntakeRow[]) {
  const rows = tiles.rows();
  const params = [
    start, entries.map((e) => e.body), hashes, entries.map((e) => e.type), entries.map((e) => e.unitId ?? null), entries.map((e) => e.manifestId ?? null),
    rows.map((r) => r.height), rows.map((r) => r.idx), rows.map((r) => r.hashes), rows.map((r) => r.length),
    head.size, checkpoint, head.root(), concat(...head.hashes()),
    intake.map((r) => r.id), intake.map((r) => r.leafHash),
  ];
  return [WRITE_BATCH, params, 'ledger_write_batch'] as const;
}

/**
 * The batch's statement: one text whatever the batch holds (its rows come as arrays), so that it
 * is parsed and planned once per connection. `ledger_batch_check` makes it fail as a whole unless
 * the head still had the size the batch was computed from, every intake row it consumed was still
 * waiting with the leaf hash it was sealed with, and every tile row ends where the batch's nodes end.
 */
const WRITE_BATCH = `WITH
  e AS (INSERT INTO ledger_entries (idx, body, leaf_hash, type, unit_id, manifest_id)
        SELECT $1::bigint + n - 1, body, leaf_hash, type, unit_id, manifest_id
        FROM unnest($2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS x(body, leaf_hash, type, unit_id, manifest_id, n)
        RETURNING 1),
  t AS (INSERT INTO ledger_tiles (height, idx, hashes) SELECT height, idx, hashes FROM unnest($7::smallint[], $8::bigint[], $9::bytea[]) AS x(height, idx, hashes)
        ON CONFLICT (height, idx) DO UPDATE SET hashes = ledger_tiles.hashes || EXCLUDED.hashes
        RETURNING height, idx, length(hashes) AS len),
  c AS (INSERT INTO ledger_checkpoints (size, note) VALUES ($11, $12) RETURNING 1),
  h AS (UPDATE ledger_head SET size = $11, root = $13, compact_range = $14, checkpoint = $12, updated_at = now() WHERE id = 0 AND size = $1 RETURNING 1),
  d AS (DELETE FROM ledger_intake WHERE id = ANY($15::bigint[]) RETURNING id, leaf_hash)
SELECT ledger_batch_check(
  (SELECT count(*) FROM h),
  (SELECT count(*) FROM d JOIN unnest($15::bigint[], $16::bytea[]) AS k(id, leaf_hash) ON k.id = d.id AND k.leaf_hash = d.leaf_hash), cardinality($15::bigint[]),
  (SELECT count(*) FROM t JOIN unnest($7::smallint[], $8::bigint[], $10::int[]) AS w(height, idx, len) ON w.height = t.height AND w.idx = t.idx AND w.len = t.len), cardinality($7::smallint[])
) AS checked`;

export interface IntakeRow {
  id: number;
  leafHash: Bytes;
  entry: PendingEntry;
}

export async function readIntake(tx: Sql, limit: number): Promise<IntakeRow[]> {
  const rows = await tx.query(
    'SELECT id, body, leaf_hash, type, unit_id, manifest_id FROM ledger_intake ORDER BY id LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({
    id: num(r.id),
    leafHash: bytes(r.leaf_hash),
    entry: {
      body: bytes(r.body),
      type: r.type as string,
      unitId: r.unit_id as string | null,
      manifestId: r.manifest_id as string | null,
    },
  }));
}
