// The demo plan's vocabulary: its steps, manifests' fates, the clock and the builder the planners
// share. Two clocks: most steps are dated in seconds after the anchor (a midnight, China Standard
// Time, shortly before the first start); the last ones, the loads still on the road or at the
// receiver's gate, in working seconds before the start itself, so that none of them has been
// under way for long whenever the server first starts.
import { CST_OFFSET_MS } from '../china-time.js';
import type { Who } from './catalogue.js';
import { Rng } from '../seeded-random.js';

export interface PlannedDecision {
  unit: string;
  accept: boolean;
  grossKg?: string;
  tareKg?: string;
  reason?: string;
  discrepancy?: 'quantity' | 'type';
}

export interface PlannedLeg {
  transporterOrgId: string;
  vehiclePlate: string;
}

/** A step a driver's device recorded out of signal, with the device's clock (`t`, on the `now` clock). */
export interface OfflineRecord {
  kind: 'pickup' | 'handover' | 'departure';
  t: number;
  vehiclePlate: string;
  scanned?: string[];
}

/** One step; `unit` and `manifest` are plan keys (u0001, m01), mapped to the real ids as they are made. */
export type StepBody =
  | { kind: 'register'; unit: string; siteId: string; wasteCode: string; name: string; hazards: string[]; physicalForm: string; containerType: string; volumeL: number; components: string; epc?: string }
  | { kind: 'tag'; unit: string; epc: string }
  | { kind: 'weigh'; unit: string; grossKg: string; tareKg: string; source: 'manual' | 'scale'; deviceId?: string }
  | { kind: 'store'; unit: string; siteId: string; bay: string }
  | { kind: 'retrieve'; unit: string; reason: string }
  /** `plannedDay` on the anchor's clock; for a load picked up on the `now` clock, the day of `plannedAt` instead. */
  | { kind: 'create'; manifest: string; receiverOrgId: string; legs: PlannedLeg[]; units: string[]; plannedDay: number; plannedAt?: number }
  | { kind: 'sign'; manifest: string }
  | { kind: 'cancel'; manifest: string; reason: string }
  | { kind: 'pick_up' | 'hand_over'; manifest: string; vehiclePlate: string; scanned: string[] }
  | { kind: 'depart'; manifest: string; vehiclePlate: string }
  | { kind: 'arrive'; manifest: string; vehiclePlate: string }
  | { kind: 'receive'; manifest: string; decisions: PlannedDecision[] }
  | { kind: 'treat'; unit: string; manifest: string; method: string }
  /** Refused units of `manifest` sent on under a new manifest `onward`, drafted by the refusing operator. */
  | { kind: 'send_on'; manifest: string; onward: string; receiverOrgId: string; legs: PlannedLeg[]; units: string[]; plannedDay: number }
  | { kind: 'correct'; manifest: string; reason: string; changes: { plannedDay?: number; legs?: PlannedLeg[] } }
  | { kind: 'answer'; manifest: string; version: number; approve: boolean; reason?: string }
  /** One batch of a driver's offline steps, sent when the device is back in signal (at the start). */
  | { kind: 'offline'; manifest: string; records: OfflineRecord[] };

/** The anchor's clock (seconds after the anchor), or the start's (working seconds before it, negative). */
export type Phase = 'anchor' | 'now';

export type PlanStep = StepBody & {
  /** Position in the plan, from 1; the event id is made from it and the seed. */
  n: number;
  eventId: string;
  /** When it happens, on its clock: always negative (before the anchor, or before the start). */
  t: number;
  from: Phase;
  who: Who;
  /** Signed by the actor's demo key, or sealed as server-attested. */
  signed: boolean;
};

/** How each manifest ends up: its final state, and for received ones the outcome. */
export type Fate =
  | 'draft'
  | 'signed'
  | 'picked_up'
  | 'departed'
  | 'arrived'
  | 'received'
  | 'partially_accepted'
  | 'refused'
  | 'closed'
  | 'cancelled';

export interface PlannedManifest {
  key: string;
  fate: Fate;
  /** Its state at the end: a received one closes once each of its units is treated or sent on. */
  state: 'draft' | 'signed' | 'picked_up' | 'departed' | 'arrived' | 'received' | 'closed' | 'cancelled';
  /** Planted faults and notable paths. */
  notes: Note[];
  units: string[];
  /** An onward manifest: the plan key of the manifest whose refused units it carries. */
  onwardOf?: string;
}

export type Note =
  // The planted faults: a drum never scanned at pickup, a light drum at receipt, a wrong plate at the gate.
  | 'missing_at_pickup' | 'light_drum' | 'wrong_plate'
  | 'two_legs' | 'cancelled_after_signing'
  /** Refused units sent back to their producer; one refused solvent drum sent on to the recycler. */
  | 'returned' | 'recycled'
  /** A planned date moved by an approved correction; a vehicle swap rejected. */
  | 'corrected' | 'correction_rejected'
  /** Pickup and departure recorded by the driver's device out of signal, sent at the start. */
  | 'offline';

export interface DemoPlan {
  seed: number;
  /** When the registry is sealed (anchor's clock): a day before the first step. */
  registryAt: number;
  steps: PlanStep[];
  units: number;
  manifests: PlannedManifest[];
}

// ——— time, in working hours (08:00–17:30 CST) ———
export const DAY = 86_400;
export const H = 3600;
export const M = 60;
const OPEN = 8 * H;
const CLOSE = 17 * H + 30 * M;
/**
 * How far back (in working time) the `now` clock reaches. Every 24 hours hold 9.5 working
 * hours, so a step at most 8 working hours before the start is less than 22.5 hours before it.
 */
export const RECENT = 8 * H;

/** Day `day` (0 = the anchor's day, −1 = the day before) at hh:mm, plus `extra` seconds. */
export const clock = (day: number, hh: number, mm = 0, extra = 0) => day * DAY + hh * H + mm * M + extra;
export const dayOf = (t: number) => Math.floor(t / DAY);

/** Moves a time that falls after closing to the next morning (and one before opening to opening). */
export function working(t: number): number {
  const day = dayOf(t);
  const s = t - day * DAY;
  if (s < OPEN) return day * DAY + OPEN + (s % (20 * M));
  if (s > CLOSE) return (day + 1) * DAY + OPEN + 30 * M + Math.min(s - CLOSE, H);
  return t;
}

/** The start (ms) of the China Standard Time day holding `ms`. */
export const cstMidnight = (ms: number) => Math.floor((ms + CST_OFFSET_MS) / (DAY * 1000)) * DAY * 1000 - CST_OFFSET_MS;

/** The instant (ms) `w` seconds of working time before `nowMs`. */
export function workingBefore(nowMs: number, w: number): number {
  let t = nowMs;
  let left = w * 1000;
  for (;;) {
    const day = cstMidnight(t);
    const [open, close, before] = [day + OPEN * 1000, day + CLOSE * 1000, day - (DAY - CLOSE) * 1000];
    t = Math.min(t, close);
    if (t > open && left <= t - open) return t - left;
    if (t > open) left -= t - open;
    t = before;
  }
}

/**
 * The anchor for a start at `nowMs`: the midnight before the oldest instant the `now` clock can
 * reach, so that every step on the anchor's clock comes before every step on the start's. It is
 * today's midnight, or yesterday's when the start comes early in the day.
 */
export const anchorFor = (nowMs: number) => cstMidnight(workingBefore(nowMs, RECENT));

/** Plan times to instants, for a start at `now`. Deterministic: the same plan and start, the same instants. */
export function planClock(now: Date) {
  const nowMs = now.getTime();
  const anchor = anchorFor(nowMs);
  return {
    now: nowMs,
    anchor,
    /** The instant (ms) of a plan time on its clock. */
    ms: (t: number, from: Phase) => (from === 'anchor' ? anchor + t * 1000 : workingBefore(nowMs, -t)),
  };
}

/** The shared state of the planners: the draws, the steps so far and the units' whereabouts. */
export class Builder {
  readonly rng: Rng;
  readonly steps: (StepBody & { t: number; from: Phase; who: Who; signed: boolean })[] = [];
  readonly units = new Map<string, PlannedUnit>();

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  /** A step at `t` on the anchor's clock (or, with `from: 'now'`, on the start's); answers `t`. */
  add(t: number, who: Who, body: StepBody, opts: { from?: Phase; signed?: boolean } = {}): number {
    const from = opts.from ?? 'anchor';
    if (t >= 0) throw new Error(`demo plan: ${body.kind} at ${t} s is not before the ${from === 'anchor' ? 'anchor' : 'start'}`);
    if (from === 'now' && -t > RECENT) throw new Error(`demo plan: ${body.kind} at ${t} s reaches further back than the start's clock`);
    this.steps.push({ ...body, t, from, who, signed: opts.signed ?? this.rng.chance(0.85) });
    return t;
  }
}

/** A unit as the planners follow it. */
export interface PlannedUnit {
  key: string;
  producer: Who;
  /** Grams at the producer's scale. */
  grossG: number;
  tareG: number;
  wasteCode: string;
  /** The storage zone its stream goes to. */
  zone: string;
  /** When the producer is done with it and it may go on a manifest. */
  readyAt: number;
  /** Left in storage on purpose (overdue storage), or already on a manifest that went ahead. */
  held: boolean;
}
