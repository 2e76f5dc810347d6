// The write path of DESIGN.md §3 for one step: in one transaction, refuse a replayed event id
// (or answer an identical retry with the first answer), let the command lock and check its
// subject, update the read side, and put the entry with its `prev` link into the ledger intake.
// After commit the sequencer seals it, and the caller learns its ledger index.
import { createHash } from 'node:crypto';
import { isRealWallClock } from '../../ledger/entry.js';
import { canonicalBytes, encodeEntry, leafHash, sha256, toBase64, type Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { JWK } from 'jose';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { verifyClaimSignature, type Claim, type SignatureRecord } from './signatures.js';

export interface StepInput {
  eventId: string;
  /** When the step happened, if the client says so (RFC 3339); otherwise now. */
  at?: string;
  /** Compact JWS over the claim, by the actor's enrolled key. */
  signature?: string;
  /** Set by the server, never by a client: when a step recorded offline reached it. */
  receivedAt?: string;
}

export interface SealedRef {
  index: number;
  leafHash: string;
}

export interface StepResult<T> {
  response: T;
  /** The step's first (often only) entry. */
  entry: SealedRef;
  /** Every entry of the step, in log order (a pickup seals the manifest's and each unit's). */
  entries: SealedRef[];
  /** True when this was an identical retry of an event already taken. */
  replayed: boolean;
}

/**
 * What a command does inside the transaction: check and lock what it must, then name its entries
 * and, given their leaf hashes, the read-side write (SQL over a shared parameter list, run in the
 * same statement as the intake insert) and its answer.
 */
export type StepBody<T> = (
  tx: Sql,
  sig: SignatureRecord[],
) => Promise<{ entries: Envelope[]; project(leaves: Uint8Array[], params: unknown[]): { response: T; sql: string | string[] } }>;

async function signatureFor(sql: Sql, actor: Actor, step: StepInput, claim: Claim): Promise<SignatureRecord> {
  const ref = `person:${actor.personId}`;
  if (!step.signature) return { attestation: 'server', by: ref };
  const [person] = await sql.query<{ public_jwk: JWK | null }>('SELECT public_jwk FROM people WHERE id = $1', [actor.personId]);
  return verifyClaimSignature(step.signature, claim, { ref, publicJwk: person?.public_jwk ?? null });
}

/** How far ahead of the server's clock a step's `at` may be: a device's clock running a little fast. */
export const AT_AHEAD_MS = 10 * 60_000;

/**
 * A step is recorded when it happened: at a time that exists (30 February is read by V8 as 2 March,
 * and refused by PostgreSQL), and not one to come (a wrong clock or a wrong record).
 */
function refuseBadAt(at: string | undefined, now = Date.now()): void {
  if (at !== undefined && !isRealWallClock(at)) throw new DomainError('BAD_INPUT', `at ${at} is not a time that exists`);
  const t = at === undefined ? NaN : Date.parse(at);
  if (!(t > now + AT_AHEAD_MS)) return;
  const minutes = Math.round((t - now) / 60_000);
  throw new DomainError('BAD_INPUT', `at ${at} is ${minutes} minutes ahead of the server's clock (at most ${AT_AHEAD_MS / 60_000} are allowed): record a step when it has happened, and check the device's clock`);
}

export async function runStep<T>(ctx: CustodyContext, actor: Actor, step: StepInput, claim: Claim, body: StepBody<T>): Promise<StepResult<T>> {
  // Before anything else: a retry of a step taken earlier was no further ahead then than now.
  refuseBadAt(step.at);
  const requestHash = sha256(canonicalBytes({ person: actor.personId, claim: { ...claim, at: step.at ?? null } }));
  let sig: SignatureRecord;
  try {
    sig = await signatureFor(ctx.sql, actor, step, claim);
  } catch (e) {
    // The retry of a step already taken gets the first answer, though the signature no longer
    // checks out (the person enrolled a new key since): the step was checked when it was taken.
    const earlier = e instanceof DomainError ? await ctx.sql.transaction((tx) => previousAnswer<T>(tx, actor.personId, step.eventId, requestHash)).catch(() => undefined) : undefined;
    if (earlier) return answerAgain(ctx.sql, earlier);
    throw e;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await ctx.sql.transaction(async (tx) => {
        // A first attempt goes straight to the step, one round trip fewer: a retry is rare, and
        // the unique key on (person, event id) refuses it at the intake insert (or a check refuses
        // it, the step it repeats having moved the state on). Either way it is answered below.
        if (attempt > 0) {
          const earlier = await previousAnswer<T>(tx, actor.personId, step.eventId, requestHash);
          if (earlier) return earlier;
        }
        const { entries, project } = await body(tx, [sig]);
        const encoded = entries.map(encodeEntry);
        const leaves = encoded.map((e) => leafHash(e.body));
        const params: unknown[] = [];
        const { response, sql } = project(leaves, params);
        const p = (v: unknown) => `$${params.push(v)}`;
        const refs = encoded.map((e, i) => ({ leafHash: toBase64(leaves[i]), unitId: e.unitId, manifestId: e.manifestId }));
        const stored = JSON.stringify({ response, entries: refs });
        const rows = encoded.map((e, i) => `(${p(e.body)}, ${p(leaves[i])}, ${p(e.type)}, ${p(e.unitId)}, ${p(e.manifestId)})`);
        const writes = (Array.isArray(sql) ? sql : [sql]).map((statement, n) => `w${n} AS (${statement} RETURNING 1)`);
        const text = `WITH ${writes.join(',\n             ')},
             i AS (INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ${rows.join(', ')} RETURNING id),
             c AS (INSERT INTO client_events (event_id, person_id, request_hash, response, ledger_intake_id)
                   SELECT ${p(step.eventId)}, ${p(actor.personId)}, ${p(requestHash)}, ${p(stored)}, max(id) FROM i RETURNING 1)
           SELECT id, step_write_check((SELECT count(*) FROM w0)) FROM i ORDER BY id`;
        // The last statement, sent with the COMMIT: it checks itself (step_write_check).
        const written = await tx.commitWith<{ id: unknown }>(text, params, statementName(text));
        return { kind: 'new' as const, response, intakeIds: written.map((r) => Number(r.id)), encoded, leaves };
      });
      if (outcome.kind === 'replay') return answerAgain(ctx.sql, outcome);
      const sealing = Promise.all(outcome.intakeIds.map((id, i) => ctx.sequencer.sealIntake(id, { leafHash: outcome.leaves[i], entry: outcome.encoded[i] })));
      const sealed = await withinTime(sealing, ctx.sealWaitMs ?? SEAL_WAIT_MS);
      const entries = sealed.map((x) => ({ index: x.index, leafHash: toBase64(x.leafHash) }));
      return { response: outcome.response, entry: entries[0], entries, replayed: false };
    } catch (e) {
      // A unique key refused the step: its event id already taken (answer it as a retry), or a
      // concurrent step took what this one wanted (redo it; the checks say why).
      if ((e as { code?: string }).code === '23505' && attempt < 2) continue;
      if (e instanceof DomainError && e.code === 'NOT_SEALED_YET') throw e; // taken: nothing to look up
      // A retry whose step moved the state on is refused by the checks: answer it with that
      // step's answer, or say its event id was used for another step.
      if (e instanceof DomainError) {
        const earlier = await ctx.sql
          .transaction((tx) => previousAnswer<T>(tx, actor.personId, step.eventId, requestHash))
          .catch((err: unknown) => (err instanceof DomainError ? err : undefined));
        if (earlier instanceof DomainError) throw earlier;
        if (earlier) return answerAgain(ctx.sql, earlier);
      }
      throw e;
    }
  }
}

export const SEAL_WAIT_MS = 30_000;

/**
 * The sealed entries, or NOT_SEALED_YET once `ms` have passed: a sequencer that cannot write (the
 * database gone) keeps retrying, and the step stays taken in the intake, but the client is not
 * left hanging. (A refusal to sign rejects at once: LEDGER_HALTED.)
 */
export function withinTime<T>(sealing: Promise<T>, ms: number, what = 'the step was taken but is not sealed', then = 'ask again with the same event id for its ledger index'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DomainError('NOT_SEALED_YET', `${what} after ${ms / 1000} s: ${then}`)), ms);
  });
  sealing.catch(() => {}); // answered by `late`, a later refusal is nobody's to hear
  return Promise.race([sealing, late]).finally(() => clearTimeout(timer));
}

/**
 * A name for the step's statement, so that PostgreSQL parses and plans it once per connection: a
 * kind of step has one text (a unit step always; a manifest step has one per number of units).
 * Bounded, so that a text that varied more would not fill the connections with prepared statements.
 */
function statementName(text: string): string | undefined {
  const name = `step_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  if (!preparedSteps.has(name)) {
    if (preparedSteps.size >= PREPARED_STEPS) return undefined;
    preparedSteps.add(name);
  }
  return name;
}

const PREPARED_STEPS = 200;
const preparedSteps = new Set<string>();

export type EntryRef = { leafHash: string; unitId: string | null; manifestId: string | null };
export type Replay<T> = { kind: 'replay'; response: T; entries: EntryRef[] };

/** The first answer to the caller's event id, if it was taken; EVENT_ID_REUSED if for other content. */
export async function previousAnswer<T>(tx: Sql, personId: string, eventId: string, requestHash: Uint8Array): Promise<Replay<T> | undefined> {
  const [row] = await tx.query<{ request_hash: Uint8Array; response: { response: T; entries: EntryRef[] } }>(
    'SELECT request_hash, response FROM client_events WHERE person_id = $1 AND event_id = $2',
    [personId, eventId],
  );
  if (!row) return undefined;
  if (toBase64(row.request_hash) !== toBase64(requestHash)) {
    throw new DomainError('EVENT_ID_REUSED', `event id ${eventId} was already used for a different step`);
  }
  return { kind: 'replay', response: row.response.response, entries: row.response.entries };
}

/** Answer a retry again: the first answer, with its entries' ledger indices once sealed. */
export async function answerAgain<T>(sql: Sql, r: Replay<T>): Promise<StepResult<T>> {
  const entries = await Promise.all(r.entries.map((e) => sealedRef(sql, e)));
  return { response: r.response, entry: entries[0], entries, replayed: true };
}

/**
 * The ledger index of a replayed step's entry, once the sequencer has sealed it: found through its
 * subject's index, or (no unit, no manifest: a finding resolved) the partial index on leaf hashes.
 * Still in the intake after 5 s (the log not sealing), the retry is told so, to ask again later.
 */
async function sealedRef(sql: Sql, r: EntryRef): Promise<SealedRef> {
  const [where, ...subject] = r.unitId ? ['unit_id = $2', r.unitId] : r.manifestId ? ['manifest_id = $2', r.manifestId] : ['unit_id IS NULL AND manifest_id IS NULL'];
  for (let wait = 0; wait < 200; wait++) {
    const [row] = await sql.query<{ idx: unknown }>(`SELECT idx FROM ledger_entries WHERE leaf_hash = $1 AND ${where}`, [Buffer.from(r.leafHash, 'base64'), ...subject]);
    if (row) return { index: Number(row.idx), leafHash: r.leafHash };
    await new Promise((res) => setTimeout(res, 25)); // still in intake
  }
  throw new DomainError('NOT_SEALED_YET', 'the step was taken and waits in the intake for the log to seal it: ask again with the same event id for its ledger index');
}
