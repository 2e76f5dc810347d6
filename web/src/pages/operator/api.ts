// The operator pages' calls beyond the shared client: the gate's record and its pictures, a
// manifest's units, and the receiver's steps (arrival, receipt, treatment, refused units sent on).
import { get, post } from '../../api.ts';
import type { Leg, ManifestStep, SealedRef, Unit } from '../../types.ts';
import type { UnitDecision as Decision } from '../../../../server/api-types.ts';

export type { Decision };

export interface Sighting {
  index: number;
  at: string;
  plate: string;
  gate: string | null;
  deviceId: string;
  direction: string | null;
  confidence: number | null;
  pictures: string[];
  /** The manifest the camera matched: one whose current leg is this plate. */
  manifestId: string | null;
}

export interface Weighing {
  index: number;
  at: string;
  deviceId: string;
  grossKg: string | null;
  plate: string | null;
  manifestId: string | null;
}

export interface Arrival {
  index: number;
  at: string;
  manifestId: string;
  vehiclePlate: string;
}

export interface GateActivity {
  sightings: Sighting[];
  weighings: Weighing[];
  arrivals: Arrival[];
}

export interface TreatmentResult {
  manifestId: string;
  manifestState: string;
  entries: SealedRef[];
  replayed: boolean;
}

const enc = encodeURIComponent;

export const gate = {
  activity: (hours = 48) => get<GateActivity>(`/api/gate/activity?hours=${hours}`),
  picturePath: (sha256: string) => `/api/gate/pictures/${sha256}`,
};

export const receiving = {
  units: (manifestId: string) => get<{ units: Unit[] }>(`/api/manifests/${enc(manifestId)}/units`).then((r) => r.units),
  arrive: (id: string, eventId: string, vehiclePlate: string) => post<ManifestStep>(`/api/manifests/${enc(id)}/arrival`, { eventId, vehiclePlate }),
  receive: (id: string, eventId: string, decisions: Decision[]) => post<ManifestStep>(`/api/manifests/${enc(id)}/receipt`, { eventId, decisions }),
  treat: (unitId: string, eventId: string, method: string) => post<TreatmentResult>(`/api/units/${enc(unitId)}/treatment`, { eventId, method }),
  sendOn: (id: string, eventId: string, d: { receiverOrgId: string; legs: Leg[]; unitIds: string[]; plannedDate: string }) =>
    post<ManifestStep>(`/api/manifests/${enc(id)}/onward`, { eventId, ...d }),
};
