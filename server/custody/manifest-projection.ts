// How a manifest's read-side row follows from its sealed entries (the command path and the
// replay both use this).
import { toBase64, type Envelope } from '../../ledger/index.js';
import { DomainError } from './errors.js';
import { nextManifestState, type ManifestAction, type ManifestState } from './manifest-lifecycle.js';
import type { Role } from './unit-lifecycle.js';

export interface Leg {
  transporterOrgId: string;
  vehiclePlate: string;
}

export interface ManifestRow {
  id: string;
  number: string;
  state: ManifestState;
  producerOrgId: string;
  receiverOrgId: string;
  legs: Leg[];
  currentLeg: number;
  unitIds: string[];
  plannedDate: string;
  createdAt: string;
  lastLeafHash: string;
  entries: number;
}

const ACTION_OF: Partial<Record<Envelope['type'], ManifestAction>> = {
  'manifest.signed': 'sign',
  'manifest.cancelled': 'cancel',
  'manifest.arrived': 'arrive',
  'manifest.received': 'receive',
  'manifest.closed': 'close',
};

export function applyManifestEntry(row: ManifestRow | undefined, e: Envelope, leafHash: Uint8Array): ManifestRow {
  const d = e.data as Record<string, unknown>;
  const leaf = toBase64(leafHash);
  if (e.type === 'manifest.created') {
    if (row) throw new DomainError('TRANSITION_REFUSED', `manifest ${e.manifest} already exists`);
    return {
      id: e.manifest!,
      number: d.number as string,
      state: 'draft',
      producerOrgId: d.producerOrgId as string,
      receiverOrgId: d.receiverOrgId as string,
      legs: d.legs as Leg[],
      currentLeg: -1,
      unitIds: d.units as string[],
      plannedDate: d.plannedDate as string,
      createdAt: e.at,
      lastLeafHash: leaf,
      entries: 1,
    };
  }
  if (!row) throw new DomainError('MANIFEST_NOT_FOUND', `manifest ${e.manifest} was not created before this entry`);
  // A unit's step under the manifest (loaded at pickup…) is on the manifest's chain too.
  if (e.type.startsWith('unit.')) return { ...row, lastLeafHash: leaf, entries: row.entries + 1 };
  const step = (e.data as { step?: string }).step;
  if (e.type === 'manifest.signed' && (step === 'pick_up' || step === 'hand_over')) {
    const leg = (e.data as { leg: number }).leg;
    return { ...row, state: nextManifestState(row.state, step, e.by.role as Role), currentLeg: leg, lastLeafHash: leaf, entries: row.entries + 1 };
  }
  const action = ACTION_OF[e.type];
  if (!action) throw new DomainError('TRANSITION_REFUSED', `${e.type} is not a manifest step handled yet`);
  return { ...row, state: nextManifestState(row.state, action, e.by.role as Role), lastLeafHash: leaf, entries: row.entries + 1 };
}
