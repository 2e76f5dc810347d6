// The unit's lifecycle as a declarative table keyed by (state, action, role), and the one
// function that refuses a move the table does not list.
import { DomainError } from './errors.js';

export const UNIT_STATES = ['registered', 'stored', 'retrieved', 'loaded', 'unloaded', 'received', 'refused', 'disposed'] as const;
export type UnitState = (typeof UNIT_STATES)[number];
/** People's roles, and 'device' for what a registered reader records on its own. */
export type Role = 'producer' | 'driver' | 'operator' | 'inspector' | 'admin' | 'device';
export type UnitAction = 'weigh' | 'tag' | 'store' | 'retrieve' | 'load' | 'hand_over' | 'receive' | 'refuse' | 'dispose';

/** Open states: the unit exists and is not yet destroyed. */
const OPEN: UnitState[] = ['registered', 'stored', 'retrieved', 'loaded', 'unloaded', 'received', 'refused'];

type Row = readonly [state: UnitState, action: UnitAction, role: Role, next: UnitState];

/**
 * Producer-side moves (the manifest moves — load, hand over, unload, receive, refuse, dispose —
 * join this table with the transfer manifests). Weighing keeps the state.
 */
export const UNIT_TRANSITIONS: readonly Row[] = [
  ['registered', 'store', 'producer', 'stored'],
  ['retrieved', 'store', 'producer', 'stored'],
  ['stored', 'retrieve', 'producer', 'retrieved'],
  ...(['registered', 'stored', 'retrieved'] as const).map((s) => [s, 'tag', 'producer', s] as const),
  ...(['registered', 'stored', 'retrieved'] as const).map((s) => [s, 'weigh', 'producer', s] as const),
  ...(['unloaded', 'received', 'refused'] as const).map((s) => [s, 'weigh', 'operator', s] as const),
  // The driver scans the unit onto the truck at pickup (a refused unit, onto an onward manifest).
  ...(['registered', 'stored', 'retrieved', 'refused'] as const).map((s) => [s, 'load', 'driver', 'loaded'] as const),
  // …or the loading bay's reader reads it onto the truck while the pickup is open.
  ...(['registered', 'stored', 'retrieved', 'refused'] as const).map((s) => [s, 'load', 'device', 'loaded'] as const),
  // The next leg's driver takes it over; at the receiver's site the operator accepts or refuses it.
  ['loaded', 'hand_over', 'driver', 'loaded'],
  ['loaded', 'receive', 'operator', 'received'],
  ['loaded', 'refuse', 'operator', 'refused'],
  // A refused unit sent back: its producer takes it in, out of storage, free for a new manifest.
  ['loaded', 'receive', 'producer', 'retrieved'],
  // Treatment (disposal or recovery) closes the unit.
  ['received', 'dispose', 'operator', 'disposed'],
];

const TABLE = new Map(UNIT_TRANSITIONS.map(([s, a, r, n]) => [`${s}|${a}|${r}`, n]));

export function nextUnitState(state: UnitState, action: UnitAction, role: Role): UnitState {
  const next = TABLE.get(`${state}|${action}|${role}`);
  if (!next) {
    const who = UNIT_TRANSITIONS.filter(([s, a]) => s === state && a === action).map(([, , r]) => r);
    const done = { weigh: 'weighed', tag: 'tagged', store: 'stored', retrieve: 'retrieved', load: 'loaded', hand_over: 'handed over', receive: 'received', refuse: 'refused', dispose: 'disposed' }[action];
    const why = who.length > 0 ? `only ${who.join(', ')} may ${action} it` : `a unit that is ${state} cannot be ${done}`;
    throw new DomainError('TRANSITION_REFUSED', `${action} refused for a ${state} unit as ${role}: ${why}`);
  }
  return next;
}

export const isOpen = (s: UnitState) => OPEN.includes(s);

/** Who may register (fill and label) a new unit. */
export const REGISTER_ROLES: readonly Role[] = ['producer'];

export function mayRegister(role: Role): void {
  if (!REGISTER_ROLES.includes(role)) {
    throw new DomainError('TRANSITION_REFUSED', `register refused as ${role}: only ${REGISTER_ROLES.join(', ')} may register units`);
  }
}
