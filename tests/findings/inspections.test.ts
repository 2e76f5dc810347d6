// The inspector's view on both drivers: open findings by severity, organisation and age; the risk
// score per organisation as the README states it; a pick list reproducible from a seed and
// weighted by risk.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../server/context.js';
import { FindingEngine } from '../../server/findings/engine.js';
import { cstDate } from '../../server/china-time.js';
import { DEFAULT_LIMITS } from '../../server/findings/limits.js';
import { pickList, type OrgRisk } from '../../server/findings/risk.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { plateOf } from '../helpers/park.js';

const risk = (orgId: string, score: number): OrgRisk => ({ orgId, name: orgId, kind: 'producer', score, open: 0, parts: { openFindings: score, resolvedFindings: 0, overdueStorage: 0, discrepancies: 0 } });

describe('the pick list', () => {
  const risks = [risk('a', 0), risk('b', 9), risk('c', 2)];
  it('is the same for the same seed and scores', () => {
    expect(pickList(risks, 2, 42)).toEqual(pickList(risks, 2, 42));
    expect(pickList(risks, 3, 7).map((p) => p.orgId).sort()).toEqual(['a', 'b', 'c']);
    expect(pickList(risks, 5, 7)).toHaveLength(3);
  });
  it('draws each organisation first with probability proportional to 1 + score', () => {
    const firsts = new Map<string, number>();
    const n = 4000;
    for (let seed = 1; seed <= n; seed++) {
      const [first] = pickList(risks, 1, seed);
      firsts.set(first.orgId, (firsts.get(first.orgId) ?? 0) + 1);
    }
    // weights 1, 10, 3 of 14
    expect(firsts.get('b')! / n).toBeGreaterThan(10 / 14 - 0.04);
    expect(firsts.get('b')! / n).toBeLessThan(10 / 14 + 0.04);
    expect(firsts.get('a')! / n).toBeGreaterThan(1 / 14 - 0.03);
    expect(firsts.get('a')! / n).toBeLessThan(1 / 14 + 0.03);
    expect(pickList(risks, 1, 1)[0].chanceFirst).toBeCloseTo(pickList(risks, 3, 1).find((p) => p.orgId === pickList(risks, 1, 1)[0].orgId)!.chanceFirst);
  });
});

describe.each(DRIVERS)('the inspector\'s view on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  const as = new Map<Who, Client>();

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    for (const w of ['producer', 'driver', 'inspector', 'admin'] as Who[]) as.set(w, await Client.as(app, w));
    // One drum left behind at pickup: one open UNIT_MISSING (high) naming producer, transporter and receiver.
    const p = as.get('producer')!;
    const ids = [(await p.register()).unit.id, (await p.register()).unit.id].sort();
    const id = (await p.request('POST', '/api/manifests', { eventId: eventId(), receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-anyun') }], unitIds: ids, plannedDate: '2026-12-01' })).json().manifest.id;
    await p.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() });
    await as.get('driver')!.request('POST', `/api/manifests/${id}/pickup`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0]] });
    await ctx.sequencer.idle();
    const engine = new FindingEngine({ sql: ctx.db.sql, sequencer: ctx.sequencer, limits: DEFAULT_LIMITS, vkey: ctx.key.vkey });
    engine.kick();
    await engine.settled();
    await ctx.sequencer.idle();
  });
  afterAll(() => opened?.close());

  const get = async (who: Who, url: string) => {
    const res = await as.get(who)!.request('GET', url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('counts open findings by severity, age and organisation', async () => {
    const s = await get('inspector', '/api/inspections/open-findings');
    expect(s.bySeverity).toEqual({ low: 0, medium: 0, high: 1, critical: 0 });
    expect(s.byAge).toEqual({ under1Day: 1, under1Week: 0, under30Days: 0, over30Days: 0 });
    expect(s.byOrg.map((o: { orgId: string }) => o.orgId)).toEqual(['org-anyun', 'org-dongxin', 'org-hengkang']);
    expect(s.byOrg[0]).toMatchObject({ open: 1, bySeverity: { high: 1 }, oldestDays: 0 });
    expect((await as.get('producer')!.request('GET', '/api/inspections/open-findings')).statusCode).toBe(403);
  });

  it('scores risk per organisation by the stated formula, and lowers it once resolved', async () => {
    const before = (await get('inspector', '/api/inspections/risk')).organisations as OrgRisk[];
    const of = (rs: OrgRisk[], org: string) => rs.find((r) => r.orgId === org)!;
    expect(of(before, 'org-hengkang')).toMatchObject({ score: 8, open: 1, parts: { openFindings: 8, resolvedFindings: 0 } }); // high: 8 × (1 + ~0 days / 30)
    expect(of(before, 'org-ruitai')).toMatchObject({ score: 0, open: 0 });
    expect(before[0].score).toBe(8);
    expect(before.every((r, i) => i === 0 || before[i - 1].score >= r.score)).toBe(true);
    const [f] = (await get('inspector', '/api/findings?status=open')).findings;
    await as.get('inspector')!.request('POST', `/api/findings/${f.id}/resolution`, { eventId: eventId(), note: '已补运' });
    const after = (await get('inspector', '/api/inspections/risk')).organisations as OrgRisk[];
    expect(of(after, 'org-hengkang')).toMatchObject({ score: 2, open: 0, parts: { openFindings: 0, resolvedFindings: 2 } }); // 0.25 × 8
  });

  it('gives a pick list reproducible from its seed', async () => {
    const a = await get('inspector', '/api/inspections/pick-list?count=3&seed=20261128');
    const b = await get('admin', '/api/inspections/pick-list?count=3&seed=20261128');
    expect(a).toEqual(b);
    expect(a.seed).toBe(20261128);
    expect(a.picks).toHaveLength(3);
    expect(new Set(a.picks.map((p: { orgId: string }) => p.orgId)).size).toBe(3);
    const today = await get('inspector', '/api/inspections/pick-list');
    expect(today.seed).toBe(Number(cstDate(new Date().toISOString()).replace(/-/g, '')));
    expect((await as.get('inspector')!.request('GET', '/api/inspections/pick-list?count=0')).statusCode).toBe(400);
    expect((await as.get('driver')!.request('GET', '/api/inspections/pick-list')).statusCode).toBe(403);
  });
});
