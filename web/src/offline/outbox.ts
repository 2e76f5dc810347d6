// The driver's steps all go out through one door, with signal or without: each is kept in the
// outbox under an event id the server reserved ahead (POST /api/me/event-ids), then sent with the
// others through POST /api/offline/steps as soon as there is signal. The server keeps what it is
// sent before trying it, so a lost answer costs nothing: the same steps are simply sent again.
import { ApiError, get, post } from '../api.ts';
import { kv, outboxStore } from './db.ts';
import { sign } from './signing.ts';

export type StepKind = 'pickup' | 'handover' | 'departure';

export interface QueuedStep {
  eventId: string;
  personId: string;
  /** The phone's clock when the step was recorded. */
  at: string;
  kind: StepKind;
  manifestId: string;
  manifestNumber: string;
  vehiclePlate: string;
  scannedUnitIds?: string[];
  /** The driver's JWS over the step's claim, when this phone holds an enrolled key. */
  signature?: string;
}

/** What the server made of a step: kept and waiting, sealed, in conflict (kept), or refused. */
export interface KeptStep {
  eventId: string;
  kind: string;
  manifestId: string;
  deviceAt: string;
  receivedAt?: string;
  status: 'pending' | 'sealed' | 'conflict' | 'refused';
  /** Remembered on the phone: the server answers with the manifest's id only. */
  manifestNumber?: string;
  outcome: { entries?: { index: number }[]; waitingFor?: string; code?: string; detail?: string } | null;
}

/** Ids kept in hand: enough for a day's steps out of signal. */
const POOL = 12;
const BATCH = 200; // the server's limit per request
const idsKey = (p: string) => `${p}:eventIds`;
const keptKey = (p: string) => `${p}:kept`;
const refusedKey = (p: string) => `${p}:refused`;
const numbersKey = (p: string) => `${p}:manifestNumbers`;

const listeners = new Set<() => void>();
export const onOutbox = (fn: () => void) => (listeners.add(fn), () => void listeners.delete(fn));
const emit = () => listeners.forEach((fn) => fn());

export const offline = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status >= 500);

// Reserved ids are taken and topped up one at a time, so no id is ever handed out twice.
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const p = chain.then(fn, fn);
  chain = p.catch(() => undefined);
  return p;
}

export const reservedIds = async (personId: string) => (await kv.get<string[]>(idsKey(personId))) ?? [];

async function reserve(personId: string, have: string[]): Promise<string[]> {
  if (have.length >= POOL / 2) return have;
  try {
    const { eventIds } = await post<{ eventIds: string[] }>('/api/me/event-ids', { count: POOL - have.length });
    const all = [...have, ...eventIds];
    await kv.set(idsKey(personId), all);
    return all;
  } catch (e) {
    if (offline(e)) return have; // no signal: the ids in hand must do
    throw e;
  }
}

/** Keeps a pool of reserved ids while there is signal; returns how many are in hand. */
export const topUpIds = (personId: string) => serial(async () => (await reserve(personId, await reservedIds(personId))).length);

export class NoReservedIds extends Error {}

/** Records a step under a reserved id, then tries to send the outbox. */
export async function record(personId: string, step: Omit<QueuedStep, 'eventId' | 'personId' | 'at'>): Promise<QueuedStep> {
  const queued = await serial(async () => {
    const ids = await reserve(personId, await reservedIds(personId));
    if (ids.length === 0) throw new NoReservedIds();
    // The id leaves the pool before the step is kept: a crash in between loses an id, never reuses one.
    await kv.set(idsKey(personId), ids.slice(1));
    const q: QueuedStep = { ...step, eventId: ids[0], personId, at: new Date().toISOString() };
    const signature = await sign(personId, claimOf(q));
    if (signature) q.signature = signature;
    await outboxStore.put(q);
    await kv.set(numbersKey(personId), { ...(await kv.get<Record<string, string>>(numbersKey(personId))), [q.manifestId]: q.manifestNumber });
    return q;
  });
  emit();
  void flush(personId).catch(() => undefined);
  return queued;
}

export const queued = async (personId: string) =>
  (await outboxStore.all<QueuedStep>()).filter((s) => s.personId === personId).sort((a, b) => a.at.localeCompare(b.at));

/** The server's last word on each step sent (as last seen), and the steps it refused outright. */
export async function kept(personId: string): Promise<KeptStep[]> {
  return [...((await kv.get<KeptStep[]>(refusedKey(personId))) ?? []), ...((await kv.get<KeptStep[]>(keptKey(personId))) ?? [])];
}

const body = (s: QueuedStep) => ({
  eventId: s.eventId, at: s.at, kind: s.kind, manifestId: s.manifestId, vehiclePlate: s.vehiclePlate,
  ...(s.scannedUnitIds ? { scannedUnitIds: s.scannedUnitIds } : {}), ...(s.signature ? { signature: s.signature } : {}),
});

const ACTIONS: Record<StepKind, string> = { pickup: 'manifest.pick_up', handover: 'manifest.hand_over', departure: 'manifest.departed' };

/** The claim the server checks a step's signature against (server/custody/manifest-commands.ts). */
const claimOf = (s: QueuedStep) => ({
  eventId: s.eventId, action: ACTIONS[s.kind], subject: `manifest:${s.manifestId}`, at: s.at,
  data: s.kind === 'departure' ? { vehiclePlate: s.vehiclePlate } : { vehiclePlate: s.vehiclePlate, scanned: [...new Set(s.scannedUnitIds)].sort() },
});

async function send(personId: string): Promise<void> {
  const waiting = await queued(personId);
  for (let i = 0; i < waiting.length; i += BATCH) {
    const batch = waiting.slice(i, i + BATCH);
    const { results } = await post<{ results: (KeptStep & { code?: string; detail?: string })[] }>('/api/offline/steps', { steps: batch.map(body) });
    const refused = results
      .filter((r) => r.status === 'refused')
      .map((r): KeptStep => {
        const s = batch.find((b) => b.eventId === r.eventId)!;
        return { eventId: r.eventId, kind: s.kind, manifestId: s.manifestId, manifestNumber: s.manifestNumber, deviceAt: s.at, status: 'refused', outcome: { code: r.code, detail: r.detail } };
      });
    if (refused.length) await kv.set(refusedKey(personId), [...refused, ...((await kv.get<KeptStep[]>(refusedKey(personId))) ?? [])].slice(0, 50));
    // Kept or refused, the server has answered for good: a resend would change nothing.
    for (const r of results) await outboxStore.del(r.eventId);
    emit();
  }
  const { steps } = await get<{ steps: KeptStep[] }>('/api/offline/steps');
  const numbers = (await kv.get<Record<string, string>>(numbersKey(personId))) ?? {};
  await kv.set(keptKey(personId), steps.slice(0, 100).map((s) => ({ ...s, manifestNumber: numbers[s.manifestId] })));
  await serial(async () => reserve(personId, await reservedIds(personId)));
}

let sending: Promise<void> | null = null;

/** Sends what waits and fetches what became of it; rejects (the outbox kept) without signal. */
export function flush(personId: string): Promise<void> {
  sending ??= send(personId).finally(() => {
    sending = null;
    emit();
  });
  return sending;
}

export const isSending = () => sending !== null;
