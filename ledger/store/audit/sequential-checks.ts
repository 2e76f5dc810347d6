// The sequential half of the self-audit: the tree recomputed leaf by leaf against the stored
// tiles, and each chain's `prev` links against the entries seen so far.
import { equalBytes, toBase64, type Bytes } from '../../bytes.js';
import { EMPTY_ROOT, nodeHash } from '../../hash.js';
import { foldRight } from '../../tree.js';
import { copyField, int, parseCopyBinary } from '../copy-binary.js';
import { bytes, num, type Sql } from '../sql.js';
import { TILE_WIDTH } from '../tiles.js';
import type { Break } from './audit.js';
import type { EntryFacts } from './entry-check.js';

const b64 = toBase64;

/** Reports each entry's shape problems and checks its `prev` links against the chains so far. */
export class ChainChecker {
  /** The last leaf hash (base64) of each unit's and each manifest's chain. */
  private readonly last = { unit: new Map<string, string>(), manifest: new Map<string, string>() };
  constructor(private readonly report: (b: Break) => void) {}

  check(index: number, facts: EntryFacts, leafLink: string): void {
    if (facts.malformed) this.report({ index, code: 'ENTRY_MALFORMED', detail: facts.malformed });
    if (facts.notCanonical) this.report({ index, code: 'ENTRY_NOT_CANONICAL', detail: 'body is not RFC 8785 canonical JSON' });
    if (facts.unit !== undefined) this.link(index, 'unit', facts.unit, facts.prevUnit, leafLink);
    if (facts.manifest !== undefined) this.link(index, 'manifest', facts.manifest, facts.prevManifest, leafLink);
  }

  private link(index: number, chain: 'unit' | 'manifest', subject: string, prev: string | undefined, leaf: string): void {
    const last = this.last[chain];
    const want = last.get(subject);
    if (want !== prev) {
      this.report({ index, code: 'PREV_LINK_BROKEN', expected: want ?? '(none: first entry of the chain)', actual: prev ?? '(none)', detail: `${chain} ${subject}` });
    }
    last.set(subject, leaf);
  }
}

/**
 * Recomputes the tree leaf by leaf and compares every completed perfect node with the stored
 * tile. A node that differs only because a node below it already differed is not reported again.
 */
export class AuditTree {
  private readonly stack: { hash: Bytes; dirty: boolean }[] = [];
  private count = 0;
  private rows: TileRows = [];

  constructor(
    private readonly sql: Sql,
    private readonly report: (b: Break) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  useTiles(rows: TileRows): void {
    this.rows = rows;
  }

  storedLeaf(index: number): Bytes | undefined {
    return this.stored(0, index);
  }

  private stored(height: number, index: number): Bytes | undefined {
    const row = this.rows[height]?.get(Math.floor(index / TILE_WIDTH));
    const off = (index % TILE_WIDTH) * 32;
    return row && row.length >= off + 32 ? row.subarray(off, off + 32) : undefined;
  }

  private compare(height: number, index: number, hash: Bytes, childDirty: boolean): boolean {
    const stored = this.stored(height, index);
    const at = index * 2 ** height;
    if (!stored) {
      this.report({ index: at, code: 'TILE_MISSING', detail: `no stored node at height ${height} index ${index}` });
      return true;
    }
    if (equalBytes(stored, hash)) return false;
    if (!childDirty) {
      this.report({ index: at, code: 'TILE_MISMATCH', expected: b64(hash), actual: b64(stored), detail: `node at height ${height} index ${index}` });
    }
    return true;
  }

  append(leaf: Bytes): void {
    let index = this.count;
    let height = 0;
    let node = { hash: leaf, dirty: this.compare(0, index, leaf, false) };
    while (index % 2 === 1) {
      const left = this.stack.pop()!;
      const hash = nodeHash(left.hash, node.hash);
      index = (index - 1) / 2;
      height++;
      node = { hash, dirty: this.compare(height, index, hash, left.dirty || node.dirty) };
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Bytes {
    return this.count === 0 ? EMPTY_ROOT : foldRight(this.stack.map((n) => n.hash));
  }

  sameRange(hashes: Bytes[]): boolean {
    return hashes.length === this.stack.length && hashes.every((h, i) => equalBytes(h, this.stack[i].hash));
  }
}

/** Stored tile rows: rows[height].get(tile index). */
export type TileRows = Map<number, Bytes>[];

/** The tile rows that appending leaves [from, to) completes nodes in. */
export async function loadTiles(sql: Sql, from: number, to: number): Promise<TileRows> {
  const heights: number[] = [];
  const idxs: number[] = [];
  for (let h = 0, span = 1; span <= to; h++, span *= 2) {
    const first = Math.ceil((from + 1) / span) - 1;
    const last = Math.floor(to / span) - 1;
    for (let r = Math.floor(first / TILE_WIDTH); last >= first && r <= Math.floor(last / TILE_WIDTH); r++) {
      heights.push(h);
      idxs.push(r);
    }
  }
  const byHeight: TileRows = [];
  const keep = (height: number, idx: number, hashes: Bytes) => (byHeight[height] ??= new Map()).set(idx, hashes);
  if (sql.copyOutBinary) {
    // Binary COPY: the hashes as bytes, not hex text to decode (a third of the log's size again).
    const rows = parseCopyBinary(await sql.copyOutBinary(
      `SELECT t.height, t.idx, t.hashes FROM unnest('{${heights}}'::int[], '{${idxs}}'::bigint[]) AS w(height, idx)
         JOIN ledger_tiles t ON t.height = w.height AND t.idx = w.idx`,
    ));
    for (let r = 0; r < rows.count; r++) keep(int(copyField(rows, r, 0)), int(copyField(rows, r, 1)), copyField(rows, r, 2)!);
    return byHeight;
  }
  const rows = await sql.query(
    `SELECT t.height, t.idx, t.hashes FROM unnest($1::int[], $2::bigint[]) AS w(height, idx)
       JOIN ledger_tiles t ON t.height = w.height AND t.idx = w.idx`,
    [heights, idxs],
  );
  for (const r of rows) keep(Number(r.height), num(r.idx), bytes(r.hashes));
  return byHeight;
}
