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
    // An organisation the manifest does not name is told nothing of it, not even its state.
    expect(() => checkParty(base('draft'), 'sign', { role: 'producer', orgId: 'org-ruitai' })).toThrow(/^this manifest does not name org-ruitai: it is not yours to act on$/);
    expect(() => checkParty(base('draft'), 'pick_up', { role: 'driver', orgId: 'org-nobody' })).toThrow(/does not name org-nobody/);
    expect(() => checkParty(base('draft'), 'pick_up', { role: 'driver', orgId: 'org-anyun' })).toThrow(/cannot take "pick_up"/);
    expect(() => checkParty(base('signed'), 'pick_up', { role: 'driver', orgId: 'org-taihang' })).toThrow(/for driver of org-anyun/);
    expect(() => checkParty(base('picked_up', 0), 'hand_over', { role: 'driver', orgId: 'org-anyun' })).toThrow(/for driver of org-taihang/);
    expect(() => checkParty(base('arrived', 1), 'receive', { role: 'operator', orgId: 'org-lvxun' })).toThrow(/does not name org-lvxun/);
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

  it('walks every path of the table from draft to an end, each step by its party and refused to anyone else', () => {
    const moves = MANIFEST_TRANSITIONS.filter(([s, a, , n]) => s !== n || a === 'hand_over'); // hand_over keeps the state but moves a leg
    const paths: (typeof moves)[] = [];
    const walk = (state: ManifestState, path: typeof moves, legs: number) => {
      if (state === 'closed' || state === 'cancelled') return void paths.push(path);
      for (const mv of moves.filter(([s, a]) => s === state && !(a === 'hand_over' && legs === 2) && !(a === 'arrive' && legs < 2))) {
        if (mv[2] !== 'producer' && mv[2] !== 'driver' && mv[2] !== 'operator') continue;
        if ((mv[1] === 'arrive' || mv[1] === 'receive' || mv[1] === 'close') && mv[2] !== 'operator') continue; // returns are walked below
        if ((mv[1] === 'sign' || mv[1] === 'cancel') && mv[2] !== 'producer') continue;
        walk(mv[3], [...path, mv], mv[1] === 'hand_over' ? legs + 1 : mv[1] === 'pick_up' ? 1 : legs);
      }
    };
    walk('draft', [], 0); // a two-leg manifest: the load arrives after the second leg
    expect(paths.length).toBeGreaterThanOrEqual(6);
    for (const path of paths) {
      const m = base('draft');
      for (const [, action, role, next] of path) {
        const party = action === 'depart' ? m.legs[m.currentLeg].transporterOrgId : action === 'cancel' ? m.producerOrgId : whoActsNext(m).find((t) => t.action === action)!.orgId;
        expect(() => checkParty(m, action, { role, orgId: 'org-boyuan' }), `${action} by a stranger`).toThrow(DomainError);
        for (const other of ROLES.filter((r) => r !== role)) expect(() => checkParty(m, action, { role: other, orgId: party })).toThrow(DomainError);
        checkParty(m, action, { role, orgId: party });
        m.state = next;
        if (action === 'pick_up' || action === 'hand_over') m.currentLeg++;
      }
      expect(whoActsNext(m), path.map(([, a]) => a).join(' → ')).toEqual([]);
    }
  });
});
