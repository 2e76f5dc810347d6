// The manifest table, its party checks and "who acts next", path by path and refusal by refusal.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../server/custody/errors.js';
import {
  checkParty, MANIFEST_ACTIONS, MANIFEST_STATES, MANIFEST_TRANSITIONS, nextManifestState, whoActsNext, type ManifestParties, type ManifestState,
} from '../../server/custody/manifest-lifecycle.js';
import type { Role } from '../../server/custody/unit-lifecycle.js';

const ROLES: Role[] = ['producer', 'driver', 'operator', 'inspector', 'admin'];
const base = (state: ManifestState, currentLeg = -1, legs = ['org-anyun', 'org-taihang']): ManifestParties => ({
  state,
  producerOrgId: 'org-hengkang',
  receiverOrgId: 'org-dongxin',
  legs: legs.map((transporterOrgId) => ({ transporterOrgId })),
  currentLeg,
});

describe('manifest lifecycle table', () => {
  const allowed = new Set(MANIFEST_TRANSITIONS.map(([s, a, r]) => `${s}|${a}|${r}`));

  it('refuses every (state, action, role) the table does not list', () => {
    let refused = 0;
    for (const s of MANIFEST_STATES) for (const a of MANIFEST_ACTIONS) for (const r of ROLES) {
      if (allowed.has(`${s}|${a}|${r}`)) {
        expect(() => nextManifestState(s, a, r)).not.toThrow();
        continue;
      }
      expect(() => nextManifestState(s, a, r), `${s} ${a} ${r}`).toThrow(DomainError);
      refused++;
    }
    expect(refused).toBe(MANIFEST_STATES.length * MANIFEST_ACTIONS.length * ROLES.length - allowed.size);
  });

  it('cancels only before pickup', () => {
    expect(nextManifestState('draft', 'cancel', 'producer')).toBe('cancelled');
    expect(nextManifestState('signed', 'cancel', 'producer')).toBe('cancelled');
    for (const s of ['picked_up', 'departed', 'arrived', 'received', 'closed'] as const) {
      expect(() => nextManifestState(s, 'cancel', 'producer')).toThrow(/cannot take "cancel"/);
    }
  });

  it('walks the whole two-leg path, each step by the party whose turn it is', () => {
    const m = base('draft');
    const step = (action: (typeof MANIFEST_ACTIONS)[number], role: Role, orgId: string) => {
      expect(whoActsNext(m).some((t) => t.action === action && t.orgId === orgId && t.role === role), `${action} by ${orgId}`).toBe(action === 'depart' ? false : true);
      checkParty(m, action, { role, orgId });
      m.state = nextManifestState(m.state, action, role);
    };
    step('sign', 'producer', 'org-hengkang');
    step('pick_up', 'driver', 'org-anyun');
    m.currentLeg = 0;
    step('depart', 'driver', 'org-anyun');
    step('hand_over', 'driver', 'org-taihang');
    m.currentLeg = 1;
    expect(whoActsNext(m)).toEqual([{ action: 'arrive', role: 'operator', orgId: 'org-dongxin' }]);
    step('arrive', 'operator', 'org-dongxin');
    step('receive', 'operator', 'org-dongxin');
    step('close', 'operator', 'org-dongxin');
    expect(m.state).toBe('closed');
    expect(whoActsNext(m)).toEqual([]);
  });

  it('refuses a party signing out of turn', () => {
    expect(() => checkParty(base('draft'), 'sign', { role: 'producer', orgId: 'org-ruitai' })).toThrow(/for producer of org-hengkang/);
    expect(() => checkParty(base('signed'), 'pick_up', { role: 'driver', orgId: 'org-taihang' })).toThrow(/for driver of org-anyun/);
    expect(() => checkParty(base('picked_up', 0), 'hand_over', { role: 'driver', orgId: 'org-anyun' })).toThrow(/for driver of org-taihang/);
    expect(() => checkParty(base('arrived', 1), 'receive', { role: 'operator', orgId: 'org-lvxun' })).toThrow(/for operator of org-dongxin/);
    expect(() => checkParty(base('signed'), 'receive', { role: 'operator', orgId: 'org-dongxin' })).toThrow(/cannot take "receive"/);
    expect(() => checkParty(base('picked_up', 0), 'depart', { role: 'driver', orgId: 'org-taihang' })).toThrow(DomainError);
  });

  it('puts approvals of a pending correction first', () => {
    const m = { ...base('picked_up', 0), correction: { awaiting: ['org-hengkang', 'org-dongxin'] } };
    expect(whoActsNext(m)).toEqual([
      { action: 'approve_correction', role: 'producer', orgId: 'org-hengkang' },
      { action: 'approve_correction', role: 'operator', orgId: 'org-dongxin' },
    ]);
    expect(() => checkParty(m, 'approve_correction', { role: 'producer', orgId: 'org-hengkang' })).not.toThrow();
    expect(() => checkParty(m, 'approve_correction', { role: 'driver', orgId: 'org-taihang' })).toThrow(DomainError);
  });

  it('turns an onward manifest to its operator consignor and, going back, to the producer as receiver', () => {
    const back: ManifestParties = { ...base('draft', -1, ['org-anyun']), producerOrgId: 'org-dongxin', receiverOrgId: 'org-hengkang', onwardOf: 'm-1', receiverRole: 'producer' };
    expect(whoActsNext(back)).toEqual([{ action: 'sign', role: 'operator', orgId: 'org-dongxin' }]);
    expect(() => checkParty(back, 'sign', { role: 'producer', orgId: 'org-hengkang' })).toThrow(DomainError);
    checkParty(back, 'sign', { role: 'operator', orgId: 'org-dongxin' });
    expect(whoActsNext({ ...back, state: 'picked_up', currentLeg: 0 })).toEqual([{ action: 'arrive', role: 'producer', orgId: 'org-hengkang' }]);
    expect(whoActsNext({ ...back, state: 'arrived', currentLeg: 0 })).toEqual([{ action: 'receive', role: 'producer', orgId: 'org-hengkang' }]);
    // a producer cannot cancel a manifest an operator sends, nor send refused units on
    expect(() => checkParty(back, 'cancel', { role: 'producer', orgId: 'org-hengkang' })).toThrow(DomainError);
    expect(() => checkParty(base('received', 0), 'send_on', { role: 'producer', orgId: 'org-hengkang' })).toThrow(DomainError);
    checkParty(base('received', 0), 'send_on', { role: 'operator', orgId: 'org-dongxin' });
    expect(() => checkParty(base('received', 0), 'send_on', { role: 'operator', orgId: 'org-lvxun' })).toThrow(/for|not/);
  });
});
