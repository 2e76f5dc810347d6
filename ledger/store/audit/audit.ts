// The self-audit behind `hazledger verify`: re-reads the whole log from the database and checks
// every leaf hash, every stored tile node, the root at every signed checkpoint, each checkpoint's
// signature, consistency between successive checkpoints, the head row and every `prev` link.
// It reports every break it finds, each with one code from a closed list.
import { equalBytes, equalBytesAt, toBase64, type Bytes } from '../../bytes.js';
import { parseCheckpointText } from '../../checkpoint.js';
import { EMPTY_ROOT } from '../../hash.js';
import { encodeVkey, type NoteVerifier } from '../../note.js';
import { consistencyProof } from '../../proofs.js';
import { verifyConsistency } from '../../verify.js';
import { copyField, fieldSpans, int, parseCopyBinary } from '../copy-binary.js';
import { bytes, num, type Sql } from '../sql.js';
import { splitHashes, TILE_WIDTH, TileNodeSource } from '../tiles.js';
import { inlineChecker, workerChecker, type Checker } from './checker.js';
import { packBodies, type PackedPage } from './entry-check.js';
import type { PageResult } from './page-check.js';
import { AuditTree, ChainChecker, loadTiles } from './sequential-checks.js';
import { unpackTiles, type PageSpan, type TilePack } from './subtree.js';

export type BreakCode =
  | 'ENTRY_MISSING'
  | 'ENTRY_BEYOND_HEAD'
  | 'LEAF_HASH_MISMATCH'
  | 'ENTRY_MALFORMED'
  | 'ENTRY_NOT_CANONICAL'
  | 'CHECKPOINT_BEYOND_HEAD'
  | 'TILE_BEYOND_HEAD'
  | 'PREV_LINK_BROKEN'
  | 'TILE_MISSING'
  | 'TILE_MISMATCH'
  | 'CHECKPOINT_MALFORMED'
  | 'CHECKPOINT_SIGNATURE'
  | 'CHECKPOINT_ROOT_MISMATCH'
  | 'CHECKPOINT_INCONSISTENT'
  | 'HEAD_MISMATCH'
  // from the replay of the log into the read side (server/custody/replay.ts):
  | 'LIFECYCLE_VIOLATION'
  | 'ACTOR_SIGNATURE_INVALID'
  | 'READ_SIDE_MISMATCH';

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
  /** Rows found (a deleted row is not counted; it is an ENTRY_MISSING break). */
  entries: number;
  checkpoints: number;
  breaks: Break[];
}

export interface AuditOptions {
  /** Leaves per page, rounded up to a power of two (default 4,096): each is checked as one subtree. */
  pageSize?: number;
  /** Worker threads for the per-entry checks; by default some for large logs, none for small. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Below this many entries, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD = 50_000;

interface SignedRoot {
  size: number;
  root: Bytes;
}

const b64 = toBase64;

export async function auditLedger(sql: Sql, log: NoteVerifier, opts: AuditOptions = {}): Promise<AuditReport> {
  const breaks: Break[] = [];
  const report = (b: Break) => breaks.push(b);
  const snap = await snapshot(sql);
  const head = snap.head;
  if (!head) return { size: 0, entries: 0, checkpoints: 0, breaks: [{ index: 0, code: 'HEAD_MISMATCH', detail: 'no head row' }] };
  const headSize = num(head.size);
  // What lies beyond the head in the same snapshot was not sealed by it: a truncated log, or
  // rows put there by hand. (What the sequencer seals after the snapshot is simply not audited.)
  for (const c of snap.checkpoints.filter((c) => num(c.size) > headSize)) {
    report({ index: num(c.size), code: 'CHECKPOINT_BEYOND_HEAD', detail: `a checkpoint of size ${num(c.size)} exists but the head is at ${headSize}: the log was cut back` });
  }
  for (const idx of snap.entriesBeyond) report({ index: idx, code: 'ENTRY_BEYOND_HEAD', detail: `head size is ${headSize}` });
  for (const t of snap.tilesBeyond) report({ index: headSize, code: 'TILE_BEYOND_HEAD', detail: `tile row at height ${t.height} index ${t.idx} holds nodes past the tree of size ${headSize}` });
  const checkpointRows = snap.checkpoints.filter((c) => num(c.size) <= headSize);
  const workers = opts.workers ?? (headSize >= WORKER_THRESHOLD ? undefined : 0);
  const checker = workers === 0 ? inlineChecker() : workerChecker(workers);
  try {
    const signedPromise = readCheckpoints(checkpointRows, log, checker, report);
    const tree = new AuditTree(report);
    const chains = new ChainChecker(report);
    // The recomputed root at every size a checkpoint was signed at, compared once all are read.
    const checkpointSizes = checkpointRows.map((r) => num(r.size)).sort((a, b) => a - b);
    const rootsAt = new Map<number, Bytes>([[0, EMPTY_ROOT]]);
    let entries = 0;

    // Aligned pages of 2^k leaves: each is read (the next while this one is checked), checked
    // whole in a worker — bodies and the page's subtree — and its result consumed in order, since
    // the tree above the pages and the chains are sequential.
    const pageLeaves = 2 ** Math.max(1, Math.ceil(Math.log2(opts.pageSize ?? 4096)));
    const pageHeight = Math.log2(pageLeaves);
    const consume = async ({ span, idx, stored, odd, result, tiles }: CheckedPage) => {
      for (let expected = span.from, i = 0; expected < span.to; expected++) {
        if (idx[i] !== expected) {
          report({ index: expected, code: 'ENTRY_MISSING', detail: 'no row at this index' });
          continue;
        }
        if (!equalBytesAt(result.leafHashes, i * 32, stored, i * 32, 32) || odd.has(i)) {
          const actual = odd.get(i) ?? stored.subarray(i * 32, i * 32 + 32);
          report({ index: idx[i], code: 'LEAF_HASH_MISMATCH', expected: b64(result.leafHashes.subarray(i * 32, i * 32 + 32)), actual: b64(actual), detail: 'stored leaf hash is not the hash of the stored body' });
        }
        chains.check(idx[i], result.facts[i], result.leafLinks[i]);
        i++;
      }
      entries += idx.length;
      for (const b of result.tree.breaks) report(b);
      span.sizes.forEach((size, k) => rootsAt.set(size, tree.root(result.tree.partial[k])));
      tree.useTiles(unpackTiles(await tiles));
      for (const node of result.tree.nodes) tree.appendNode(node);
      if (checkpointSizes.includes(span.to)) rootsAt.set(span.to, tree.root());
      opts.onProgress?.(span.to, headSize);
    };
    const spanAt = (from: number): PageSpan => {
      const to = Math.min(from + pageLeaves, headSize);
      return { from, to, sizes: checkpointSizes.filter((s) => s > from && s < to) };
    };
    const read = (span: PageSpan) => Promise.all([fetchPage(sql, span.from, span.to), loadTiles(sql, span.from, span.to, 0, pageHeight)]);
    const inflight: Promise<CheckedPage>[] = [];
    let reading = headSize > 0 ? read(spanAt(0)) : undefined;
    for (let from = 0; from < headSize; from += pageLeaves) {
      const span = spanAt(from);
      const [{ idx, stored, odd, bodies }, pageTiles] = await reading!;
      if (from + pageLeaves < headSize) reading = read(spanAt(from + pageLeaves)); // the database reads ahead while this page is checked
      const tiles = loadTiles(sql, span.from, span.to, pageHeight + 1, Infinity);
      const request = { bodies, idx: Float64Array.from(idx), span, tiles: pageTiles };
      inflight.push(checker.checkPage(request).then((result) => ({ span, idx, stored, odd, result, tiles })));
      if (inflight.length > 4) await consume(await inflight.shift()!);
    }
    while (inflight.length > 0) await consume(await inflight.shift()!);

    const signed = await signedPromise;
    const headCheckpoint = signed.find((c) => c.size === headSize);
    if (!headCheckpoint) report({ index: headSize, code: 'HEAD_MISMATCH', detail: `no valid checkpoint at the head size ${headSize}` });
    if (checkpointRows.find((c) => num(c.size) === headSize)?.note !== head.checkpoint) {
      report({ index: headSize, code: 'HEAD_MISMATCH', detail: 'the head checkpoint differs from the stored checkpoint of its size' });
    }
    const rootMismatches = signed.filter((c) => rootsAt.has(c.size) && !equalBytes(c.root, rootsAt.get(c.size)!)).map((c) => c.size);
    reportRootRuns(rootMismatches, report);
    if (tree.size === headSize && !equalBytes(tree.root(), bytes(head.root))) {
      report({ index: headSize, code: 'HEAD_MISMATCH', expected: b64(tree.root()), actual: b64(bytes(head.root)), detail: 'head root' });
    }
    if (tree.size === headSize && !tree.sameRange(splitHashes(bytes(head.compact_range)))) {
      report({ index: headSize, code: 'HEAD_MISMATCH', detail: 'head compact range differs from the recomputed one' });
    }
    // Two signed roots that both equal the recomputed roots of one leaf sequence are consistent
    // by construction; proofs from the stored tiles are needed only around a mismatch, to tell a
    // forked (inconsistently signed) tree from edited data.
    const suspect = new Set(rootMismatches);
    await checkConsistency(sql, signed, (a, b) => suspect.has(a) || suspect.has(b) || b > tree.size, report);
    breaks.sort((a, b) => a.index - b.index);
    return { size: headSize, entries, checkpoints: signed.length, breaks };
  } finally {
    await checker.close();
  }
}

/** A page of the log as read: its indices, stored leaf hashes (32 bytes each, packed) and bodies. */
interface StoredPage {
  idx: number[];
  stored: Uint8Array;
  /** Stored leaf hashes that are not 32 bytes long (tampered), by position in the page. */
  odd: Map<number, Bytes>;
  bodies: PackedPage;
}

interface CheckedPage extends Omit<StoredPage, 'bodies'> {
  span: PageSpan;
  result: PageResult;
  /** The stored tile rows above the page's subtree that its nodes complete. */
  tiles: Promise<TilePack>;
}

/**
 * A page of entries from `from` on. On PostgreSQL the page comes as one binary COPY (the bodies'
 * exact bytes, no per-row messages to decode), whose buffer is then handed to a worker as is.
 * Elsewhere bodies come as text when they are valid UTF-8 (cheaper to move than bytea's hex form;
 * the same bytes once encoded); a page the database cannot convert (a tampered, non-UTF-8 body) is
 * read again as bytes.
 */
async function fetchPage(sql: Sql, from: number, to: number): Promise<StoredPage> {
  if (sql.copyOutBinary) {
    const rows = parseCopyBinary(await sql.copyOutBinary(`SELECT idx, body, leaf_hash FROM ledger_entries WHERE idx >= ${from} AND idx < ${to} ORDER BY idx`));
    const idx = new Array<number>(rows.count);
    const stored = new Uint8Array(rows.count * 32);
    const odd = new Map<number, Bytes>();
    for (let r = 0; r < rows.count; r++) {
      idx[r] = int(copyField(rows, r, 0));
      keepStored(stored, odd, r, copyField(rows, r, 2)!);
    }
    return { idx, stored, odd, bodies: { data: rows.data, ...fieldSpans(rows, 1) } };
  }
  const query = (body: string) =>
    sql.query(`SELECT idx, ${body} AS body, leaf_hash FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, [from, to]);
  let rows;
  try {
    rows = await query(`convert_from(body, 'UTF8')`);
  } catch {
    rows = await query('body');
  }
  const stored = new Uint8Array(rows.length * 32);
  const odd = new Map<number, Bytes>();
  rows.forEach((r, i) => keepStored(stored, odd, i, bytes(r.leaf_hash)));
  return { idx: rows.map((r) => num(r.idx)), stored, odd, bodies: packBodies(rows.map((r) => r.body as string | Bytes)) };
}

function keepStored(stored: Uint8Array, odd: Map<number, Bytes>, i: number, hash: Bytes): void {
  if (hash.length === 32) stored.set(hash, i * 32);
  else odd.set(i, hash.slice());
}

/** Every stored checkpoint: signature by the log key, well formed, filed under its own size. */
async function readCheckpoints(rows: { size: unknown; note: string }[], log: NoteVerifier, checker: Checker, report: (b: Break) => void): Promise<SignedRoot[]> {
  const vkey = encodeVkey(log.name, log.publicKey);
  const chunks: Promise<void>[] = [];
  const opened: ({ text: string } | { error: string })[] = new Array(rows.length);
  for (let at = 0; at < rows.length; at += 1000) {
    const notes = rows.slice(at, at + 1000).map((r) => r.note);
    chunks.push(checker.openNotes(notes, vkey).then((res) => res.forEach((r, i) => (opened[at + i] = r))));
  }
  await Promise.all(chunks);
  const out: SignedRoot[] = [];
  rows.forEach((r, i) => {
    const size = num(r.size);
    const result = opened[i];
    if ('error' in result) return report({ index: size, code: 'CHECKPOINT_SIGNATURE', detail: result.error });
    try {
      const cp = parseCheckpointText(result.text);
      if (cp.origin !== log.name || cp.size !== size) {
        report({ index: size, code: 'CHECKPOINT_MALFORMED', expected: `${log.name} size ${size}`, actual: `${cp.origin} size ${cp.size}` });
        return;
      }
      out.push({ size, root: cp.root });
    } catch (e) {
      report({ index: size, code: 'CHECKPOINT_MALFORMED', detail: (e as Error).message });
    }
  });
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
async function checkConsistency(
  sql: Sql,
  signed: SignedRoot[],
  needsProof: (from: number, to: number) => boolean,
  report: (b: Break) => void,
): Promise<void> {
  const nodes = new TileNodeSource(sql);
  const pairs = signed.slice(1).map((c, i) => [signed[i], c] as const).filter(([a, b]) => needsProof(a.size, b.size));
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

/** Head, checkpoints and whatever lies past the head, read in one consistent snapshot. */
async function snapshot(sql: Sql) {
  return sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [head] = await tx.query('SELECT size, root, compact_range, checkpoint FROM ledger_head WHERE id = 0');
    const size = head ? num(head.size) : 0;
    const checkpoints = await tx.query<{ size: unknown; note: string }>('SELECT size, note FROM ledger_checkpoints ORDER BY size');
    const beyond = await tx.query('SELECT idx FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT 1000', [size]);
    const tiles = await tx.query<{ height: number; idx: unknown }>(
      `SELECT height, idx FROM ledger_tiles WHERE idx * ${TILE_WIDTH} + length(hashes) / 32 > floor($1::float8 / power(2, height)) ORDER BY height, idx LIMIT 1000`,
      [size],
    );
    return { head, checkpoints, entriesBeyond: beyond.map((r) => num(r.idx)), tilesBeyond: tiles.map((t) => ({ height: t.height, idx: num(t.idx) })) };
  });
}
