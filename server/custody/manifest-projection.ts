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

/** What a correction may change; legs already under way stay as they are. */
export interface ManifestChanges {
  plannedDate?: string;
  receiverOrgId?: string;
  legs?: Leg[];
}

export interface PendingCorrection {
  version: number;
  reason: string;
  changes: ManifestChanges;
  proposedBy: string;
  awaiting: string[];
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
  /** The manifest whose refused units this one carries on, if any. */
  onwardOf: string | null;
  receiverRole: 'operator' | 'producer';
  /** Units of this manifest sent on under onward manifests. */
  sentOn: string[];
  /** The units its pickup took: those it carries (others listed were left behind, free again). */
  carried: string[];
  /** 1, and one more for each approved correction. */
  version: number;
  correction: PendingCorrection | null;
}

const ACTION_OF: Partial<Record<Envelope['type'], ManifestAction>> = {
  'manifest.signed': 'sign',
  'manifest.cancelled': 'cancel',
  'manifest.departed': 'depart',
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
      onwardOf: (d.onwardOf as { manifestId: string } | undefined)?.manifestId ?? null,
      receiverRole: (d.receiverRole as 'producer' | undefined) ?? 'operator',
      sentOn: [],
      carried: [],
      version: 1,
      correction: null,
    };
  }
  if (!row) throw new DomainError('MANIFEST_NOT_FOUND', `manifest ${e.manifest} was not created before this entry`);
  // A unit's step under the manifest (loaded at pickup…) is on the manifest's chain too.
  if (e.type.startsWith('unit.')) return { ...row, lastLeafHash: leaf, entries: row.entries + 1 };
  const step = (e.data as { step?: string }).step;
  if (e.type === 'manifest.signed' && (step === 'pick_up' || step === 'hand_over')) {
    const { leg, taken } = e.data as { leg: number; taken?: string[] };
    const carried = step === 'pick_up' ? (taken ?? row.unitIds) : row.carried;
    return { ...row, state: nextManifestState(row.state, step, e.by.role as Role), currentLeg: leg, carried, lastLeafHash: leaf, entries: row.entries + 1 };
  }
  if (e.type === 'manifest.sent_on') {
    nextManifestState(row.state, 'send_on', e.by.role as Role);
    return { ...row, sentOn: [...row.sentOn, ...(d.units as string[])], lastLeafHash: leaf, entries: row.entries + 1 };
  }
  if (e.type === 'manifest.corrected') return { ...applyCorrection(row, e), lastLeafHash: leaf, entries: row.entries + 1 };
  const action = ACTION_OF[e.type];
  if (!action) throw new DomainError('TRANSITION_REFUSED', `${e.type} is not a manifest step handled yet`);
  return { ...row, state: nextManifestState(row.state, action, e.by.role as Role), lastLeafHash: leaf, entries: row.entries + 1 };
}

/** A correction proposed, approved or rejected; the last approval makes it the new version. */
function applyCorrection(row: ManifestRow, e: Envelope): ManifestRow {
  const d = e.data as { step: 'propose' | 'approve' | 'reject'; version: number; reason?: string; changes?: ManifestChanges; awaiting?: string[] };
  const action: ManifestAction = d.step === 'propose' ? 'correct' : 'approve_correction';
  nextManifestState(row.state, action, e.by.role as Role);
  const pending = row.correction;
  if (d.step === 'propose') {
    if (pending) throw new DomainError('TRANSITION_REFUSED', `correction ${pending.version} is still waiting for approval`);
    const proposal = { version: d.version, reason: d.reason!, changes: d.changes!, proposedBy: e.by.org!, awaiting: d.awaiting! };
    return proposal.awaiting.length === 0 ? adopt(row, proposal) : { ...row, correction: proposal };
  }
  if (!pending || pending.version !== d.version) throw new DomainError('TRANSITION_REFUSED', `no correction ${d.version} is waiting for approval`);
  if (!pending.awaiting.includes(e.by.org!)) throw new DomainError('NOT_IN_SCOPE', `correction ${d.version} does not wait for ${e.by.org}`);
  if (d.step === 'reject') return { ...row, correction: null };
  const awaiting = pending.awaiting.filter((o) => o !== e.by.org);
  return awaiting.length === 0 ? adopt(row, pending) : { ...row, correction: { ...pending, awaiting } };
}

const adopt = (row: ManifestRow, c: PendingCorrection): ManifestRow => ({ ...row, ...c.changes, version: c.version, correction: null });
