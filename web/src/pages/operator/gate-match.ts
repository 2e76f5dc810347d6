// Which of the gate's record belongs to a manifest. The camera matches a sighting to a manifest
// only when the plate is the current leg's vehicle; when the receiver confirmed the arrival on
// another plate, the sighting of that plate just before the arrival is the truck that came.
import type { Manifest } from '../../types.ts';
import type { Arrival, GateActivity, Sighting, Weighing } from './api.ts';

export interface TruckAtGate {
  expectedPlate: string;
  arrival?: Arrival;
  sighting?: Sighting;
  weighing?: Weighing;
  /** The plate confirmed at arrival, or else the one the camera read; undefined when not seen yet. */
  plateSeen?: string;
  mismatch: boolean;
}

export function truckAtGate(m: Manifest, gate: GateActivity | undefined): TruckAtGate {
  const expectedPlate = m.legs[Math.max(m.currentLeg, 0)]?.vehiclePlate ?? '';
  // The lists come newest first: find() picks the latest.
  const arrival = gate?.arrivals.find((a) => a.manifestId === m.id);
  const sighting = arrival
    ? gate?.sightings.find((s) => s.plate === arrival.vehiclePlate && s.index < arrival.index)
    : gate?.sightings.find((s) => s.manifestId === m.id);
  const weighing =
    gate?.weighings.find((w) => w.manifestId === m.id) ??
    (sighting ? gate?.weighings.find((w) => w.plate === sighting.plate && w.index > sighting.index) : undefined);
  const plateSeen = arrival?.vehiclePlate ?? sighting?.plate;
  return { expectedPlate, arrival, sighting, weighing, plateSeen, mismatch: plateSeen !== undefined && plateSeen !== expectedPlate };
}

/** Sightings no manifest claims: no camera match, and no arrival confirmed on that plate since. */
export function unclaimedSightings(gate: GateActivity | undefined): Sighting[] {
  if (!gate) return [];
  return gate.sightings.filter((s) => !s.manifestId && !gate.arrivals.some((a) => a.vehiclePlate === s.plate && a.index > s.index));
}

/** The newest weighing of the last few minutes: what is on the scale now. */
export function latestWeighing(gate: GateActivity | undefined, withinMs = 10 * 60_000): Weighing | undefined {
  const w = gate?.weighings.find((x) => x.grossKg !== null);
  return w && Date.now() - Date.parse(w.at) <= withinMs ? w : undefined;
}
