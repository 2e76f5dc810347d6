// The transfer manifest's lifecycle as a declarative table keyed by (state, action, role), the
// party checks that sit beside it (which organisation's driver, which receiver), and the pure
// "who acts next" that drives each role's "waiting for me" list.
//
// States: draft → signed (producer) → picked_up (leg 1's transporter) → [handed over to leg n,
// still picked_up] → departed (gate) → arrived (receiver's gate) → received (receiver signs) →
// closed (every unit treated or sent on). Cancel only before pickup. A correction after signing
// is a new sealed version, approved by the parties it touches; it never changes the state.
// Refused units leave on an onward manifest, drafted and signed by the refusing operator, to
// another operator or back to their producer, who receives them (and that manifest closes).
import { DomainError } from './errors.js';
import type { Role } from './unit-lifecycle.js';

export const MANIFEST_STATES = ['draft', 'signed', 'picked_up', 'departed', 'arrived', 'received', 'closed', 'cancelled'] as const;
export type ManifestState = (typeof MANIFEST_STATES)[number];
export const MANIFEST_ACTIONS = ['sign', 'cancel', 'pick_up', 'hand_over', 'depart', 'arrive', 'receive', 'close', 'send_on', 'correct', 'approve_correction'] as const;
export type ManifestAction = (typeof MANIFEST_ACTIONS)[number];

type Row = readonly [state: ManifestState, action: ManifestAction, role: Role, next: ManifestState];

const BEFORE_CLOSE: ManifestState[] = ['signed', 'picked_up', 'departed', 'arrived', 'received'];

/** Who sends: the producer, or the operator sending refused units onward. */
const CONSIGNORS = ['producer', 'operator'] as const;
/** Who receives: an operator, or the producer taking its refused units back. */
const RECEIVERS = ['operator', 'producer'] as const;

export const MANIFEST_TRANSITIONS: readonly Row[] = [
  ...CONSIGNORS.flatMap((r) => [['draft', 'sign', r, 'signed'], ['draft', 'cancel', r, 'cancelled'], ['signed', 'cancel', r, 'cancelled']] as const),
  ['signed', 'pick_up', 'driver', 'picked_up'],
  ['picked_up', 'hand_over', 'driver', 'picked_up'],
  ['departed', 'hand_over', 'driver', 'picked_up'],
  ['picked_up', 'depart', 'driver', 'departed'],
  ...RECEIVERS.flatMap((r) => [['picked_up', 'arrive', r, 'arrived'], ['departed', 'arrive', r, 'arrived'], ['arrived', 'receive', r, 'received'], ['received', 'close', r, 'closed']] as const),
  // The receiver puts refused units on an onward manifest; this one stays received until closed.
  ['received', 'send_on', 'operator', 'received'],
  // Corrections: proposed by a party that already signed, approved by the others; state kept.
  ...BEFORE_CLOSE.flatMap((s) => (['producer', 'driver', 'operator'] as const).flatMap((r) => [[s, 'correct', r, s] as const, [s, 'approve_correction', r, s] as const])),
];

const TABLE = new Map(MANIFEST_TRANSITIONS.map(([s, a, r, n]) => [`${s}|${a}|${r}`, n]));

export function nextManifestState(state: ManifestState, action: ManifestAction, role: Role): ManifestState {
  const next = TABLE.get(`${state}|${action}|${role}`);
  if (next) return next;
  const who = MANIFEST_TRANSITIONS.filter(([s, a]) => s === state && a === action).map(([, , r]) => r);
  throw new DomainError(
    'TRANSITION_REFUSED',
    who.length > 0
      ? `${action} refused on a ${state} manifest as ${role}: only ${[...new Set(who)].join(', ')} may`
      : `a ${state} manifest cannot take "${action}"`,
  );
}

/** What the lifecycle needs to know of a manifest. */
export interface ManifestParties {
  state: ManifestState;
  producerOrgId: string;
  receiverOrgId: string;
  /** Transport legs in order; `currentLeg` is the index of the leg carrying now (−1 before pickup). */
  legs: { transporterOrgId: string }[];
  currentLeg: number;
  /** A correction waiting for approvals: the organisations that have still to approve. */
  correction?: { awaiting: string[] } | null;
  /** Set on an onward manifest (refused units sent on): its consignor is the refusing operator. */
  onwardOf?: string | null;
  /** 'producer' when refused units go back to their producer; otherwise an operator receives. */
  receiverRole?: Role;
}

const consignorRole = (m: ManifestParties): Role => (m.onwardOf ? 'operator' : 'producer');
const receiverRole = (m: ManifestParties): Role => m.receiverRole ?? 'operator';

export interface Turn {
  action: ManifestAction;
  role: Role;
  orgId: string;
}

/** Who must act now, and doing what. Empty when the manifest is closed or cancelled. */
export function whoActsNext(m: ManifestParties): Turn[] {
  if (m.correction && m.correction.awaiting.length > 0) {
    return m.correction.awaiting.map((orgId) => ({ action: 'approve_correction', role: roleOf(m, orgId), orgId }));
  }
  const next = m.legs[m.currentLeg + 1];
  switch (m.state) {
    case 'draft':
      return [{ action: 'sign', role: consignorRole(m), orgId: m.producerOrgId }];
    case 'signed':
      return m.legs[0] ? [{ action: 'pick_up', role: 'driver', orgId: m.legs[0].transporterOrgId }] : [];
    case 'picked_up':
    case 'departed':
      // The next leg's transporter takes over, or the load reaches the receiver's gate.
      return next
        ? [{ action: 'hand_over', role: 'driver', orgId: next.transporterOrgId }]
        : [{ action: 'arrive', role: receiverRole(m), orgId: m.receiverOrgId }];
    case 'arrived':
      return [{ action: 'receive', role: receiverRole(m), orgId: m.receiverOrgId }];
    case 'received':
      return [{ action: 'close', role: receiverRole(m), orgId: m.receiverOrgId }];
    default:
      return [];
  }
}

function roleOf(m: ManifestParties, orgId: string): Role {
  if (orgId === m.producerOrgId) return consignorRole(m);
  if (orgId === m.receiverOrgId) return receiverRole(m);
  return 'driver';
}

/**
 * Beside the table: the actor must be the party the step belongs to — the producer's own
 * manifest, the transporter of the leg being picked up or handed to, the named receiver.
 */
export function checkParty(m: ManifestParties, action: ManifestAction, actor: { role: Role; orgId: string }): void {
  // An organisation the manifest does not name (nor a pending correction, which may add a carrier)
  // learns nothing of it, not even its state: the read routes refuse it the manifest too.
  const named = [m.producerOrgId, m.receiverOrgId, ...m.legs.map((l) => l.transporterOrgId), ...whoActsNext(m).map((t) => t.orgId)];
  if (!named.includes(actor.orgId)) {
    throw new DomainError('NOT_IN_SCOPE', `this manifest does not name ${actor.orgId}: it is not yours to act on`);
  }
  nextManifestState(m.state, action, actor.role);
  const turns = whoActsNext(m).filter((t) => t.action === action);
  const mayCorrect = action === 'correct' && [m.producerOrgId, m.receiverOrgId, ...m.legs.map((l) => l.transporterOrgId)].includes(actor.orgId) && actor.role === roleOf(m, actor.orgId);
  const party =
    mayCorrect ||
    turns.some((t) => t.orgId === actor.orgId && t.role === actor.role) ||
    (action === 'cancel' && actor.orgId === m.producerOrgId && actor.role === consignorRole(m)) ||
    (action === 'send_on' && actor.orgId === m.receiverOrgId) ||
    (action === 'depart' && actor.orgId === m.legs[m.currentLeg]?.transporterOrgId);
  if (!party) {
    const expected = turns.map((t) => `${t.role} of ${t.orgId}`).join(' or ') || 'nobody';
    throw new DomainError('NOT_IN_SCOPE', `${action} on this manifest is for ${expected}, not ${actor.role} of ${actor.orgId}`);
  }
}

/** A unit still at its producer: on a manifest past pickup it was left behind, and is free again. */
export const AT_PRODUCER: readonly string[] = ['registered', 'stored', 'retrieved'];

/** A manifest closes once each of its units is treated, sent on, or was never picked up. */
export const unitSettled = (u: { id: string; state: string }, sentOn: string[]) => u.state === 'disposed' || sentOn.includes(u.id) || AT_PRODUCER.includes(u.state);
