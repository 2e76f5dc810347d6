// The write path of DESIGN.md §3 for one step: in one transaction, refuse a replayed event id
// (or answer an identical retry with the first answer), let the command lock and check its
// subject, update the read side, and put the entry with its `prev` link into the ledger intake.
// After commit the sequencer seals it, and the caller learns its ledger index.
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
}

export interface SealedRef {
  index: number;
  leafHash: string;
}

export interface StepResult<T> {
  response: T;
  entry: SealedRef;
  /** True when this was an identical retry of an event already taken. */
  replayed: boolean;
}

/**
 * What a command does inside the transaction: check and lock what it must, then name its entry
 * and, given the entry's leaf hash, the read-side write (SQL over a shared parameter list, run in
 * the same statement as the intake insert) and its answer.
 */
export type StepBody<T> = (
  tx: Sql,
  sig: SignatureRecord[],
) => Promise<{ entry: Envelope; project(leaf: Uint8Array, params: unknown[]): { response: T; sql: string } }>;

async function signatureFor(sql: Sql, actor: Actor, step: StepInput, claim: Claim): Promise<SignatureRecord> {
  const ref = `person:${actor.personId}`;
  if (!step.signature) return { attestation: 'server', by: ref };
  const [person] = await sql.query<{ public_jwk: JWK | null }>('SELECT public_jwk FROM people WHERE id = $1', [actor.personId]);
  return verifyClaimSignature(step.signature, claim, { ref, publicJwk: person?.public_jwk ?? null });
}

export async function runStep<T>(ctx: CustodyContext, actor: Actor, step: StepInput, claim: Claim, body: StepBody<T>): Promise<StepResult<T>> {
  const requestHash = sha256(canonicalBytes({ person: actor.personId, claim: { ...claim, at: step.at ?? null } }));
  const sig = await signatureFor(ctx.sql, actor, step, claim);
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await ctx.sql.transaction(async (tx) => {
        // A retry is answered before any check runs: the step it repeats has changed the state.
        const earlier = await previousAnswer<T>(tx, actor.personId, step.eventId, requestHash);
        if (earlier) return earlier;
        const { entry, project } = await body(tx, [sig]);
        const encoded = encodeEntry(entry);
        const leaf = leafHash(encoded.body);
        const params: unknown[] = [];
        const { response, sql } = project(leaf, params);
        const p = (v: unknown) => `$${params.push(v)}`;
        const stored = JSON.stringify({ response, leafHash: toBase64(leaf), unitId: encoded.unitId, manifestId: encoded.manifestId });
        const [intake] = await tx.query<{ id: unknown; written: unknown }>(
          `WITH w AS (${sql} RETURNING 1),
             i AS (INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id)
                   VALUES (${p(encoded.body)}, ${p(leaf)}, ${p(encoded.type)}, ${p(encoded.unitId)}, ${p(encoded.manifestId)}) RETURNING id),
             c AS (INSERT INTO client_events (event_id, person_id, request_hash, response, ledger_intake_id)
                   SELECT ${p(step.eventId)}, ${p(actor.personId)}, ${p(requestHash)}, ${p(stored)}, id FROM i RETURNING 1)
           SELECT id, (SELECT count(*) FROM w) AS written FROM i`,
          params,
        );
        if (Number(intake.written) !== 1) throw new Error('the read-side write of a step did not land');
        return { kind: 'new' as const, response, intakeId: Number(intake.id) };
      });
      if (outcome.kind === 'replay') return { response: outcome.response, entry: await sealedRef(ctx.sql, outcome), replayed: true };
      const sealed = await ctx.sequencer.sealIntake(outcome.intakeId);
      return { response: outcome.response, entry: { index: sealed.index, leafHash: toBase64(sealed.leafHash) }, replayed: false };
    } catch (e) {
      // A unique key refused the step: the same event id taken concurrently (answer it as a
      // retry), or a concurrent step took what this one wanted (redo it; the checks say why).
      if ((e as { code?: string }).code === '23505' && attempt < 2) continue;
      throw e;
    }
  }
}

type Replay<T> = { kind: 'replay'; response: T; leafHash: string; unitId: string | null; manifestId?: string | null };

async function previousAnswer<T>(tx: Sql, personId: string, eventId: string, requestHash: Uint8Array): Promise<Replay<T> | undefined> {
  const [row] = await tx.query<{ request_hash: Uint8Array; response: { response: T; leafHash: string; unitId: string | null; manifestId?: string | null } }>(
    'SELECT request_hash, response FROM client_events WHERE person_id = $1 AND event_id = $2',
    [personId, eventId],
  );
  if (!row) return undefined;
  if (toBase64(row.request_hash) !== toBase64(requestHash)) {
    throw new DomainError('EVENT_ID_REUSED', `event id ${eventId} was already used for a different step`);
  }
  const { response, leafHash, unitId, manifestId } = row.response;
  return { kind: 'replay', response, leafHash, unitId, manifestId };
}

/** The ledger index of a replayed step's entry, once the sequencer has sealed it. */
async function sealedRef(sql: Sql, r: { leafHash: string; unitId: string | null; manifestId?: string | null }): Promise<SealedRef> {
  // Entries are found through the subject's index, then by leaf hash.
  const [column, subject] = r.unitId ? ['unit_id', r.unitId] : ['manifest_id', r.manifestId ?? null];
  for (let wait = 0; wait < 200; wait++) {
    const [row] = await sql.query<{ idx: unknown }>(`SELECT idx FROM ledger_entries WHERE ${column} = $1 AND leaf_hash = $2`, [subject, Buffer.from(r.leafHash, 'base64')]);
    if (row) return { index: Number(row.idx), leafHash: r.leafHash };
    await new Promise((res) => setTimeout(res, 25)); // still in intake
  }
  throw new Error('a replayed step is not sealed yet');
}
