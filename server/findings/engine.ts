// The finding engine: reads the sealed log in index order from where it stopped (finding_cursor),
// runs the stream rules on each entry, and seals what they find as `finding.raised` entries —
// findings, intake rows and the cursor move in one transaction, so a restart neither misses nor
// repeats one (each finding's key is unique as well). A scheduler runs the time rules and, less
// often, the self-audit, whose breaks become LEDGER_TAMPERED findings.
import { encodeEntry, fromUtf8, leafHash, parseVkey, type Envelope } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Sequencer } from '../../ledger/store/sequencer.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { EnrolledKeys } from '../custody/actor-signatures.js';
import type { NewFinding } from './codes.js';
import { enqueueFinding } from '../alerts/subscriptions.js';
import { applyFindingEntry, raisedEnvelope, saveFindingSql } from './finding-store.js';
import type { FindingLimits } from './limits.js';
import { LoggedLicences } from './logged-licences.js';
import { streamFindings, type RuleContext } from './stream-rules.js';
import { timeFindings } from './time-rules.js';

const PAGE = 500;
/** How long a kick waits before reading, gathering what is sealed meanwhile. */
const GATHER_MS = 50;

export interface FindingEngineOptions {
  sql: Sql;
  sequencer: Sequencer;
  limits: FindingLimits;
  /** The log's verifier key, for the scheduled self-audit. */
  vkey: string;
  onError?: (e: Error) => void;
  /** Each finding sealed (for logs). */
  onRaised?: (f: NewFinding) => void;
  /** Webhook deliveries were queued (to wake the dispatcher). */
  onQueued?: () => void;
}

export class FindingEngine {
  // What the rules know of the log before the next entry: rebuilt when primed, then learned page by page.
  private keys = new EnrolledKeys();
  private licences = new LoggedLicences();
  private primedTo = -1;
  private busy?: Promise<void>;
  private again = false;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly o: FindingEngineOptions) {}

  start(): void {
    const every = (ms: number, run: () => Promise<unknown>) => ms > 0 && this.timers.push(setInterval(() => void this.guard(run), ms).unref());
    every(this.o.limits.scanSeconds * 1000, () => this.scan());
    every(this.o.limits.auditMinutes * 60_000, () => this.audit());
    this.kick();
    void this.guard(() => this.scan()); // time has passed while the server was down
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    return this.busy ?? Promise.resolve();
  }

  /** New entries were sealed: read them (single flight; a kick while busy runs once more after). */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.guard(async () => {
      // Let the next few batches seal first: one read for them all, not several queries a batch.
      await new Promise((r) => setTimeout(r, GATHER_MS));
      do {
        this.again = false;
        while (!this.stopped && (await this.readPage())) {}
      } while (this.again && !this.stopped);
    }).finally(() => (this.busy = undefined));
  }

  /** Everything sealed so far has been read (for tests and the CLI). */
  async settled(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private async guard(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      this.o.onError?.(e as Error);
    }
  }

  /** The registry and recent steps before `from`, so signature checks resume where they left off. */
  private async prime(from: number): Promise<void> {
    if (this.primedTo === from) return;
    this.keys = new EnrolledKeys();
    this.licences = new LoggedLicences();
    const rows = await this.o.sql.query(
      `SELECT idx, body FROM ledger_entries WHERE idx < $1 AND (type = 'registry.changed' OR idx >= $1 - 50) ORDER BY idx`,
      [from],
    );
    for (const r of rows) {
      const e = JSON.parse(fromUtf8(bytes(r.body))) as Envelope;
      if (e.type === 'registry.changed') {
        this.keys.learn(e);
        this.licences.learn(e);
      } else if (e.sig?.length) await this.keys.check(e);
    }
    this.primedTo = from;
  }

  /** One page of the log through the stream rules. False when there was nothing new. */
  private async readPage(): Promise<boolean> {
    const [cursor] = await this.o.sql.query('SELECT next_index FROM finding_cursor WHERE id = 0');
    const from = cursor ? num(cursor.next_index) : 0;
    await this.prime(from);
    const rows = await this.o.sql.query('SELECT idx, body FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT $2', [from, PAGE]);
    if (rows.length === 0) return false;
    const ctx: RuleContext = { sql: this.o.sql, limits: this.o.limits, keys: this.keys, licences: this.licences };
    this.primedTo = -1; // learning past `from` now: a page that fails to seal is read again after priming afresh
    const found: NewFinding[] = [];
    for (const r of rows) {
      let e: Envelope;
      try {
        e = JSON.parse(fromUtf8(bytes(r.body)));
      } catch {
        continue; // unreadable: the self-audit reports it
      }
      if (!e.type?.startsWith('finding.')) found.push(...(await streamFindings(ctx, num(r.idx), e)));
    }
    const next = num(rows[rows.length - 1].idx) + 1;
    const moved = await this.seal(found, { from, next });
    this.primedTo = moved ? next : -1; // another process moved the cursor: prime again from where it is
    return true;
  }

  /** Findings from outside the log's own stream (a witness's conflict): sealed like the rest, once each. */
  async raise(found: NewFinding[]): Promise<void> {
    await this.seal(found);
  }

  /** The time rules, now. */
  async scan(now = Date.now()): Promise<void> {
    await this.seal(await timeFindings(this.o.sql, this.o.limits, now));
  }

  /** The self-audit; each break becomes a LEDGER_TAMPERED finding. */
  async audit(): Promise<void> {
    const report = await auditLedger(this.o.sql, parseVkey(this.o.vkey));
    const orgs = (await this.o.sql.query<{ id: string }>(`SELECT id FROM organisations WHERE kind = 'authority' ORDER BY id`)).map((r) => r.id);
    await this.seal(report.breaks.map((b) => ({
      // The head moves on with every batch: its break is one finding, not one per size.
      key: b.code === 'HEAD_MISMATCH' ? `LEDGER_TAMPERED:${b.code}` : `LEDGER_TAMPERED:${b.code}:${b.index}`, code: 'LEDGER_TAMPERED' as const, subjects: {}, orgs, evidence: b.index >= 0 ? [b.index] : [],
      detail: `self-audit: ${b.code} at ${b.index}${b.detail ? `: ${b.detail}` : ''}${b.expected ? ` (expected ${b.expected}, found ${b.actual})` : ''}`,
    })));
  }

  /**
   * Seal new findings (those whose key is new), and move the cursor if given — all or nothing.
   * Returns false when the cursor had moved under us (another process read the page first).
   */
  private async seal(found: NewFinding[], cursor?: { from: number; next: number }): Promise<boolean> {
    const at = new Date().toISOString();
    const raised: NewFinding[] = [];
    const ok = await this.o.sql.transaction(async (tx) => {
      if (cursor) {
        await tx.query('INSERT INTO finding_cursor (id, next_index) VALUES (0, 0) ON CONFLICT (id) DO NOTHING');
        const [c] = await tx.query('SELECT next_index FROM finding_cursor WHERE id = 0 FOR UPDATE');
        if (num(c.next_index) !== cursor.from) return false;
        await tx.query('UPDATE finding_cursor SET next_index = $1 WHERE id = 0', [cursor.next]);
      }
      for (const f of found) {
        const env = raisedEnvelope(f, at);
        const row = applyFindingEntry(undefined, env);
        const params: unknown[] = [];
        const [isNew] = await tx.query(`${saveFindingSql(row, params, true)} RETURNING id`, params);
        if (!isNew) continue;
        await enqueueFinding(tx, row);
        const e = encodeEntry(env);
        await tx.query('INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ($1, $2, $3, NULL, NULL)', [e.body, leafHash(e.body), e.type]);
        raised.push(f);
      }
      return true;
    });
    if (raised.length > 0) {
      this.o.sequencer.drainIntake();
      this.o.onQueued?.();
      raised.forEach((f) => this.o.onRaised?.(f));
    }
    return ok;
  }
}
