// Reads of the sealed log: entries as stored, checkpoints, and proofs built from the tiles.
import type { Bytes } from '../bytes.js';
import { encodeTlogProof } from '../tlog-proof.js';
import { consistencyProof, inclusionProof, inclusionRanges } from '../proofs.js';
import { hashRanges } from '../tree.js';
import { bytes, num, type Sql } from './sql.js';
import { TileNodeSource } from './tiles.js';

export interface Head {
  size: number;
  root: Bytes;
  checkpoint: string;
}

/** A request past the end of the tree (the HTTP layer answers 404). */
export class BeyondTreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BeyondTreeError';
  }
}

export class LedgerReader {
  private readonly nodes: TileNodeSource;
  /** A size the log is known to have reached; it only grows, so proofs below it need no head read. */
  private reached = 0;

  constructor(private readonly sql: Sql) {
    this.nodes = new TileNodeSource(sql);
  }

  async head(): Promise<Head> {
    const [row] = await this.sql.query('SELECT size, root, checkpoint FROM ledger_head WHERE id = 0', [], 'ledger_head');
    if (!row) throw new Error('the log is not initialised');
    return { size: num(row.size), root: bytes(row.root), checkpoint: row.checkpoint as string };
  }

  async checkpointAt(size: number): Promise<string | undefined> {
    const [row] = await this.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [size]);
    return row?.note;
  }

  async entry(index: number): Promise<Bytes | undefined> {
    const [row] = await this.sql.query('SELECT body FROM ledger_entries WHERE idx = $1', [index], 'ledger_entry');
    return row ? bytes(row.body) : undefined;
  }

  /** Entries [start, start + limit) that exist, in index order. */
  async entries(start: number, limit: number): Promise<{ index: number; body: Bytes }[]> {
    const rows = await this.sql.query(
      'SELECT idx, body FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, start + limit],
    );
    return rows.map((r) => ({ index: num(r.idx), body: bytes(r.body) }));
  }

  private async requireSize(size: number, what: string): Promise<void> {
    if (size <= this.reached) return;
    const { size: current } = await this.head();
    this.reached = Math.max(this.reached, current);
    if (size > current) throw new BeyondTreeError(`${what} ${size} is past the tree size ${current}`);
  }

  async inclusion(index: number, size: number): Promise<{ index: number; size: number; leafHash: Bytes; path: Bytes[] }> {
    await this.requireSize(size, 'size');
    if (index >= size) throw new BeyondTreeError(`index ${index} is not in a tree of size ${size}`);
    // The leaf and the path in one round trip.
    const [leafHash, ...path] = await hashRanges([[index, index + 1], ...inclusionRanges(index, size)], this.nodes);
    return { index, size, leafHash, path };
  }

  async consistency(from: number, to: number): Promise<{ from: number; to: number; path: Bytes[] }> {
    await this.requireSize(to, 'size');
    if (from > to) throw new RangeError(`from ${from} is larger than to ${to}`);
    return { from, to, path: await consistencyProof(from, to, this.nodes) };
  }

  /** C2SP tlog-proof@v1 for entry `index` against the latest checkpoint. */
  async tlogProof(index: number): Promise<string> {
    const head = await this.head();
    if (index >= head.size) throw new BeyondTreeError(`index ${index} is past the tree size ${head.size}`);
    const path = await inclusionProof(index, head.size, this.nodes);
    return encodeTlogProof({ index, path, checkpoint: head.checkpoint });
  }
}
