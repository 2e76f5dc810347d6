// Every move the unit table allows is allowed, and every other (state, action, role) is refused.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../server/custody/errors.js';
import { mayRegister, nextUnitState, UNIT_STATES, UNIT_TRANSITIONS, type Role, type UnitAction } from '../../server/custody/unit-lifecycle.js';

const ROLES: Role[] = ['producer', 'driver', 'operator', 'inspector', 'admin', 'device'];
const ACTIONS: UnitAction[] = ['weigh', 'tag', 'store', 'retrieve', 'load', 'hand_over', 'receive', 'refuse', 'dispose'];

describe('unit lifecycle table', () => {
  const allowed = new Map(UNIT_TRANSITIONS.map(([s, a, r, n]) => [`${s}|${a}|${r}`, n]));

  it.each([...allowed.entries()])('allows %s → %s', (key, next) => {
    const [s, a, r] = key.split('|') as [(typeof UNIT_STATES)[number], UnitAction, Role];
    expect(nextUnitState(s, a, r)).toBe(next);
  });

  it('refuses every other combination with a typed error naming who may', () => {
    let refused = 0;
    for (const s of UNIT_STATES) {
      for (const a of ACTIONS) {
        for (const r of ROLES) {
          if (allowed.has(`${s}|${a}|${r}`)) continue;
          const err = (() => {
            try {
              nextUnitState(s, a, r);
            } catch (e) {
              return e;
            }
          })();
          expect(err, `${s} ${a} ${r}`).toBeInstanceOf(DomainError);
          expect((err as DomainError).code).toBe('TRANSITION_REFUSED');
          expect((err as DomainError).status).toBe(409);
          refused++;
        }
      }
    }
    expect(refused).toBe(UNIT_STATES.length * ACTIONS.length * ROLES.length - allowed.size);
  });

  it('stores only registered or retrieved units, and only retrieves stored ones', () => {
    expect(() => nextUnitState('stored', 'store', 'producer')).toThrow(/cannot be stored/);
    expect(() => nextUnitState('registered', 'retrieve', 'producer')).toThrow(/cannot be retrieved/);
    expect(() => nextUnitState('disposed', 'weigh', 'producer')).toThrow(/cannot be weighed/);
    expect(() => nextUnitState('stored', 'store', 'driver')).toThrow(DomainError);
  });

  it('lets only producers register', () => {
    expect(() => mayRegister('producer')).not.toThrow();
    for (const r of ROLES.filter((x) => x !== 'producer')) expect(() => mayRegister(r)).toThrow(/only producer/);
  });
});
