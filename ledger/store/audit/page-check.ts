// Everything about one page of the log that does not depend on the pages before it: each body
// (entry-check.ts) and the page's own subtree (subtree.ts). Run in a worker thread, or inline.
import { checkPage, type PackedPage, type PageFacts } from './entry-check.js';
import { checkSubtree, storedNode, unpackTiles, type PageSpan, type SubtreeResult, type TilePack } from './subtree.js';

export interface PageRequest {
  bodies: PackedPage;
  /** The log index of each body, ascending, within [span.from, span.to). */
  idx: Float64Array;
  span: PageSpan;
  /** The stored tile rows of the page's subtree. */
  tiles: TilePack;
}

export interface PageResult extends PageFacts {
  tree: SubtreeResult;
}

const ZERO = new Uint8Array(32);

export function checkAlignedPage(req: PageRequest): PageResult {
  const facts = checkPage(req.bodies);
  const tiles = unpackTiles(req.tiles);
  const { from, to } = req.span;
  const row = new Int32Array(to - from).fill(-1);
  req.idx.forEach((index, i) => (row[index - from] = i));
  const leafAt = (k: number) => (row[k] >= 0 ? facts.leafHashes.subarray(row[k] * 32, row[k] * 32 + 32) : (storedNode(tiles, 0, from + k) ?? ZERO));
  return { ...facts, tree: checkSubtree(req.span, leafAt, tiles) };
}

/** The buffers of a request, to move to a worker rather than copy. */
export function transferables(req: PageRequest): ArrayBuffer[] {
  const b = req.bodies;
  const t = req.tiles;
  return ['data' in b ? [b.data.buffer, b.starts.buffer, b.ends.buffer] : [b.lengths.buffer], [req.idx.buffer, t.heights.buffer, t.idxs.buffer, t.data.buffer, t.starts.buffer, t.ends.buffer]].flat() as ArrayBuffer[];
}
