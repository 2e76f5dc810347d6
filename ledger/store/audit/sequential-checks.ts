// The sequential half of the self-audit: the tree recomputed leaf by leaf against the stored
// tiles, and each chain's `prev` links against the entries seen so far.
import { equalBytes, toBase64, type Bytes } from '../../bytes.js';
import { EMPTY_ROOT, nodeHash } from '../../hash.js';
import { foldRight } from '../../tree.js';
import { bytes, num, type Sql } from '../sql.js';
import { TILE_WIDTH } from '../tiles.js';
import type { Break } from './audit.js';
import type { EntryFacts } from './entry-check.js';

const b64 = toBase64;

/** Reports each entry's shape problems and checks its `prev` links against the chains so far. */
export class ChainChecker {
  private readonly last = new Map<string, string>();
  constructor(private readonly report: (b: Break) => void) {}

  check(index: number, facts: EntryFacts, hash: Bytes): void {
    if (facts.malformed) this.report({ index, code: 'ENTRY_MALFORMED', detail: facts.malformed });
    if (facts.notCanonical) this.report({ index, code: 'ENTRY_NOT_CANONICAL', detail: 'body is not RFC 8785 canonical JSON' });
    const leaf = b64(hash);
    this.link(index, 'unit', facts.unit, facts.prevUnit, leaf);
    this.link(index, 'manifest', facts.manifest, facts.prevManifest, leaf);
  }

  private link(index: number, chain: string, subject: string | undefined, prev: string | undefined, leaf: string): void {
    if (subject === undefined) return;
    const key = `${chain}:${subject}`;
    const want = this.last.get(key);
    if (want !== prev) {
      this.report({ index, code: 'PREV_LINK_BROKEN', expected: want ?? '(none: first entry of the chain)', actual: prev ?? '(none)', detail: `${chain} ${subject}` });
    }
    this.last.set(key, leaf);
  }
}

/**
 * Recomputes the tree leaf by leaf and compares every completed perfect node with the stored
 * tile. A node that differs only because a node below it already differed is not reported again.
 */
export class AuditTree {
  private readonly stack: { hash: Bytes; dirty: boolean }[] = [];
  private count = 0;
  private rows = new Map<string, Bytes>();

  constructor(
    private readonly sql: Sql,
    private readonly report: (b: Break) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  useTiles(rows: Map<string, Bytes>): void {
    this.rows = rows;
  }

  storedLeaf(index: number): Bytes | undefined {
    return this.stored(0, index);
  }

  private stored(height: number, index: number): Bytes | undefined {
    const row = this.rows.get(`${height}/${Math.floor(index / TILE_WIDTH)}`);
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

/** The tile rows that appending leaves [from, to) completes nodes in, keyed "height/idx". */
export async function loadTiles(sql: Sql, from: number, to: number): Promise<Map<string, Bytes>> {
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
  const rows = await sql.query(
    `SELECT t.height, t.idx, t.hashes FROM unnest($1::int[], $2::bigint[]) AS w(height, idx)
       JOIN ledger_tiles t ON t.height = w.height AND t.idx = w.idx`,
    [heights, idxs],
  );
  return new Map(rows.map((r) => [`${r.height}/${num(r.idx)}`, bytes(r.hashes)]));
}
