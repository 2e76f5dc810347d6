// The one writer of the log. Entries arrive in memory (append) or through the intake table
// (written by command transactions); whatever has arrived while the previous batch committed
// becomes the next batch (greedy group commit). A batch is one statement: indices, entries,
// tiles, the new signed checkpoint, the head and the intake rows it consumed commit together.
// The head is read under its row lock once and then cached; each batch's write lands only if the
// head row still has the size it was computed from, so indices stay gap-free and in commit order
// even beside another writer. Intake rows this process committed come with their content, so the
// usual batch is that one statement alone; rows of unknown content (left by a previous process,
// or waiting after a failure) are read first, in a transaction with the write.
import { equalBytes, type Bytes } from '../bytes.js';
import { parseCheckpointText, signCheckpoint } from '../checkpoint.js';
import { EMPTY_ROOT, leafHash } from '../hash.js';
import { openNote, parseNote, type NoteSigner } from '../note.js';
import { CompactRange } from '../tree.js';
import { lockHead, readIntake, writeBatch, type IntakeRow } from './batch-sql.js';
import type { Sql } from './sql.js';
import { TileWriter } from './tiles.js';

export interface PendingEntry {
  body: Bytes;
  type: string;
  unitId?: string | null;
  manifestId?: string | null;
}

export interface Sealed {
  index: number;
  leafHash: Bytes;
  /** The tree size and signed checkpoint of the batch that sealed the entry. */
  size: number;
  checkpoint: string;
}

export interface SealedEntry extends PendingEntry {
  index: number;
}

export interface BatchReport {
  start: number;
  count: number;
  fromIntake: number;
  ms: number;
}

interface Waiter {
  entry: PendingEntry;
  resolve(s: Sealed): void;
  reject(e: Error): void;
}

/** Create the head row and the size-0 checkpoint on an empty log; refuse a log signed by another key. */
export async function initLog(sql: Sql, signer: NoteSigner): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('LOCK TABLE ledger_head IN EXCLUSIVE MODE');
    const [head] = await tx.query<{ checkpoint: string }>('SELECT checkpoint FROM ledger_head WHERE id = 0');
    if (head) {
      try {
        openNote(head.checkpoint, [signer]);
      } catch {
        throw new Error(
          `the log's latest checkpoint is not signed by key ${signer.name}: refusing to continue another key's log ` +
            '(restore the checkpoint key or HAZLEDGER_ORIGIN it was signed with)',
        );
      }
      return;
    }
    const note = signCheckpoint({ origin: signer.name, size: 0, root: EMPTY_ROOT }, signer);
    await tx.query(
      `INSERT INTO ledger_head (id, size, root, compact_range, checkpoint) VALUES (0, 0, $1, $2, $3)`,
      [EMPTY_ROOT, new Uint8Array(0), note],
    );
    await tx.query('INSERT INTO ledger_checkpoints (size, note) VALUES (0, $1)', [note]);
  });
}

export class Sequencer {
  private queue: Waiter[] = [];
  private intakeWaiters = new Map<number, Pick<Waiter, 'resolve' | 'reject'>>();
  /** Intake rows committed by this process, with their content: sealed without reading them back. */
  private described = new Map<number, IntakeRow>();
  /** Intake rows sealed lately, for waiters that arrive after their batch (bounded). */
  private recentlySealed = new Map<number, Sealed>();
  private intakePending = true; // drain whatever a previous process left in intake
  private running = false;
  private retry?: NodeJS.Timeout;
  private closed = false;
  private head?: CompactRange;
  /** The latest checkpoint this log is known to have signed: the database must still hold it. */
  private known?: { size: number; note: string };
  /** Why signing is refused, by who said so (a witness holding a view this log does not extend). */
  private refusals = new Map<string, SigningRefusedError>();

  constructor(
    private readonly sql: Sql,
    private readonly signer: NoteSigner,
    private readonly opts: {
      maxBatch?: number;
      onBatch?: (r: BatchReport) => void;
      /** Every sealed entry, after its batch committed (for live feeds). */
      onSealed?: (entries: SealedEntry[]) => void;
      onError?: (e: Error) => void;
      /** Test-only crash point: called in each batch, computed and signed, just before its write. */
      inBatch?: (size: number) => void;
      /** The latest checkpoint signed before this process (kept outside the database); the log must extend it. */
      known?: string;
      /** Each new checkpoint, after its batch committed (to keep it outside the database). */
      onCheckpoint?: (note: string) => void;
    } = {},
  ) {
    if (opts.known) this.known = { size: parseCheckpointText(parseNote(opts.known).text).size, note: opts.known };
  }

  /** Seal one entry; resolves once the batch holding it has committed. */
  append(entry: PendingEntry): Promise<Sealed> {
    if (this.closed) return Promise.reject(new Error('the sequencer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.kick();
    });
  }

  /**
   * An intake row was committed: seal it soon, and tell the caller its index. With its content
   * (exactly what the row holds), the batch need not read it back.
   */
  sealIntake(intakeId: number, row?: { leafHash: Bytes; entry?: PendingEntry }): Promise<Sealed> {
    // A batch started by someone else may already have sealed it. (With its leaf hash, an id
    // reused by a database restored from a backup is not mistaken for the row sealed before.)
    const done = this.recentlySealed.get(intakeId);
    if (done && (!row || equalBytes(done.leafHash, row.leafHash))) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      this.intakeWaiters.set(intakeId, { resolve, reject });
      if (row?.entry) this.described.set(intakeId, { id: intakeId, leafHash: row.leafHash, entry: row.entry });
      else this.intakePending = true;
      this.kick();
    });
  }

  /** Sign nothing until `allow(source)`: `source` holds evidence this log's history is not the one it published. */
  refuse(source: string, why: SigningRefusedError): void {
    this.refusals.set(source, why);
  }

  allow(source: string): void {
    if (this.refusals.delete(source) && this.refusals.size === 0) this.drainIntake();
  }

  /** Seal what is in intake now (at start, and after an outage). */
  drainIntake(): void {
    this.intakePending = true;
    this.kick();
  }

  /** Resolves once everything queued so far, intake included, has been sealed or has failed. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Refuse new appends, then wait for the batch in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.intakePending || this.described.size > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch ?? 1000);
        try {
          await this.sealRetrying(batch);
        } catch (e) {
          const err = e as Error;
          for (const w of batch) w.reject(err);
          const refused = err instanceof SigningRefusedError;
          if (refused) {
            // Nothing will be sealed until an operator steps in: answer the waiting steps instead of hanging.
            for (const w of this.intakeWaiters.values()) w.reject(err);
            this.intakeWaiters.clear();
          }
          this.opts.onError?.(err);
          // Intake rows are durable and stay in intake: try them again in a moment. Their
          // waiters keep waiting; nothing acknowledged is ever dropped.
          this.intakePending = true;
          if (!this.closed) this.retry = setTimeout(() => this.kick(), refused ? REFUSED_RETRY_MS : 1000);
          break;
        }
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.kick();
    }
  }

  /**
   * Another process sealing the same log makes a batch computed from a stale head fail (the
   * guarded head update, or the entries' primary key); it is recomputed under the head lock.
   */
  private async sealRetrying(batch: Waiter[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.seal(batch);
      } catch (e) {
        // unique violation, deadlock, serialization failure: all mean "someone else sealed first"
        const conflict = ['23505', '40P01', '40001'].includes((e as { code?: string }).code ?? '');
        if (!conflict || attempt >= 5) throw e;
      }
    }
  }

  private async seal(batch: Waiter[]): Promise<void> {
    const started = performance.now();
    const room = Math.max(1, (this.opts.maxBatch ?? 1000) - batch.length);
    // Only rows this process described are waiting, and the head is known: one statement.
    const oneStatement = !this.intakePending && this.head !== undefined;
    let result;
    try {
      result = oneStatement
        ? await this.write(this.sql, this.head!.clone(), [...this.described.values()].sort((a, b) => a.id - b.id).slice(0, room), batch)
        : await this.sql.transaction(async (tx) => {
            // The head is cached between batches; the write only lands if the head row still
            // has the size it was computed from, so another writer can never be overtaken.
            const head = (this.head ??= await this.lockKnownHead(tx)).clone();
            this.intakePending = false;
            const before = [...this.described.keys()];
            const intake = await readIntake(tx, room);
            if (intake.length === room) this.intakePending = true; // there may be more
            else {
              // Everything waiting was read: a described row not among it was sealed by another writer.
              const read = new Set(intake.map((r) => r.id));
              for (const id of before.filter((id) => !read.has(id))) this.sealedElsewhere(id);
            }
            return this.write(tx, head, intake, batch);
          });
    } catch (e) {
      this.head = undefined; // read it afresh, under the lock, next time
      this.intakePending = true; // and whatever waits in intake with it
      throw e;
    }
    if (!result) return;
    const { start, size, checkpoint, hashes, intakeIds } = result;
    this.head = result.head;
    this.known = { size, note: checkpoint };
    this.opts.onCheckpoint?.(checkpoint);
    const sealed = (i: number): Sealed => ({ index: start + i, leafHash: hashes[i], size, checkpoint });
    intakeIds.forEach((id, i) => {
      this.described.delete(id);
      this.intakeWaiters.get(id)?.resolve(sealed(i));
      this.intakeWaiters.delete(id);
      this.recentlySealed.set(id, sealed(i));
    });
    for (const id of this.recentlySealed.keys()) {
      if (this.recentlySealed.size <= 10_000) break;
      this.recentlySealed.delete(id);
    }
    batch.forEach((w, i) => w.resolve(sealed(intakeIds.length + i)));
    this.opts.onBatch?.({ start, count: hashes.length, fromIntake: intakeIds.length, ms: performance.now() - started });
    this.opts.onSealed?.(result.entries.map((e, i) => ({ ...e, index: start + i })));
  }

  /** Its index is the other writer's to tell: say so rather than leave the caller waiting. */
  private sealedElsewhere(intakeId: number): void {
    this.described.delete(intakeId);
    this.intakeWaiters.get(intakeId)?.reject(new Error(`intake row ${intakeId} was sealed by another writer of this log`));
    this.intakeWaiters.delete(intakeId);
  }

  /** Compute the batch on `head` (a copy) and write it in one statement, which checks itself. */
  private async write(sql: Sql, head: CompactRange, intake: IntakeRow[], batch: Waiter[]) {
    const [refusal] = this.refusals.values();
    if (refusal) throw refusal;
    const entries = [...intake.map((r) => r.entry), ...batch.map((w) => w.entry)];
    if (entries.length === 0) return undefined;
    const start = head.size;
    const tiles = new TileWriter();
    const hashes = entries.map((e, i) => {
      const h = leafHash(e.body);
      if (i < intake.length && !equalBytes(h, intake[i].leafHash)) {
        throw new Error(`intake row ${intake[i].id} has a leaf hash that does not match its body`);
      }
      head.append(h, tiles.visit);
      return h;
    });
    const checkpoint = signCheckpoint({ origin: this.signer.name, size: head.size, root: head.root() }, this.signer);
    this.opts.inBatch?.(head.size);
    await sql.query(...writeBatch(start, entries, hashes, tiles, head, checkpoint, intake));
    return { start, size: head.size, checkpoint, hashes, intakeIds: intake.map((r) => r.id), head, entries };
  }

  /** The head, read under its lock; it must extend the latest checkpoint this log is known to have signed. */
  private async lockKnownHead(tx: Sql): Promise<CompactRange> {
    const head = await lockHead(tx);
    const known = this.known;
    if (known) {
      const [row] = known.size <= head.size ? await tx.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [known.size]) : [];
      if (!row || row.note !== known.note) {
        const why = known.size > head.size ? `its head is at size ${head.size}` : row ? `its checkpoint at that size differs` : 'no checkpoint at that size';
        throw new LogRollbackError(known.size, head.size, why);
      }
    } else {
      const [row] = await tx.query<{ checkpoint: string }>('SELECT checkpoint FROM ledger_head WHERE id = 0');
      this.known = { size: head.size, note: row.checkpoint };
    }
    return head;
  }
}

/** A refused batch is tried again this much later (the database may have been put right meanwhile). */
const REFUSED_RETRY_MS = 10_000;

/**
 * Signing would produce a tree inconsistent with checkpoints that witnesses and inspectors hold:
 * the sequencer refuses until an operator steps in.
 */
export class SigningRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningRefusedError';
  }
}

/** The database no longer holds the latest checkpoint this log signed: it was restored from an older backup or rewritten. */
export class LogRollbackError extends SigningRefusedError {
  constructor(
    readonly knownSize: number,
    readonly databaseSize: number,
    detail: string,
  ) {
    super(`the log signed a checkpoint at size ${knownSize} that the database does not hold (${detail}): it was rolled back or rewritten; refusing to sign`);
    this.name = 'LogRollbackError';
  }
}
