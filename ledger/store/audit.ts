// The self-audit behind `hazledger verify`: re-reads the whole log from the database and checks
// every leaf hash, every stored tile node, the root at every signed checkpoint, each checkpoint's
// signature, consistency between successive checkpoints, the head row and every `prev` link.
// It reports every break it finds, each with one code from a closed list.
import { equalBytes, fromUtf8, toBase64, type Bytes } from '../bytes.js';
import { parseCheckpointText } from '../checkpoint.js';
import { canonicalJson } from '../canonical.js';
import { envelopeProblems } from '../entry.js';
import { EMPTY_ROOT, leafHash, nodeHash } from '../hash.js';
import { openNote, type NoteVerifier } from '../note.js';
import { consistencyProof } from '../proofs.js';
import { foldRight } from '../tree.js';
import { verifyConsistency } from '../verify.js';
import { bytes, num, type Sql } from './sql.js';
import { splitHashes, TILE_WIDTH, TileNodeSource } from './tiles.js';

export type BreakCode =
  | 'ENTRY_MISSING'
  | 'ENTRY_BEYOND_HEAD'
  | 'LEAF_HASH_MISMATCH'
  | 'ENTRY_MALFORMED'
  | 'ENTRY_NOT_CANONICAL'
  | 'PREV_LINK_BROKEN'
  | 'TILE_MISSING'
  | 'TILE_MISMATCH'
  | 'CHECKPOINT_MALFORMED'
  | 'CHECKPOINT_SIGNATURE'
  | 'CHECKPOINT_ROOT_MISMATCH'
  | 'CHECKPOINT_INCONSISTENT'
  | 'HEAD_MISMATCH';

export interface Break {
  /** Log index (or tree size, for checkpoint and head breaks) where it was found. */
  index: number;
  code: BreakCode;
  expected?: string;
  actual?: string;
  detail?: string;
}

export interface AuditReport {
  size: number;
  entries: number;
  checkpoints: number;
  breaks: Break[];
}

export interface AuditOptions {
  pageSize?: number;
  onProgress?: (done: number, total: number) => void;
}

interface SignedRoot {
  size: number;
  root: Bytes;
}

const b64 = toBase64;

export async function auditLedger(sql: Sql, log: NoteVerifier, opts: AuditOptions = {}): Promise<AuditReport> {
  const breaks: Break[] = [];
  const report = (b: Break) => breaks.push(b);
  const [head] = await sql.query('SELECT size, root, compact_range, checkpoint FROM ledger_head WHERE id = 0');
  if (!head) return { size: 0, entries: 0, checkpoints: 0, breaks: [{ index: 0, code: 'HEAD_MISMATCH', detail: 'no head row' }] };
  const headSize = num(head.size);

  const signed = await readCheckpoints(sql, log, report);
  const checkpointSizes = new Map(signed.map((c) => [c.size, c.root]));
  const headCheckpoint = signed.find((c) => c.size === headSize);
  if (!headCheckpoint) report({ index: headSize, code: 'HEAD_MISMATCH', detail: `no valid checkpoint at the head size ${headSize}` });
  if (!(await checkpointRowIs(sql, headSize, head.checkpoint as string))) {
    report({ index: headSize, code: 'HEAD_MISMATCH', detail: 'the head checkpoint differs from the stored checkpoint of its size' });
  }

  const tree = new AuditTree(sql, report);
  const chains = new ChainChecker(report);
  const rootMismatches: number[] = [];
  const checkRoot = (size: number) => {
    const want = checkpointSizes.get(size);
    if (want && !equalBytes(want, tree.root())) rootMismatches.push(size);
  };
  checkRoot(0);

  const pageSize = opts.pageSize ?? 5000;
  let expected = 0;
  let page = fetchPage(sql, 0, pageSize);
  for (;;) {
    const rows = await page;
    if (rows.length === 0) break;
    const last = rows[rows.length - 1].idx;
    page = fetchPage(sql, last + 1, pageSize); // read ahead while this page is checked
    await tree.loadTiles(expected, last + 1);
    for (const row of rows) {
      while (expected < row.idx) {
        // A hole: keep the tree going on the stored leaf hash so the rest can still be checked.
        report({ index: expected, code: 'ENTRY_MISSING', detail: 'no row at this index' });
        tree.append(tree.storedLeaf(expected) ?? new Uint8Array(32));
        checkRoot(++expected);
      }
      if (row.idx >= headSize) report({ index: row.idx, code: 'ENTRY_BEYOND_HEAD', detail: `head size is ${headSize}` });
      const h = leafHash(row.body);
      if (!equalBytes(h, row.leafHash)) {
        report({ index: row.idx, code: 'LEAF_HASH_MISMATCH', expected: b64(h), actual: b64(row.leafHash), detail: 'stored leaf hash is not the hash of the stored body' });
      }
      chains.check(row.idx, row.body, h);
      tree.append(h);
      checkRoot(++expected);
    }
    opts.onProgress?.(expected, headSize);
  }
  for (; expected < headSize; expected++) report({ index: expected, code: 'ENTRY_MISSING', detail: 'no row at this index' });

  reportRootRuns(rootMismatches, report);
  if (tree.size === headSize && !equalBytes(tree.root(), bytes(head.root))) {
    report({ index: headSize, code: 'HEAD_MISMATCH', expected: b64(tree.root()), actual: b64(bytes(head.root)), detail: 'head root' });
  }
  if (tree.size === headSize && !tree.sameRange(splitHashes(bytes(head.compact_range)))) {
    report({ index: headSize, code: 'HEAD_MISMATCH', detail: 'head compact range differs from the recomputed one' });
  }
  await checkConsistency(sql, signed, report);
  breaks.sort((a, b) => a.index - b.index);
  return { size: headSize, entries: expected, checkpoints: signed.length, breaks };
}

async function fetchPage(sql: Sql, from: number, limit: number) {
  const rows = await sql.query('SELECT idx, body, leaf_hash FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT $2', [from, limit]);
  return rows.map((r) => ({ idx: num(r.idx), body: bytes(r.body), leafHash: bytes(r.leaf_hash) }));
}

async function checkpointRowIs(sql: Sql, size: number, note: string): Promise<boolean> {
  const [row] = await sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [size]);
  return row?.note === note;
}

/** Every stored checkpoint: signature by the log key, well formed, filed under its own size. */
async function readCheckpoints(sql: Sql, log: NoteVerifier, report: (b: Break) => void): Promise<SignedRoot[]> {
  const rows = await sql.query<{ size: unknown; note: string }>('SELECT size, note FROM ledger_checkpoints ORDER BY size');
  const out: SignedRoot[] = [];
  for (const r of rows) {
    const size = num(r.size);
    try {
      const { text } = openNote(r.note, [log]);
      const cp = parseCheckpointText(text);
      if (cp.origin !== log.name || cp.size !== size) {
        report({ index: size, code: 'CHECKPOINT_MALFORMED', expected: `${log.name} size ${size}`, actual: `${cp.origin} size ${cp.size}` });
        continue;
      }
      out.push({ size, root: cp.root });
    } catch (e) {
      report({ index: size, code: 'CHECKPOINT_SIGNATURE', detail: (e as Error).message });
    }
  }
  return out;
}

/** Consecutive sizes whose signed root differs from the recomputed one are one break each run. */
function reportRootRuns(sizes: number[], report: (b: Break) => void): void {
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j + 1 < sizes.length && sizes[j + 1] > sizes[j]) j++;
    const detail = j > i ? `signed root differs from the recomputed root at ${j - i + 1} checkpoints, sizes ${sizes[i]}…${sizes[j]}` : 'signed root differs from the recomputed root';
    report({ index: sizes[i], code: 'CHECKPOINT_ROOT_MISMATCH', detail });
    i = j + 1;
  }
}

/** The log must never have signed two inconsistent trees: prove each checkpoint from the previous one. */
async function checkConsistency(sql: Sql, signed: SignedRoot[], report: (b: Break) => void): Promise<void> {
  const nodes = new TileNodeSource(sql);
  const pairs = signed.slice(1).map((c, i) => [signed[i], c] as const);
  const worker = async () => {
    for (let pair = pairs.shift(); pair; pair = pairs.shift()) {
      const [a, b] = pair;
      try {
        const path = await consistencyProof(a.size, b.size, nodes);
        const v = verifyConsistency(a.size, b.size, a.root, b.root, path);
        if (!v.ok) report({ index: b.size, code: 'CHECKPOINT_INCONSISTENT', detail: `from size ${a.size}: ${v.code} ${v.detail}` });
      } catch (e) {
        report({ index: b.size, code: 'CHECKPOINT_INCONSISTENT', detail: `from size ${a.size}: ${(e as Error).message}` });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** Checks each entry's shape and its `prev` links against the chains seen so far. */
class ChainChecker {
  private readonly last = new Map<string, string>();
  constructor(private readonly report: (b: Break) => void) {}

  check(index: number, body: Bytes, hash: Bytes): void {
    let entry: Record<string, unknown>;
    let text: string;
    try {
      text = fromUtf8(body);
      entry = JSON.parse(text);
    } catch (e) {
      this.report({ index, code: 'ENTRY_MALFORMED', detail: `not UTF-8 JSON: ${(e as Error).message}` });
      return;
    }
    const problems = envelopeProblems(entry);
    if (problems.length > 0) this.report({ index, code: 'ENTRY_MALFORMED', detail: problems.join('; ') });
    else if (canonicalJson(entry) !== text) this.report({ index, code: 'ENTRY_NOT_CANONICAL', detail: 'body is not RFC 8785 canonical JSON' });
    const prev = (entry.prev ?? {}) as Record<string, string | undefined>;
    const leaf = toBase64(hash);
    for (const chain of ['unit', 'manifest'] as const) {
      const subject = entry[chain];
      if (typeof subject !== 'string') continue;
      const key = `${chain}:${subject}`;
      const want = this.last.get(key);
      if (want !== prev[chain]) {
        this.report({ index, code: 'PREV_LINK_BROKEN', expected: want ?? '(none: first entry of the chain)', actual: prev[chain] ?? '(none)', detail: `${chain} ${subject}` });
      }
      this.last.set(key, leaf);
    }
  }
}

/**
 * Recomputes the tree leaf by leaf and compares every completed perfect node with the stored
 * tile. A node that differs only because a node below it already differed is not reported again.
 */
class AuditTree {
  private readonly stack: { hash: Bytes; dirty: boolean }[] = [];
  private count = 0;
  private readonly rows = new Map<string, Bytes>();

  constructor(
    private readonly sql: Sql,
    private readonly report: (b: Break) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Load the tile rows that appending leaves [from, to) will complete nodes in. */
  async loadTiles(from: number, to: number): Promise<void> {
    this.rows.clear();
    const heights: number[] = [];
    const idxs: number[] = [];
    for (let h = 0, span = 1; span <= to; h++, span *= 2) {
      const first = Math.ceil((from + 1) / span) - 1;
      const last = Math.floor(to / span) - 1;
      if (last < first) continue;
      for (let r = Math.floor(first / TILE_WIDTH); r <= Math.floor(last / TILE_WIDTH); r++) {
        heights.push(h);
        idxs.push(r);
      }
    }
    const rows = await this.sql.query(
      `SELECT t.height, t.idx, t.hashes FROM unnest($1::int[], $2::bigint[]) AS w(height, idx)
         JOIN ledger_tiles t ON t.height = w.height AND t.idx = w.idx`,
      [heights, idxs],
    );
    for (const r of rows) this.rows.set(`${r.height}/${num(r.idx)}`, bytes(r.hashes));
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
