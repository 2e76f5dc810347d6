// The demo plan's vocabulary: its steps, manifests' fates, the clock (seconds after the anchor,
// the start of "today" in China Standard Time) and the builder the planners share.
import type { Who } from './catalogue.js';
import { Rng } from './random.js';

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

/** One step; `unit` and `manifest` are plan keys (u0001, m01), mapped to the real ids as they are made. */
export type StepBody =
  | { kind: 'register'; unit: string; siteId: string; wasteCode: string; name: string; hazards: string[]; physicalForm: string; containerType: string; volumeL: number; components: string; epc?: string }
  | { kind: 'tag'; unit: string; epc: string }
  | { kind: 'weigh'; unit: string; grossKg: string; tareKg: string; source: 'manual' | 'scale'; deviceId?: string }
  | { kind: 'store'; unit: string; siteId: string; bay: string }
  | { kind: 'retrieve'; unit: string; reason: string }
  | { kind: 'create'; manifest: string; receiverOrgId: string; legs: PlannedLeg[]; units: string[]; plannedDay: number }
  | { kind: 'sign'; manifest: string }
  | { kind: 'cancel'; manifest: string; reason: string }
  | { kind: 'pick_up' | 'hand_over'; manifest: string; vehiclePlate: string; scanned: string[] }
  | { kind: 'depart'; manifest: string; vehiclePlate: string }
  | { kind: 'arrive'; manifest: string; vehiclePlate: string }
  | { kind: 'receive'; manifest: string; decisions: PlannedDecision[] }
  | { kind: 'treat'; unit: string; manifest: string; method: string };

export type PlanStep = StepBody & {
  /** Position in the plan, from 1; the event id is made from it and the seed. */
  n: number;
  eventId: string;
  /** When it happens: seconds after the anchor (negative: before today). */
  t: number;
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
  /** Planted faults and notable paths. */
  notes: ('missing_at_pickup' | 'light_drum' | 'wrong_plate' | 'two_legs' | 'cancelled_after_signing')[];
  units: string[];
}

export interface DemoPlan {
  seed: number;
  /** When the registry is sealed: a day before the first step. */
  registryAt: number;
  steps: PlanStep[];
  units: number;
  manifests: PlannedManifest[];
}

// ——— time: seconds after the anchor, in working hours (08:00–17:30 CST) ———
export const DAY = 86_400;
export const H = 3600;
export const M = 60;
const OPEN = 8 * H;
const CLOSE = 17 * H + 30 * M;

/** Day `day` (0 = today, −1 = yesterday) at hh:mm, plus `extra` seconds. */
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

/** The shared state of the planners: the draws, the steps so far and the units' whereabouts. */
export class Builder {
  readonly rng: Rng;
  readonly steps: (StepBody & { t: number; who: Who; signed: boolean })[] = [];
  readonly units = new Map<string, PlannedUnit>();

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  add(t: number, who: Who, body: StepBody, signed = this.rng.chance(0.85)): number {
    if (t >= 0) throw new Error(`demo plan: ${body.kind} at ${t} s is not before today`);
    this.steps.push({ ...body, t, who, signed });
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
  /** When the producer is done with it and it may go on a manifest. */
  readyAt: number;
  /** Left in storage on purpose (overdue storage), or already on a manifest that went ahead. */
  held: boolean;
}
