// The raw log as NDJSON: each line exactly an entry's stored bytes (as GET /ledger/entries gives
// them), read a window at a time up to the log size found at the start; optionally only the
// entries that happened (`at`) in a period.
import { bytes, type Sql } from '../../ledger/store/sql.js';
import { logSize } from './management-ledger.js';
import type { Period } from './period.js';

export type OnEntries = (done: number, total: number, written: number) => void;

const NEWLINE = Buffer.from('\n');

export async function* ledgerEntryChunks(sql: Sql, opts: { period?: Period; window?: number; onProgress?: OnEntries } = {}): AsyncGenerator<Buffer> {
  const total = await logSize(sql);
  const size = opts.window ?? 1000;
  const p = opts.period;
  let written = 0;
  for (let start = 0; start < total; start += size) {
    const end = Math.min(total, start + size);
    const rows = p
      ? await sql.query<{ body: unknown }>(
        `SELECT body FROM (SELECT idx, body, (convert_from(body, 'UTF8')::jsonb ->> 'at')::timestamptz AS at FROM ledger_entries WHERE idx >= $1 AND idx < $2) e
         WHERE at >= $3::timestamptz AND at < $4::timestamptz ORDER BY idx`, [start, end, p.start, p.end])
      : await sql.query<{ body: unknown }>('SELECT body FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [start, end]);
    written += rows.length;
    opts.onProgress?.(end, total, written);
    if (rows.length > 0) yield Buffer.concat(rows.flatMap((r) => [bytes(r.body), NEWLINE]));
  }
}
