// A change to the park's registry (a person, a device, their keys): projected into the read side
// and put into the ledger's intake in one transaction, then sealed as `registry.changed`.
import { compactVerify, importJWK, type JWK } from 'jose';
import { canonicalBytes, encodeEntry, equalBytes, leafHash, sha256, toBase64, type Envelope } from '../../ledger/index.js';
import { SigningRefusedError } from '../../ledger/store/sequencer.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { applyRegistryEntry } from './registry-projection.js';
import { algorithmOf } from './signatures.js';
import { answerAgain, previousAnswer, SEAL_WAIT_MS, withinTime, type Replay } from './write-step.js';

export interface RegistryChange {
  kind: string;
  id: string;
  record: Record<string, unknown>;
  /** What a retry under the change's event id is answered (by default, the record). */
  answer?: unknown;
}

/** A change made under the caller's event id: a retry is answered from `client_events` as a step's is. */
export interface ChangeEvent {
  eventId: string;
  requestHash: Uint8Array;
}

/**
 * Seal one registry change by `actor`. In one transaction: `prepare` reads and checks what it needs
 * and answers the change, which is projected and put into the intake; `alongside` writes what goes
 * with it and is not sealed (a login); `event` records the answer for a retry. Resolves once the
 * log has sealed it.
 */
export async function sealRegistryChange<C extends RegistryChange>(
  ctx: CustodyContext,
  actor: Actor,
  prepare: (tx: Sql) => Promise<C>,
  alongside?: (tx: Sql) => Promise<void>,
  event?: ChangeEvent,
): Promise<{ index: number; change: C }> {
  const { intakeId, leaf, change } = await ctx.sql.transaction(async (tx) => {
    const change = await prepare(tx);
    const { kind, id, record } = change;
    const env: Envelope = {
      v: 1,
      type: 'registry.changed',
      at: new Date().toISOString(),
      by: { org: actor.orgId, person: actor.personId, role: actor.role },
      data: { action: 'upsert', kind, id, record },
    };
    await applyRegistryEntry(tx, env);
    const e = encodeEntry(env);
    const leaf = leafHash(e.body);
    const [row] = await tx.query<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type) VALUES ($1, $2, $3) RETURNING id', [e.body, leaf, e.type]);
    await alongside?.(tx);
    if (event) {
      const stored = JSON.stringify({ response: change.answer ?? record, entries: [{ leafHash: toBase64(leaf), unitId: null, manifestId: null }] });
      await tx.query('INSERT INTO client_events (event_id, person_id, request_hash, response, ledger_intake_id) VALUES ($1, $2, $3, $4, $5)', [
        event.eventId,
        actor.personId,
        event.requestHash,
        stored,
        row.id,
      ]);
    }
    return { intakeId: Number(row.id), leaf, change };
  });
  const { kind } = change;
  // Committed: the change is made and will be sealed. Asked again under its event id, it is
  // answered; a change without one (a key enrolled) is not to be made again.
  const notAgain = event ? 'ask again with the same event id for its ledger index' : 'it waits in the intake, to be sealed when the log seals again: do not make it again';
  try {
    const sealed = await withinTime(ctx.sequencer.sealIntake(intakeId, { leafHash: leaf }), ctx.sealWaitMs ?? SEAL_WAIT_MS, `the ${kind} change was made but is not sealed`, notAgain);
    return { index: sealed.index, change };
  } catch (e) {
    if (e instanceof SigningRefusedError) throw new DomainError('LEDGER_HALTED', `the log is not sealing (${e.message}): the ${kind} change is made; ${notAgain}`);
    throw e;
  }
}

/**
 * A change made once under the caller's event id and request (`claim`, what a retry must repeat):
 * a retry, or the same request sent twice at once, is answered with the first change's answer.
 * `change` seals it, passing the event to `sealRegistryChange`.
 */
export async function changeOnce<T>(
  ctx: CustodyContext,
  actor: Actor,
  eventId: string,
  claim: object,
  change: (event: ChangeEvent) => Promise<{ answer: T; index: number }>,
): Promise<{ answer: T; index: number; replayed: boolean }> {
  const requestHash = sha256(canonicalBytes({ person: actor.personId, claim }));
  const answered = () => ctx.sql.transaction((tx) => previousAnswer<T>(tx, actor.personId, eventId, requestHash));
  const again = async (r: Replay<T>) => {
    const { response, entry } = await answerAgain(ctx.sql, r);
    return { answer: response, index: entry.index, replayed: true };
  };
  const earlier = await answered();
  if (earlier) return again(earlier);
  try {
    return { ...(await change({ eventId, requestHash })), replayed: false };
  } catch (e) {
    // The same change, sent twice at once: the other one took the event id first.
    const twin = (e as { code?: string }).code === '23505' ? await answered() : undefined;
    if (twin) return again(twin);
    throw e;
  }
}

/** Refuse a key whose enroller did not show they hold its private half: a JWS by it over the RFC 8785 form of `claim`. */
export async function checkKeyPossession(jwk: JWK, proof: string, claim: object): Promise<void> {
  try {
    const { payload } = await compactVerify(proof, await importJWK(jwk, algorithmOf(jwk)), { algorithms: ['ES256', 'EdDSA', 'Ed25519'] });
    if (!equalBytes(payload, canonicalBytes(claim))) throw new Error('other payload');
  } catch {
    throw new DomainError('SIGNATURE_INVALID', `proof of possession failed: sign the RFC 8785 form of ${JSON.stringify(claim)} with the new key`);
  }
}
