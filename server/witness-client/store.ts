// The witnesses' cosignatures of the log's checkpoints (table checkpoint_cosignatures), and the
// cosigned checkpoint: a signed checkpoint note with its witnesses' lines appended.
import { appendSignatureLines } from '../../ledger/witness-protocol.js';
import { num, type Sql } from '../../ledger/store/sql.js';
import type { ReceivedCosignature } from './client.js';

export interface CosignedCheckpoint {
  size: number;
  /** The log's checkpoint note followed by the witness signature lines. */
  note: string;
  witnesses: string[];
}

export class CosignatureStore {
  constructor(private readonly sql: Sql) {}

  /** The largest size this witness key cosigned, as far as this log knows. */
  async lastSize(witness: string, keyIdHex: string): Promise<number | undefined> {
    const [row] = await this.sql.query('SELECT max(size) AS size FROM checkpoint_cosignatures WHERE witness = $1 AND key_id = $2', [witness, keyIdHex]);
    return row?.size === null || row?.size === undefined ? undefined : num(row.size);
  }

  /** Keep a cosignature; a second one by the same key for the same size is dropped. */
  async add(size: number, c: ReceivedCosignature): Promise<void> {
    await this.sql.query(
      `INSERT INTO checkpoint_cosignatures (witness, key_id, size, timestamp, line) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (witness, key_id, size) DO NOTHING`,
      [c.witness, c.keyIdHex, size, c.timestamp, c.line],
    );
  }

  /**
   * The latest checkpoint cosigned by at least `min` witnesses (at size `size`, when given), with
   * their lines in witness-name order; undefined when there is none.
   */
  async cosigned(opts: { min?: number; size?: number } = {}): Promise<CosignedCheckpoint | undefined> {
    const min = Math.max(1, opts.min ?? 1);
    const [found] = opts.size === undefined
      ? await this.sql.query('SELECT size FROM checkpoint_cosignatures GROUP BY size HAVING count(*) >= $1 ORDER BY size DESC LIMIT 1', [min])
      : await this.sql.query('SELECT size FROM checkpoint_cosignatures WHERE size = $2 GROUP BY size HAVING count(*) >= $1', [min, opts.size]);
    if (!found) return undefined;
    const size = num(found.size);
    const [checkpoint] = await this.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [size]);
    if (!checkpoint) return undefined;
    const lines = await this.sql.query<{ witness: string; line: string }>(
      'SELECT witness, line FROM checkpoint_cosignatures WHERE size = $1 ORDER BY witness, key_id', [size],
    );
    return { size, note: appendSignatureLines(checkpoint.note, lines.map((l) => l.line)), witnesses: lines.map((l) => l.witness) };
  }
}
