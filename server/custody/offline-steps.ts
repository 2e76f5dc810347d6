// Steps a driver's device recorded out of signal. The device reserves event ids ahead, records
// each step with its own clock, and sends them later, in any order and as often as it likes.
// Each step is kept (offline_steps) before anything is tried, then each manifest's waiting steps
// are tried in the order of the device's clock through the ordinary commands, which seal them
// with the device's time in `at` and the server's receipt time in `data.receivedAt`. A step whose
// turn has not come (an earlier step of the chain has not arrived yet) waits; a step that
// contradicts what is already sealed is refused and kept as a conflict, never dropped.
import { randomUUID } from 'node:crypto';
import { isRealTime } from '../../ledger/entry.js';
import { canonicalBytes } from '../../ledger/index.js';
import { SigningRefusedError } from '../../ledger/store/sequencer.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { depart, takeCustody } from './manifest-commands.js';
import type { ManifestRow } from './manifest-projection.js';
import { lockManifest } from './manifest-store.js';
import type { Role } from './unit-lifecycle.js';

export const OFFLINE_KINDS = ['pickup', 'handover', 'departure'] as const;
export type OfflineKind = (typeof OFFLINE_KINDS)[number];

export interface OfflineStep {
  eventId: string;
  /** The device's clock when the step was recorded. */
  at: string;
  kind: OfflineKind;
  manifestId: string;
  vehiclePlate: string;
  scannedUnitIds?: string[];
  signature?: string;
}

export type OfflineStatus = 'pending' | 'sealed' | 'conflict';

export interface OfflineResult {
  eventId: string;
  kind: string;
  manifestId: string;
  deviceAt: string;
  receivedAt: string;
  status: OfflineStatus;
  /** Sealed: the entries; pending: what it waits for; conflict: the problem. */
  outcome: { entries?: { index: number; leafHash: string }[]; waitingFor?: string; code?: string; detail?: string } | null;
}

export async function reserveEventIds(sql: Sql, actor: Actor, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `off-${randomUUID()}`);
  await sql.query('INSERT INTO reserved_event_ids (person_id, event_id) SELECT $1, unnest($2::text[])', [actor.personId, ids]);
  return ids;
}

/** Why a refused step may still succeed once earlier steps arrive, or undefined if it never will. */
function notYet(m: ManifestRow, actor: Actor, s: OfflineStep): string | undefined {
  // The leg the step is about: the first not yet behind the load with the step's vehicle.
  const leg = m.legs.findIndex((l, i) => i >= Math.max(m.currentLeg, 0) && l.vehiclePlate === s.vehiclePlate && l.transporterOrgId === actor.orgId);
  if (leg < 0 || ['arrived', 'received', 'closed', 'cancelled'].includes(m.state)) return undefined;
  if (m.correction) return `correction ${m.correction.version} to be approved`;
  if (m.state === 'draft') return 'the consignor to sign';
  // A handover needs the leg before it under way; a departure, its own leg.
  const needed = s.kind === 'handover' ? leg - 1 : s.kind === 'departure' ? leg : -1;
  return needed > m.currentLeg ? `leg ${needed + 1} to be taken over first` : undefined;
}

function run(ctx: CustodyContext, actor: Actor, s: OfflineStep, receivedAt: string) {
  const input = { eventId: s.eventId, at: s.at, signature: s.signature, receivedAt, vehiclePlate: s.vehiclePlate };
  if (s.kind === 'departure') return depart(ctx, actor, s.manifestId, input);
  return takeCustody(ctx, actor, s.manifestId, s.kind === 'pickup' ? 'pick_up' : 'hand_over', { ...input, scannedUnitIds: s.scannedUnitIds ?? [] });
}

interface Row extends Record<string, unknown> {
  person_id: string;
  event_id: string;
  org_id: string;
  role: Role;
  body: OfflineStep;
  received_at: string;
}

/** A step left pending, saying what it waits for. */
const keepWaiting = (sql: Sql, w: Row, waitingFor: string) =>
  sql.query(`UPDATE offline_steps SET outcome = $3 WHERE person_id = $1 AND event_id = $2 AND status = 'pending'`, [w.person_id, w.event_id, JSON.stringify({ waitingFor })]);

/** Try a manifest's waiting steps in device-clock order, again while any of them goes through. */
async function settle(ctx: CustodyContext, manifestId: string): Promise<void> {
  for (let progressed = true; progressed; ) {
    progressed = false;
    const waiting = await ctx.sql.query<Row>(
      `SELECT person_id, event_id, org_id, role, body, received_at FROM offline_steps WHERE manifest_id = $1 AND status = 'pending' ORDER BY device_at, event_id`,
      [manifestId],
    );
    for (const w of waiting) {
      const actor = { personId: w.person_id, orgId: w.org_id, role: w.role };
      const receivedAt = new Date(w.received_at).toISOString();
      let status: OfflineStatus;
      let outcome: OfflineResult['outcome'];
      try {
        const r = await run(ctx, actor, w.body, receivedAt);
        [status, outcome, progressed] = ['sealed', { entries: r.entries }, true];
      } catch (e) {
        if (e instanceof SigningRefusedError || (e instanceof DomainError && e.code === 'NOT_SEALED_YET')) {
          // The log is not sealing: the step (taken, or to be taken) stays pending, as do the
          // rest of this manifest's, without holding up anyone else's manifests.
          await keepWaiting(ctx.sql, w, 'the log to seal again');
          return;
        }
        if (!(e instanceof DomainError)) throw e;
        const m = e.code === 'MANIFEST_NOT_FOUND' ? undefined : await ctx.sql.transaction((tx) => lockManifest(tx, manifestId));
        const wait = m && notYet(m, actor, w.body);
        if (wait) {
          await keepWaiting(ctx.sql, w, wait);
          continue;
        }
        [status, outcome] = ['conflict', { code: e.code, detail: e.message }];
      }
      await ctx.sql.query(
        `UPDATE offline_steps SET status = $3, outcome = $4, settled_at = now() WHERE person_id = $1 AND event_id = $2 AND status = 'pending'`,
        [w.person_id, w.event_id, status, JSON.stringify(outcome)],
      );
    }
  }
}

/** Settle every manifest on which this person has steps waiting (an online step may have unblocked them). */
export async function settlePending(ctx: CustodyContext, actor: Actor): Promise<void> {
  const manifests = await ctx.sql.query<{ manifest_id: string }>(`SELECT DISTINCT manifest_id FROM offline_steps WHERE person_id = $1 AND status = 'pending' ORDER BY manifest_id`, [actor.personId]);
  for (const m of manifests) await settle(ctx, m.manifest_id);
}

/**
 * Take a batch of offline steps: keep each (an identical resend is recognised; an event id that
 * was not reserved, or reused for another step, is refused), then settle every manifest that has
 * steps of this person waiting. Answers each sent step's state, in the order sent.
 */
export async function receiveOfflineSteps(ctx: CustodyContext, actor: Actor, steps: OfflineStep[]): Promise<(OfflineResult | { eventId: string; status: 'refused'; code: string; detail: string })[]> {
  const receivedAt = new Date().toISOString();
  const refused = new Map<string, { code: string; detail: string }>();
  for (const s of steps) {
    const problem = await ctx.sql.transaction(async (tx) => {
      const kept = async () => (await tx.query<{ body: OfflineStep }>('SELECT body FROM offline_steps WHERE person_id = $1 AND event_id = $2', [actor.personId, s.eventId]))[0];
      // Both sides normalised: a step kept before its scans were sorted compares as it is now.
      const resent = (k: { body: OfflineStep }) =>
        sameBytes(canonicalBytes(normalise(k.body)), canonicalBytes(normalise(s))) ? undefined : new DomainError('EVENT_ID_REUSED', `event id ${s.eventId} was already used for a different step`);
      const earlier = await kept();
      if (earlier) return resent(earlier);
      // The pattern passed, the date may still not exist (13 months): refused here, not by the database.
      if (!isRealTime(s.at)) return new DomainError('BAD_INPUT', `at ${s.at} is not a real time`);
      const [reserved] = await tx.query('SELECT 1 FROM reserved_event_ids WHERE person_id = $1 AND event_id = $2', [actor.personId, s.eventId]);
      if (!reserved) return new DomainError('BAD_INPUT', `event id ${s.eventId} was not reserved by you: reserve ids with POST /api/me/event-ids before going offline`);
      // The same step sent twice at once: the second waits for the first's row, then compares with it.
      const inserted = await tx.query(
        `INSERT INTO offline_steps (person_id, event_id, org_id, role, manifest_id, kind, body, device_at, received_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending') ON CONFLICT (person_id, event_id) DO NOTHING RETURNING 1`,
        [actor.personId, s.eventId, actor.orgId, actor.role, s.manifestId, s.kind, JSON.stringify(normalise(s)), s.at, receivedAt],
      );
      return inserted.length > 0 ? undefined : resent((await kept())!);
    });
    if (problem) refused.set(s.eventId, { code: problem.code, detail: problem.message });
  }
  await settlePending(ctx, actor);
  const mine = await offlineSteps(ctx.sql, actor, steps.map((s) => s.eventId));
  return steps.map((s) => (refused.has(s.eventId) ? { eventId: s.eventId, status: 'refused' as const, ...refused.get(s.eventId)! } : mine.find((r) => r.eventId === s.eventId)!));
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** The canonical form kept: key order fixed and the scans a set (as the signed claim has them), so that an identical resend compares equal. */
const normalise = (s: OfflineStep): OfflineStep => ({
  eventId: s.eventId, at: s.at, kind: s.kind, manifestId: s.manifestId, vehiclePlate: s.vehiclePlate,
  ...(s.scannedUnitIds ? { scannedUnitIds: [...new Set(s.scannedUnitIds)].sort() } : {}), ...(s.signature ? { signature: s.signature } : {}),
});

/** A person's offline steps (all, or the given event ids), newest device time first. */
export async function offlineSteps(sql: Sql, actor: Actor, eventIds?: string[]): Promise<OfflineResult[]> {
  const rows = await sql.query<{ event_id: string; kind: string; manifest_id: string; device_at: string; received_at: string; status: OfflineStatus; outcome: OfflineResult['outcome'] }>(
    `SELECT event_id, kind, manifest_id, device_at, received_at, status, outcome FROM offline_steps
      WHERE person_id = $1 ${eventIds ? 'AND event_id = ANY($2)' : ''} ORDER BY device_at DESC LIMIT 1000`,
    eventIds ? [actor.personId, eventIds] : [actor.personId],
  );
  return rows.map((r) => ({
    eventId: r.event_id, kind: r.kind, manifestId: r.manifest_id, status: r.status, outcome: r.outcome,
    deviceAt: new Date(r.device_at).toISOString(), receivedAt: new Date(r.received_at).toISOString(),
  }));
}
