// Perfect Merkle nodes in `ledger_tiles`: 256 node hashes of one height per row.
import { concat, type Bytes } from '../bytes.js';
import { HASH_SIZE } from '../hash.js';
import type { NodeId, NodeSource } from '../tree.js';
import { num, type Sql } from './sql.js';

export const TILE_WIDTH = 256;

interface RowAppend {
  height: number;
  idx: number;
  offset: number;
  hashes: Bytes[];
}

/** Collects the nodes a batch completes and appends them to their rows in one statement. */
export class TileWriter {
  private readonly appends = new Map<string, RowAppend>();

  readonly visit = (height: number, index: number, hash: Bytes): void => {
    const idx = Math.floor(index / TILE_WIDTH);
    const key = `${height}/${idx}`;
    let row = this.appends.get(key);
    if (!row) {
      row = { height, idx, offset: index % TILE_WIDTH, hashes: [] };
      this.appends.set(key, row);
    }
    row.hashes.push(hash);
  };

  /** Each row this batch appends to: its nodes, and the length in bytes it must have after. */
  rows(): { height: number; idx: number; hashes: Bytes; length: number }[] {
    return [...this.appends.values()].map((r) => ({ height: r.height, idx: r.idx, hashes: concat(...r.hashes), length: (r.offset + r.hashes.length) * HASH_SIZE }));
  }
}

/** Proof material straight from the database: every node a proof needs in one round trip. */
export class TileNodeSource implements NodeSource {
  constructor(private readonly sql: Sql) {}

  async getNodes(ids: readonly NodeId[]): Promise<Bytes[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query<{ ord: number; h: Bytes | null }>(
      `SELECT n.ord, substring(t.hashes FROM n.off * 32 + 1 FOR 32) AS h
         FROM unnest($1::int[], $2::int[], $3::bigint[], $4::int[]) AS n(ord, height, idx, off)
         LEFT JOIN ledger_tiles t ON t.height = n.height AND t.idx = n.idx`,
      [
        ids.map((_, i) => i),
        ids.map((id) => id.height),
        ids.map((id) => Math.floor(id.index / TILE_WIDTH)),
        ids.map((id) => id.index % TILE_WIDTH),
      ],
      'ledger_tile_nodes',
    );
    const out: Bytes[] = new Array(ids.length);
    for (const r of rows) out[r.ord] = r.h as Bytes;
    ids.forEach((id, i) => {
      if (!out[i] || out[i].length !== HASH_SIZE) throw new Error(`tile node ${id.height}/${id.index} is missing`);
    });
    return out;
  }
}

export function splitHashes(packed: Bytes): Bytes[] {
  const out: Bytes[] = [];
  for (let i = 0; i < packed.length; i += HASH_SIZE) out.push(packed.subarray(i, i + HASH_SIZE));
  return out;
}
