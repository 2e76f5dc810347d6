// RFC 9162 Merkle tree shape: perfect-node addressing, compact-range append and the tree hash
// of any range the proof recursions need. Sizes and indices are plain numbers (exact to 2^53),
// so arithmetic below avoids 32-bit bitwise operators.
import type { Bytes } from './bytes.js';
import { EMPTY_ROOT, nodeHash } from './hash.js';

/** A perfect, aligned subtree: leaves [index·2^height, (index+1)·2^height). */
export interface NodeId {
  height: number;
  index: number;
}

/** Where proof material comes from: stored tiles, or memory in tests and in the browser. */
export interface NodeSource {
  getNodes(ids: readonly NodeId[]): Promise<Bytes[]> | Bytes[];
}

/** Half-open leaf range [start, end). */
export type LeafRange = readonly [start: number, end: number];

export function largestPowerOfTwoBelow(n: number): number {
  if (n < 2) throw new RangeError(`no power of two below ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Perfect aligned nodes covering [start, end), left to right. */
export function perfectNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  while (start < end) {
    let size = 1;
    while (start % (size * 2) === 0 && start + size * 2 <= end) size *= 2;
    out.push({ height: Math.log2(size), index: start / size });
    start += size;
  }
  return out;
}

/**
 * MTH of a range made of perfect nodes in strictly decreasing height, which is the shape of
 * [0, n) and of every range the RFC recursions ask for: the rightmost pieces merge first.
 */
export function foldRight(pieces: readonly Bytes[]): Bytes {
  if (pieces.length === 0) return EMPTY_ROOT;
  let r = pieces[pieces.length - 1];
  for (let i = pieces.length - 2; i >= 0; i--) r = nodeHash(pieces[i], r);
  return r;
}

/** Hash every range with one batched fetch from the node source. */
export async function hashRanges(ranges: readonly LeafRange[], source: NodeSource): Promise<Bytes[]> {
  const parts = ranges.map(([a, b]) => perfectNodes(a, b));
  const nodes = await source.getNodes(parts.flat());
  let at = 0;
  return parts.map((p) => {
    const slice = nodes.slice(at, at + p.length);
    at += p.length;
    return foldRight(slice);
  });
}

export async function treeHash(size: number, source: NodeSource): Promise<Bytes> {
  if (size === 0) return EMPTY_ROOT;
  return (await hashRanges([[0, size]], source))[0];
}

export type NodeVisitor = (height: number, index: number, hash: Bytes) => void;

/**
 * The compact range of [0, size): roots of the perfect subtrees covering it, left to right,
 * strictly decreasing in height (one per set bit of size). Appending is O(log n) and the whole
 * state is at most 64 hashes, so it lives in the log's head row.
 */
export class CompactRange {
  private constructor(
    private count: number,
    private readonly stack: Bytes[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  static from(size: number, hashes: readonly Bytes[]): CompactRange {
    if (popcount(size) !== hashes.length) {
      throw new Error(`compact range of size ${size} needs ${popcount(size)} hashes, got ${hashes.length}`);
    }
    return new CompactRange(size, [...hashes]);
  }

  get size(): number {
    return this.count;
  }

  hashes(): Bytes[] {
    return [...this.stack];
  }

  /** Append one leaf hash; `visit` sees every perfect node this completes, the leaf included. */
  append(leaf: Bytes, visit?: NodeVisitor): void {
    let index = this.count;
    let height = 0;
    let h = leaf;
    visit?.(height, index, h);
    while (index % 2 === 1) {
      h = nodeHash(this.stack.pop()!, h);
      index = (index - 1) / 2;
      height++;
      visit?.(height, index, h);
    }
    this.stack.push(h);
    this.count++;
  }

  root(): Bytes {
    return foldRight(this.stack);
  }

  clone(): CompactRange {
    return new CompactRange(this.count, [...this.stack]);
  }
}

export function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n % 2;
    n = Math.floor(n / 2);
  }
  return c;
}

/** Keeps every perfect node in memory: for tests and for small trees in the browser. */
export class MemoryTree implements NodeSource {
  private readonly nodes = new Map<string, Bytes>();
  private readonly range = CompactRange.empty();

  constructor(leaves: Iterable<Bytes> = []) {
    for (const leaf of leaves) this.append(leaf);
  }

  append(leaf: Bytes): void {
    this.range.append(leaf, (h, i, hash) => this.nodes.set(`${h}/${i}`, hash));
  }

  get size(): number {
    return this.range.size;
  }

  root(): Bytes {
    return this.range.root();
  }

  getNodes(ids: readonly NodeId[]): Bytes[] {
    return ids.map(({ height, index }) => {
      const n = this.nodes.get(`${height}/${index}`);
      if (!n) throw new RangeError(`no node at height ${height} index ${index}`);
      return n;
    });
  }
}
