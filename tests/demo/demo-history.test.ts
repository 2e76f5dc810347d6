// The demo park history (HAZLEDGER_DEMO): a deterministic plan, played through the real custody
// commands on a fresh log, once; every manifest state, refusals, and the planted faults sealed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey, type Envelope } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { createContext, type Context } from '../../server/context.js';
import { grams } from '../../server/custody/unit-commands.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { DAY, H, M } from '../../server/demo/builder.js';
import { buildPlan, DEFAULT_DEMO_SEED, type Fate } from '../../server/demo/plan.js';
import { seedDemoHistory } from '../../server/demo/seed-history.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';

const STATES = ['draft', 'signed', 'picked_up', 'departed', 'arrived', 'received', 'closed', 'cancelled'];
const stateOf = (f: Fate) => (f === 'partially_accepted' || f === 'refused' ? 'received' : f);

describe('the demo plan', () => {
  it('is deterministic: the same seed gives the same plan, another seed another one', () => {
    expect(JSON.stringify(buildPlan(DEFAULT_DEMO_SEED))).toBe(JSON.stringify(buildPlan(DEFAULT_DEMO_SEED)));
    expect(buildPlan(7)).toEqual(buildPlan(7));
    const [a, b] = [buildPlan(7), buildPlan(8)];
    expect(a.steps.map((s) => s.eventId).slice(0, 3)).toEqual(['demo-7-00001', 'demo-7-00002', 'demo-7-00003']);
    expect(JSON.stringify(b.steps.map(({ eventId, ...s }) => s))).not.toBe(JSON.stringify(a.steps.map(({ eventId, ...s }) => s)));
  });

  it.each([DEFAULT_DEMO_SEED, 1, 2, 3, 42, 4242, 99_999, 2 ** 32 - 1])('with seed %i: enough of everything, in order, in working hours', (seed) => {
    const plan = buildPlan(seed);
    expect(plan.units).toBeGreaterThanOrEqual(200);
    expect(plan.manifests.length).toBeGreaterThanOrEqual(20);
    for (const state of STATES) expect(plan.manifests.filter((m) => stateOf(m.fate) === state).length, state).toBeGreaterThanOrEqual(2);
    for (const note of ['missing_at_pickup', 'light_drum', 'wrong_plate'] as const) expect(plan.manifests.filter((m) => m.notes.includes(note))).toHaveLength(1);
    const last = new Map<string, number>();
    for (const s of plan.steps) {
      expect(s.t).toBeLessThan(0);
      const inDay = s.t - Math.floor(s.t / DAY) * DAY;
      expect(inDay, `${s.n} ${s.kind}`).toBeGreaterThanOrEqual(8 * H);
      expect(inDay, `${s.n} ${s.kind}`).toBeLessThanOrEqual(17 * H + 30 * M);
      // Each unit's and each manifest's steps come strictly one after another.
      const subjects = [...('unit' in s ? [s.unit] : []), ...('manifest' in s ? [s.manifest] : []), ...('units' in s ? s.units : []), ...('scanned' in s ? s.scanned : [])];
      for (const k of subjects) {
        expect(s.t, `${s.n} ${s.kind} ${k}`).toBeGreaterThan(last.get(k) ?? -Infinity);
        last.set(k, s.t);
      }
    }
    expect(plan.registryAt).toBeLessThan(plan.steps[0].t);
  });
});

describe.each(DRIVERS)('the demo park history on %s', (driver) => {
  let place: TestPlace;
  let ctx: Context;
  let entries: { index: number; e: Envelope }[];
  const of = (type: string) => entries.filter((x) => x.e.type === type).map((x) => x.e);
  const data = (e: Envelope) => e.data as Record<string, unknown>;
  let seconds = 0;

  beforeAll(async () => {
    place = await testPlace(driver);
    const started = performance.now();
    ctx = await createContext(place.config({ seed: true, demo: true }));
    seconds = (performance.now() - started) / 1000;
    await ctx.sequencer.idle();
    const rows = await ctx.db.sql.query<{ idx: unknown; body: Uint8Array }>('SELECT idx, body FROM ledger_entries ORDER BY idx');
    entries = rows.map((r) => ({ index: Number(r.idx), e: JSON.parse(fromUtf8(r.body)) }));
  });
  afterAll(async () => {
    await ctx?.close();
    await place?.dispose();
  });

  it('seeds at least 200 units and 20 manifests, every manifest state at least twice', async () => {
    console.log(`demo history on ${driver}: first start in ${seconds.toFixed(1)} s, ${entries.length} entries`);
    const states = new Map((await ctx.db.sql.query<{ state: string; n: unknown }>('SELECT state, count(*) AS n FROM manifests GROUP BY state')).map((r) => [r.state, Number(r.n)]));
    for (const s of STATES) expect(states.get(s) ?? 0, s).toBeGreaterThanOrEqual(2);
    expect([...states.values()].reduce((a, b) => a + b)).toBeGreaterThanOrEqual(20);
    const units = new Map((await ctx.db.sql.query<{ state: string; n: unknown }>('SELECT state, count(*) AS n FROM units GROUP BY state')).map((r) => [r.state, Number(r.n)]));
    expect([...units.values()].reduce((a, b) => a + b)).toBeGreaterThanOrEqual(200);
    for (const s of ['stored', 'loaded', 'received', 'refused', 'disposed']) expect(units.get(s) ?? 0, s).toBeGreaterThan(0);
    // Some have sat in storage for long: past a 90-day and past a one-year limit.
    const [old] = await ctx.db.sql.query<{ d90: unknown; d365: unknown }>(
      `SELECT count(*) FILTER (WHERE stored_at < now() - interval '90 days') AS d90, count(*) FILTER (WHERE stored_at < now() - interval '365 days') AS d365 FROM units WHERE state = 'stored'`,
    );
    expect(Number(old.d90)).toBeGreaterThanOrEqual(4);
    expect(Number(old.d365)).toBeGreaterThanOrEqual(2);
  });

  it('has refusals and partial acceptances', () => {
    const outcomes = of('manifest.received').map((e) => data(e).outcome);
    expect(outcomes.filter((o) => o === 'partially_accepted').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'refused').length).toBeGreaterThanOrEqual(1);
    const refusals = of('unit.refused');
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(new Set(refusals.map((e) => data(e).discrepancy))).toEqual(new Set(['type', 'quantity']));
  });

  it('shows the planted faults in the sealed entries', async () => {
    // A drum never scanned at pickup.
    const pickups = of('manifest.signed').filter((e) => data(e).step === 'pick_up');
    expect(pickups.filter((e) => (data(e).missing as string[]).length > 0)).toHaveLength(1);
    // A light drum at receipt: far below what its producer weighed.
    const producerNet = new Map<string, number>();
    for (const e of of('unit.weighed')) if (e.by.role === 'producer') producerNet.set(e.unit!, grams(data(e).netKg as string));
    const light = of('unit.received').filter((e) => data(e).netKg !== undefined && grams(data(e).netKg as string) < 0.7 * producerNet.get(e.unit!)!);
    expect(light).toHaveLength(1);
    // A wrong plate at the receiver's gate.
    const legs = new Map((await ctx.db.sql.query<{ id: string; legs: { vehiclePlate: string }[] }>('SELECT id, legs FROM manifests')).map((r) => [r.id, r.legs]));
    const arrivals = of('manifest.arrived');
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    expect(arrivals.filter((e) => data(e).vehiclePlate !== legs.get(e.manifest!)!.at(-1)!.vehiclePlate)).toHaveLength(1);
  });

  it('is dated in the weeks before today, in order, mostly signed by the demo people', () => {
    const custody = entries.filter((x) => x.e.type !== 'registry.changed');
    expect(custody.length).toBeGreaterThan(1000);
    const ats = custody.map((x) => Date.parse(x.e.at));
    expect(ats.every((t, i) => i === 0 || t >= ats[i - 1])).toBe(true);
    expect(ats.at(-1)!).toBeLessThan(Date.now());
    expect(Math.min(...of('registry.changed').map((e) => Date.parse(e.at)))).toBeLessThan(ats[0]);
    const signed = custody.filter((x) => x.e.sig?.some((s) => typeof s === 'object' && s !== null && 'jws' in s)).length;
    expect(signed / custody.length).toBeGreaterThan(0.6);
    expect(signed).toBeLessThan(custody.length);
  });

  it('verifies: the ledger audit, actor signatures, and the read side against a replay', async () => {
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });

  it('does not seed a second time, neither by a second call nor on the next start', async () => {
    const size = async () => (await ctx.reader.head()).size;
    const before = await size();
    const again = await seedDemoHistory(ctx.custody, buildPlan(DEFAULT_DEMO_SEED));
    expect(again).toMatchObject({ seeded: false, skipped: 'the log already holds custody history' });
    await ctx.close();
    ctx = await createContext(place.config({ seed: true, demo: true }));
    await ctx.sequencer.idle();
    expect(await size()).toBe(before);
  });
});
