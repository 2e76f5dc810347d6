// The tree inside one page of the self-audit. Pages are aligned, 2^k leaves each, so every node
// of the page's own subtree can be hashed and compared with the stored tiles where the page is
// checked (a worker thread): the sequential part keeps only the nodes above the pages.
import { equalBytesAt, toBase64, type Bytes } from '../../bytes.js';
import { nodeHash } from '../../hash.js';
import { TILE_WIDTH } from '../tiles.js';
import type { Break } from './audit.js';

/** Stored tile rows: rows[height].get(tile index). */
export type TileRows = Map<number, Bytes>[];

/** Tile rows packed for a worker: row i is height heights[i], index idxs[i], data[starts[i], ends[i]). */
export interface TilePack {
  heights: Int32Array;
  idxs: Float64Array;
  data: Uint8Array;
  starts: Uint32Array;
  ends: Uint32Array;
}

export function unpackTiles(p: TilePack): TileRows {
  const rows: TileRows = [];
  p.heights.forEach((h, i) => (rows[h] ??= new Map()).set(p.idxs[i], p.data.subarray(p.starts[i], p.ends[i])));
  return rows;
}

/** The stored copy of a node, when its tile row holds it. */
export function storedNode(rows: TileRows, height: number, index: number): Bytes | undefined {
  const row = rows[height]?.get(Math.floor(index / TILE_WIDTH));
  const off = (index % TILE_WIDTH) * 32;
  return row && row.length >= off + 32 ? row.subarray(off, off + 32) : undefined;
}

/**
 * Whether a recomputed node differs from (or lacks) its stored copy. A difference is reported
 * unless a child already differed (then it is a consequence); a missing stored node always is.
 */
export function compareNode(rows: TileRows, height: number, index: number, hash: Bytes, childDirty: boolean, report: (b: Break) => void): boolean {
  const row = rows[height]?.get(Math.floor(index / TILE_WIDTH));
  const off = (index % TILE_WIDTH) * 32;
  const at = index * 2 ** height;
  if (!row || row.length < off + 32) {
    report({ index: at, code: 'TILE_MISSING', detail: `no stored node at height ${height} index ${index}` });
    return true;
  }
  if (equalBytesAt(row, off, hash, 0, 32)) return false;
  if (!childDirty) {
    report({ index: at, code: 'TILE_MISMATCH', expected: toBase64(hash), actual: toBase64(row.subarray(off, off + 32)), detail: `node at height ${height} index ${index}` });
  }
  return true;
}

export interface SubtreeNode {
  height: number;
  hash: Bytes;
  dirty: boolean;
}

export interface PageSpan {
  /** First leaf index; a multiple of the page size. */
  from: number;
  /** One past the last leaf (the page size on, or the head). */
  to: number;
  /** Checkpoint sizes strictly inside (from, to), whose roots need the page's left part. */
  sizes: number[];
}

export interface SubtreeResult {
  breaks: Break[];
  /** [from, to) as maximal aligned perfect subtrees, left to right. */
  nodes: SubtreeNode[];
  /** For each of span.sizes, [from, size) the same way (hashes only). */
  partial: Bytes[][];
}

/**
 * Hashes and compares every node of the page's subtree. `leafAt(k)` is the leaf hash at from + k
 * (the stored one, or zeros, where a row is missing: the tree goes on so the rest is checked).
 */
export function checkSubtree(span: PageSpan, leafAt: (k: number) => Bytes, tiles: TileRows): SubtreeResult {
  const breaks: Break[] = [];
  const report = (b: Break) => breaks.push(b);
  const m = span.to - span.from;
  let hashes: Bytes[] = new Array(m);
  let dirty: boolean[] = new Array(m);
  for (let k = 0; k < m; k++) {
    hashes[k] = leafAt(k);
    dirty[k] = compareNode(tiles, 0, span.from + k, hashes[k], false, report);
  }
  const levels: Bytes[][] = [hashes];
  const dirtyLevels: boolean[][] = [dirty];
  for (let h = 1; hashes.length >= 2; h++) {
    const base = span.from / 2 ** h;
    const up: Bytes[] = new Array(hashes.length >> 1);
    const upDirty: boolean[] = new Array(up.length);
    for (let j = 0; j < up.length; j++) {
      up[j] = nodeHash(hashes[2 * j], hashes[2 * j + 1]);
      upDirty[j] = compareNode(tiles, h, base + j, up[j], dirty[2 * j] || dirty[2 * j + 1], report);
    }
    levels.push((hashes = up));
    dirtyLevels.push((dirty = upDirty));
  }
  // [from, from + length) split by the bits of its length, highest first.
  const split = (length: number) => {
    const out: SubtreeNode[] = [];
    for (let h = levels.length - 1, off = 0; h >= 0; h--) {
      if (length & (2 ** h)) {
        out.push({ height: h, hash: levels[h][off >> h], dirty: dirtyLevels[h][off >> h] });
        off += 2 ** h;
      }
    }
    return out;
  };
  return { breaks, nodes: split(m), partial: span.sizes.map((s) => split(s - span.from).map((n) => n.hash)) };
}
