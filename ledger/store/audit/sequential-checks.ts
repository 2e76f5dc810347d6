// The sequential half of the self-audit: the tree above the pages against the stored tiles, and
// each chain's `prev` links against the entries seen so far.
import { equalBytes, packBytes, type Bytes } from '../../bytes.js';
import { EMPTY_ROOT, nodeHash } from '../../hash.js';
import { foldRight } from '../../tree.js';
import { copyField, fieldSpans, int, parseCopyBinary } from '../copy-binary.js';
import { bytes, num, type Sql } from '../sql.js';
import { TILE_WIDTH } from '../tiles.js';
import type { Break } from './audit.js';
import type { EntryFacts } from './entry-check.js';
import { compareNode, type SubtreeNode, type TileRows, type TilePack } from './subtree.js';

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
 * The tree above the pages: each page's subtree nodes (hashed and compared in the page's check)
 * are appended, merged, and every node completed above them compared with its stored tile. A node
 * that differs only because a node below it already differed is not reported again.
 */
export class AuditTree {
  // The compact range: node hashes, and whether each differs from (or lacks) a stored node.
  private readonly hashes: Bytes[] = [];
  private readonly dirty: boolean[] = [];
  private count = 0;
  private rows: TileRows = [];

  constructor(private readonly report: (b: Break) => void) {}

  get size(): number {
    return this.count;
  }

  useTiles(rows: TileRows): void {
    this.rows = rows;
  }

  /** Append a perfect subtree of 2^height leaves, starting where the tree ends (a multiple of its width). */
  appendNode({ height, hash, dirty }: SubtreeNode): void {
    const width = 2 ** height;
    if (this.count % width !== 0) throw new Error(`a subtree of ${width} leaves cannot start at ${this.count}`);
    let index = this.count / width;
    while (index % 2 === 1) {
      const leftDirty = this.dirty.pop()!;
      hash = nodeHash(this.hashes.pop()!, hash);
      index = (index - 1) / 2;
      height++;
      dirty = compareNode(this.rows, height, index, hash, leftDirty || dirty, this.report);
    }
    this.hashes.push(hash);
    this.dirty.push(dirty);
    this.count += width;
  }

  /** The root now, or of the tree with `more` perfect subtrees (left to right) appended. */
  root(more: Bytes[] = []): Bytes {
    return this.count === 0 && more.length === 0 ? EMPTY_ROOT : foldRight([...this.hashes, ...more]);
  }

  sameRange(hashes: Bytes[]): boolean {
    return hashes.length === this.hashes.length && hashes.every((h, i) => equalBytes(h, this.hashes[i]));
  }
}

/** The tile rows at heights [minHeight, maxHeight] that appending leaves [from, to) completes nodes in. */
export async function loadTiles(sql: Sql, from: number, to: number, minHeight: number, maxHeight: number): Promise<TilePack> {
  const heights: number[] = [];
  const idxs: number[] = [];
  for (let h = minHeight, span = 2 ** minHeight; span <= to && h <= maxHeight; h++, span *= 2) {
    const first = Math.ceil((from + 1) / span) - 1;
    const last = Math.floor(to / span) - 1;
    for (let r = Math.floor(first / TILE_WIDTH); last >= first && r <= Math.floor(last / TILE_WIDTH); r++) {
      heights.push(h);
      idxs.push(r);
    }
  }
  const query = (list: (xs: number[], type: string) => string) =>
    `SELECT t.height, t.idx, t.hashes FROM unnest(${list(heights, 'int')}, ${list(idxs, 'bigint')}) AS w(height, idx)
       JOIN ledger_tiles t ON t.height = w.height AND t.idx = w.idx`;
  if (sql.copyOutBinary) {
    // Binary COPY: the hashes as bytes, not hex text to decode (a third of the log's size again).
    const rows = parseCopyBinary(await sql.copyOutBinary(query((xs, type) => `'{${xs}}'::${type}[]`)));
    return {
      heights: Int32Array.from({ length: rows.count }, (_, r) => int(copyField(rows, r, 0))),
      idxs: Float64Array.from({ length: rows.count }, (_, r) => int(copyField(rows, r, 1))),
      data: rows.data,
      ...fieldSpans(rows, 2),
    };
  }
  let n = 0;
  const rows = await sql.query(query((_, type) => `$${++n}::${type}[]`), [heights, idxs]);
  return {
    heights: Int32Array.from(rows, (r) => Number(r.height)),
    idxs: Float64Array.from(rows, (r) => num(r.idx)),
    ...packBytes(rows.map((r) => bytes(r.hashes))),
  };
}
