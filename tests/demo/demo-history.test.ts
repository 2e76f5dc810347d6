// The demo park history (HAZLEDGER_DEMO): a deterministic plan, played through the real custody
// commands on a fresh log, once; every manifest state, refusals sent on, corrections, an offline
// batch — and, with the finding rules on at their default limits, exactly the planted faults found.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey, type Envelope } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { picturePath } from '../../server/cameras/pictures.js';
import { createContext, type Context } from '../../server/context.js';
import { grams } from '../../server/custody/unit-commands.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { DAY, H, M, planClock, RECENT } from '../../server/demo/builder.js';
import { buildPlan, DEFAULT_DEMO_SEED, type DemoPlan } from '../../server/demo/plan.js';
import { seedDemoHistory } from '../../server/demo/seed-history.js';
import { DEFAULT_LIMITS } from '../../server/findings/limits.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';

const STATES = ['draft', 'signed', 'picked_up', 'departed', 'arrived', 'received', 'closed', 'cancelled'];
const NOTES = ['missing_at_pickup', 'light_drum', 'wrong_plate', 'returned', 'recycled', 'corrected', 'correction_rejected', 'offline'] as const;
const CST = 8 * H * 1000;
const HOUR = 3_600_000;

/** Starts all through a day (China Standard Time), and right at the edges of the working hours. */
function startsOverADay(): Date[] {
  const midnight = Date.parse('2026-11-28T00:00:00+08:00');
  const starts = Array.from({ length: 86 }, (_, i) => midnight + i * 17 * M * 1000 + 123);
  for (const [h, m, ms] of [[7, 59, 59_999], [8, 0, 0], [8, 0, 1], [8, 20, 0], [17, 30, 0], [17, 30, 1], [23, 59, 59_999]]) starts.push(midnight + h * HOUR + m * 60_000 + ms);
  return starts.map((ms) => new Date(ms));
}

/** Every step's instant for a start at `now`, each offline record's as well (key: step n, or n.i). */
function instants(plan: DemoPlan, now: Date) {
  const c = planClock(now);
  return plan.steps.map((s) => ({ s, ms: c.ms(s.t, s.from), records: s.kind === 'offline' ? s.records.map((r) => c.ms(r.t, 'now')) : [] }));
}

describe('the demo plan', () => {
  it('is deterministic: the same seed gives the same plan, another seed another one', () => {
    expect(JSON.stringify(buildPlan(DEFAULT_DEMO_SEED))).toBe(JSON.stringify(buildPlan(DEFAULT_DEMO_SEED)));
    expect(buildPlan(7)).toEqual(buildPlan(7));
    const [a, b] = [buildPlan(7), buildPlan(8)];
    expect(a.steps.map((s) => s.eventId).slice(0, 3)).toEqual(['demo-7-00001', 'demo-7-00002', 'demo-7-00003']);
    expect(JSON.stringify(b.steps.map(({ eventId, ...s }) => s))).not.toBe(JSON.stringify(a.steps.map(({ eventId, ...s }) => s)));
  });

  it.each([DEFAULT_DEMO_SEED, 1, 2, 3, 42, 4242, 99_999, 2 ** 32 - 1])('with seed %i: enough of everything, each path once, in order, in working hours, whenever it starts', (seed) => {
    const plan = buildPlan(seed);
    expect(plan.units).toBeGreaterThanOrEqual(200);
    expect(plan.manifests.length).toBeGreaterThanOrEqual(20);
    for (const state of STATES) expect(plan.manifests.filter((m) => m.state === state).length, state).toBeGreaterThanOrEqual(2);
    for (const note of NOTES) expect(plan.manifests.filter((m) => m.notes.includes(note)), note).toHaveLength(1);
    const sentOn = plan.steps.filter((s) => s.kind === 'send_on');
    expect(new Set(sentOn.map((s) => (s.receiverOrgId === 'org-lvxun' ? 'recycler' : 'producer')))).toEqual(new Set(['recycler', 'producer']));
    expect(plan.manifests.filter((m) => m.onwardOf).map((m) => m.state)).toEqual(['closed', 'closed']);
    expect(plan.steps.filter((s) => s.kind === 'offline')).toHaveLength(1);
    expect(plan.steps.at(-1)!.kind).toBe('offline'); // sent last, at the start
    for (const s of plan.steps) {
      expect(s.t).toBeLessThan(0);
      if (s.from === 'now') expect(-s.t).toBeLessThanOrEqual(RECENT);
      else expect(s.t - Math.floor(s.t / DAY) * DAY, `${s.n} ${s.kind}`).toBeGreaterThanOrEqual(8 * H);
    }
    expect(plan.registryAt).toBeLessThan(plan.steps[0].t);

    const inFlight = new Map(plan.manifests.filter((m) => ['picked_up', 'departed', 'arrived'].includes(m.state)).map((m) => [m.key, m.state]));
    const problems: string[] = [];
    const check = (ok: boolean, what: () => string) => ok || problems.push(what());
    for (const now of startsOverADay()) {
      const when = instants(plan, now);
      const last = new Map<string, number>();
      const anchored = Math.max(...when.filter((x) => x.s.from === 'anchor').map((x) => x.ms));
      const latest = new Map<string, number>(); // in-flight manifests: their pickup, or their arrival
      let previous = -Infinity;
      for (const { s, ms, records } of when) {
        const at = () => `${s.n} ${s.kind} at ${new Date(ms).toISOString()} (start ${now.toISOString()})`;
        // In plan order is in time order (the offline batch's records too), so the log's `at`s never go back.
        for (const t of [...records, ms]) {
          const inDay = (t + CST) % (DAY * 1000);
          check(t < now.getTime() && inDay >= 8 * HOUR && inDay <= 17.5 * HOUR, () => `${at()}: not in working hours before the start`);
          check(t >= previous, () => `${at()}: before the step planned before it`);
          previous = t;
        }
        check(s.from === 'anchor' || ms > anchored, () => `${at()}: before a step on the anchor's clock`);
        // Each unit's and each manifest's steps come strictly one after another.
        const subjects = [
          ...('unit' in s ? [s.unit] : []), ...('manifest' in s ? [s.manifest] : []), ...('onward' in s ? [s.onward] : []),
          ...('units' in s ? s.units : []), ...('scanned' in s ? s.scanned : []), ...(s.kind === 'offline' ? s.records.flatMap((r) => r.scanned ?? []) : []),
        ];
        for (const k of subjects) {
          check((records[0] ?? ms) > (last.get(k) ?? -Infinity), () => `${at()}: not after ${k}'s step before`);
          last.set(k, ms);
        }
        if ('manifest' in s && inFlight.has(s.manifest) && (inFlight.get(s.manifest) === 'arrived' ? s.kind === 'arrive' : s.kind === 'pick_up' || s.kind === 'offline')) {
          latest.set(s.manifest, records[0] ?? ms);
        }
      }
      // No load under way has been on the road, nor waited at the gate, anywhere near the limits (24 h).
      check(latest.size === 6, () => `${latest.size} loads under way`);
      for (const [k, ms] of latest) check(now.getTime() - ms < 22.5 * HOUR, () => `${k}: under way for ${(now.getTime() - ms) / HOUR} h at ${now.toISOString()}`);
      check(planClock(now).ms(plan.registryAt, 'anchor') < when[0].ms, () => 'the registry comes after the first step');
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe.each(DRIVERS)('the demo park history on %s, with the finding rules on', (driver) => {
  let place: TestPlace;
  let ctx: Context;
  let entries: { index: number; e: Envelope }[];
  const of = (type: string) => entries.filter((x) => x.e.type === type).map((x) => x.e);
  const data = (e: Envelope) => e.data as Record<string, unknown>;
  let seconds = 0;
  const plan = buildPlan(DEFAULT_DEMO_SEED);
  /** Everything sealed has been read by the engine, and its time rules have run (they also run once at its start). */
  const settle = async (c: Context) => {
    await c.sequencer.idle();
    await c.findings!.settled();
    await c.findings!.scan();
    await c.sequencer.idle();
    await c.findings!.settled();
    await c.sequencer.idle();
  };

  beforeAll(async () => {
    place = await testPlace(driver);
    const started = performance.now();
    ctx = await createContext(place.config({ seed: true, demo: true, findings: true }));
    seconds = (performance.now() - started) / 1000;
    expect(ctx.config.findingLimits).toEqual(DEFAULT_LIMITS);
    await settle(ctx);
    const rows = await ctx.db.sql.query<{ idx: unknown; body: Uint8Array }>('SELECT idx, body FROM ledger_entries ORDER BY idx');
    entries = rows.map((r) => ({ index: Number(r.idx), e: JSON.parse(fromUtf8(r.body)) }));
  });
  afterAll(async () => {
    await ctx?.close();
    await place?.dispose();
  });

  it('seeds the plan: at least 200 units and 20 manifests, every manifest state at least twice', async () => {
    console.log(`demo history on ${driver}: first start in ${seconds.toFixed(1)} s, ${entries.length} entries`);
    const states = new Map((await ctx.db.sql.query<{ state: string; n: unknown }>('SELECT state, count(*) AS n FROM manifests GROUP BY state')).map((r) => [r.state, Number(r.n)]));
    const planned = new Map<string, number>();
    for (const m of plan.manifests) planned.set(m.state, (planned.get(m.state) ?? 0) + 1);
    expect(states).toEqual(planned);
    for (const s of STATES) expect(states.get(s) ?? 0, s).toBeGreaterThanOrEqual(2);
    expect([...states.values()].reduce((a, b) => a + b)).toBeGreaterThanOrEqual(20);
    const units = new Map((await ctx.db.sql.query<{ state: string; n: unknown }>('SELECT state, count(*) AS n FROM units GROUP BY state')).map((r) => [r.state, Number(r.n)]));
    expect([...units.values()].reduce((a, b) => a + b)).toBe(plan.units);
    expect(plan.units).toBeGreaterThanOrEqual(200);
    for (const s of ['stored', 'loaded', 'received', 'refused', 'disposed']) expect(units.get(s) ?? 0, s).toBeGreaterThan(0);
    // Some have sat in storage for long: past a 90-day, a 180-day and a one-year limit.
    const [old] = await ctx.db.sql.query<{ d90: unknown; d180: unknown; d365: unknown }>(
      `SELECT count(*) FILTER (WHERE stored_at < now() - interval '90 days') AS d90, count(*) FILTER (WHERE stored_at < now() - interval '180 days') AS d180,
              count(*) FILTER (WHERE stored_at < now() - interval '365 days') AS d365 FROM units WHERE state = 'stored'`,
    );
    expect([Number(old.d90), Number(old.d180), Number(old.d365)]).toEqual([6, 4, 2]);
  });

  it('has refusals and partial acceptances, and sends refused units on: back to their producer, and to the recycler', async () => {
    const outcomes = of('manifest.received').map((e) => data(e).outcome);
    expect(outcomes.filter((o) => o === 'partially_accepted').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'refused').length).toBeGreaterThanOrEqual(1);
    const refusals = of('unit.refused');
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(new Set(refusals.map((e) => data(e).discrepancy))).toEqual(new Set(['type', 'quantity']));
    const sent = of('manifest.sent_on');
    expect(sent).toHaveLength(2);
    const onward = await ctx.db.sql.query<{ id: string; state: string; receiver_org_id: string; receiver_role: string; onward_of: string; unit_ids: string[] }>(
      'SELECT id, state, receiver_org_id, receiver_role, onward_of, unit_ids FROM manifests WHERE onward_of IS NOT NULL ORDER BY receiver_role',
    );
    expect(onward.map((m) => [m.state, m.receiver_role])).toEqual([['closed', 'operator'], ['closed', 'producer']]);
    const [recycled, returned] = onward;
    expect(recycled.receiver_org_id).toBe('org-lvxun');
    // The recycler weighed it in and recovered it (R2) under its own licence.
    const recovered = of('unit.disposed').filter((e) => e.manifest === recycled.id);
    expect(recovered.map((e) => [e.unit, data(e).method, data(e).licenceId, e.by.org])).toEqual(recycled.unit_ids.map((u) => [u, 'R2', 'lic-lvxun', 'org-lvxun']));
    expect(of('unit.received').filter((e) => e.manifest === recycled.id).every((e) => data(e).netKg !== undefined)).toBe(true);
    // The producer took its load back and stored it again; the refusing manifests are closed.
    const back = await ctx.db.sql.query<{ state: string; producer_org_id: string }>('SELECT state, producer_org_id FROM units WHERE id = ANY($1)', [returned.unit_ids]);
    expect(back.every((u) => u.state === 'stored' && u.producer_org_id === returned.receiver_org_id)).toBe(true);
    const sources = await ctx.db.sql.query<{ state: string }>('SELECT state FROM manifests WHERE id = ANY($1)', [onward.map((m) => m.onward_of)]);
    expect(sources.map((m) => m.state)).toEqual(['closed', 'closed']);
  });

  it('corrects one manifest with every approval, and turns down another correction', async () => {
    const corrections = of('manifest.corrected');
    const steps = (id: string) => corrections.filter((e) => e.manifest === id).map((e) => data(e).step);
    const proposals = corrections.filter((e) => data(e).step === 'propose');
    expect(proposals).toHaveLength(2);
    const [dated] = proposals.filter((e) => (data(e).changes as { plannedDate?: string }).plannedDate);
    const [swapped] = proposals.filter((e) => (data(e).changes as { legs?: unknown }).legs);
    expect(steps(dated.manifest!)).toEqual(['propose', 'approve', 'approve']);
    expect(steps(swapped.manifest!)).toEqual(['propose', 'reject']);
    const rows = new Map((await ctx.db.sql.query<{ id: string; version: unknown; planned_date: string; legs: { vehiclePlate: string }[]; correction: unknown }>(
      'SELECT id, version, planned_date, legs, correction FROM manifests WHERE id = ANY($1)', [[dated.manifest, swapped.manifest]],
    )).map((r) => [r.id, r]));
    expect(rows.get(dated.manifest!)).toMatchObject({ planned_date: (data(dated).changes as { plannedDate: string }).plannedDate, correction: null });
    expect(Number(rows.get(dated.manifest!)!.version)).toBe(2);
    expect(Number(rows.get(swapped.manifest!)!.version)).toBe(1);
    expect(rows.get(swapped.manifest!)!.legs).not.toEqual((data(swapped).changes as { legs: unknown }).legs);
  });

  it('takes a driver\'s offline batch: reserved event ids, the device clock, sealed in its order', async () => {
    const offline = entries.filter((x) => x.e.type !== 'vehicle.sighted' && data(x.e).receivedAt !== undefined).map((x) => x.e);
    expect(offline.map((e) => e.type)).toEqual(['manifest.signed', ...offline.slice(1, -1).map(() => 'unit.loaded'), 'manifest.departed']);
    expect(offline.length).toBeGreaterThan(3);
    for (const e of offline) {
      expect(data(e).eventId).toMatch(/^off-/);
      expect(Date.parse(e.at)).toBeLessThan(Date.parse(data(e).receivedAt as string));
    }
    expect(new Set(offline.map((e) => e.manifest)).size).toBe(1);
    const [m] = await ctx.db.sql.query<{ state: string }>('SELECT state FROM manifests WHERE id = $1', [offline[0].manifest]);
    expect(m.state).toBe('departed');
  });

  it('raises exactly the planted findings, each about its planted subject, and nothing about any other manifest', async () => {
    const findings = await ctx.db.sql.query<{ code: string; subjects: { manifest?: string; units?: string[]; vehicle?: string }; evidence: number[] }>('SELECT code, subjects, evidence FROM findings ORDER BY code, key');
    expect(findings.map((f) => f.code)).toEqual(['PLATE_MISMATCH', 'STORAGE_OVERDUE', 'STORAGE_OVERDUE', 'UNIT_MISSING', 'WEIGHT_MISMATCH']);
    const byCode = (code: string) => findings.filter((f) => f.code === code);
    // The drum never scanned at pickup.
    const pickups = entries.filter((x) => x.e.type === 'manifest.signed' && data(x.e).step === 'pick_up' && (data(x.e).missing as string[]).length > 0);
    expect(pickups).toHaveLength(1);
    const [missed] = pickups;
    expect(byCode('UNIT_MISSING')[0]).toMatchObject({ subjects: { manifest: missed.e.manifest, units: data(missed.e).missing }, evidence: [missed.index] });
    expect(data(missed.e).missing).toHaveLength(1);
    // The light drum: about half what its producer weighed.
    const producerNet = new Map<string, number>();
    for (const e of of('unit.weighed')) if (e.by.role === 'producer') producerNet.set(e.unit!, grams(data(e).netKg as string));
    const light = of('unit.received').filter((e) => data(e).netKg !== undefined && grams(data(e).netKg as string) < 0.7 * producerNet.get(e.unit!)!);
    expect(light).toHaveLength(1);
    expect(byCode('WEIGHT_MISMATCH')[0].subjects).toEqual({ manifest: light[0].manifest, units: [light[0].unit] });
    // The wrong plate at the receiver's gate.
    const legs = new Map((await ctx.db.sql.query<{ id: string; legs: { vehiclePlate: string }[] }>('SELECT id, legs FROM manifests')).map((r) => [r.id, r.legs]));
    const arrivals = of('manifest.arrived');
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    const wrong = arrivals.filter((e) => data(e).vehiclePlate !== legs.get(e.manifest!)!.at(-1)!.vehiclePlate);
    expect(wrong).toHaveLength(1);
    expect(byCode('PLATE_MISMATCH')[0].subjects).toEqual({ manifest: wrong[0].manifest, vehicle: data(wrong[0]).vehiclePlate });
    // The units stored more than a year ago (not those of 96 or 190 days).
    const overdue = await ctx.db.sql.query<{ id: string }>(`SELECT id FROM units WHERE state = 'stored' AND stored_at < now() - interval '365 days' ORDER BY id`);
    expect(overdue).toHaveLength(2);
    expect(byCode('STORAGE_OVERDUE').flatMap((f) => f.subjects.units!).sort()).toEqual(overdue.map((u) => u.id));
    // Every other manifest, the loads under way included, is clean.
    expect(new Set(findings.map((f) => f.subjects.manifest).filter(Boolean))).toEqual(new Set([missed.e.manifest, light[0].manifest, wrong[0].manifest]));
    const sealed = of('finding.raised').map((e) => data(e).code).sort();
    expect(sealed).toEqual(findings.map((f) => f.code).sort());
  });

  it("has the receivers' gate cameras read and their weighbridges weigh each arriving truck before its arrival, as the simulator's devices do", async () => {
    const cameras = new Map((await ctx.db.sql.query<{ id: string; org_id: string }>(`SELECT id, org_id FROM devices WHERE kind = 'camera'`)).map((r) => [r.org_id, r.id]));
    const manifests = await ctx.db.sql.query<{ id: string; receiver_org_id: string; legs: { vehiclePlate: string }[] }>('SELECT id, receiver_org_id, legs FROM manifests');
    const receivers = new Map(manifests.map((r) => [r.id, r.receiver_org_id]));
    const legs = new Map(manifests.map((r) => [r.id, r.legs]));
    const arrivals = entries.filter((x) => x.e.type === 'manifest.arrived' && cameras.has(receivers.get(x.e.manifest!)!));
    const sightings = entries.filter((x) => x.e.type === 'vehicle.sighted');
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    expect(sightings).toHaveLength(arrivals.length);
    expect(new Set(sightings.map((x) => data(x.e).vendor))).toEqual(new Set(['hikvision', 'dahua'])); // both receivers' cameras
    let unmatched = 0;
    for (const arrival of arrivals) {
      const plate = data(arrival.e).vehiclePlate;
      const seen = sightings.filter((x) => x.index < arrival.index && data(x.e).plate === plate && data(x.e).deviceId === cameras.get(receivers.get(arrival.e.manifest!)!));
      expect(seen.length, `a capture of ${plate} before arrival ${arrival.index}`).toBeGreaterThanOrEqual(1);
      const capture = seen.at(-1)!;
      expect(Date.parse(arrival.e.at) - Date.parse(capture.e.at)).toBeLessThanOrEqual(3 * 60_000);
      expect(data(capture.e)).toMatchObject({ direction: 'in', gate: expect.stringMatching(/gate$/) });
      const [hash] = data(capture.e).pictures as string[];
      const stored = readFileSync(picturePath(ctx.config.dataDir, hash));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(hash); // the JPEG the camera sent, kept by its hash
      expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      // Matched to a load that truck carries to this receiver (one truck may carry two); the planted
      // wrong plate, another truck, never to the manifest whose arrival it is.
      const legPlate = legs.get(arrival.e.manifest!)!.at(-1)!.vehiclePlate;
      const matched = data(capture.e).manifestId as string | undefined;
      if (plate !== legPlate) {
        unmatched++;
        expect(matched).not.toBe(arrival.e.manifest);
      } else {
        expect(matched).toBeDefined();
        expect(legs.get(matched!)!.some((l) => l.vehiclePlate === plate) && receivers.get(matched!) === receivers.get(arrival.e.manifest!)).toBe(true);
      }
    }
    expect(unmatched).toBe(1);
    // The weighbridge weighs each in a minute later: the emulator's frames, frozen by the stability
    // rule, signed by the device; matched to the plate just seen, gross = an empty truck + the drums.
    const weighings = entries.filter((x) => x.e.type === 'vehicle.weighed');
    expect(weighings).toHaveLength(arrivals.length);
    for (const arrival of arrivals) {
      const [w] = weighings.filter((x) => x.index < arrival.index && x.index > arrival.index - 6 && data(x.e).plate === data(arrival.e).vehiclePlate);
      expect(w, `the weighing before arrival ${arrival.index}`).toBeDefined();
      expect(data(w.e)).toMatchObject({ stable: true, unit: 'kg', rawSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(Number(data(w.e).frames)).toBeGreaterThanOrEqual(1); // Toledo's motion flag: one; XK3190's window: five
      expect(w.e.sig).toEqual([expect.objectContaining({ by: `device:${w.e.by.device}` })]);
      // The drums as their producers last weighed them before the truck came.
      const [{ unit_ids: unitIds }] = await ctx.db.sql.query<{ unit_ids: string[] }>('SELECT unit_ids FROM manifests WHERE id = $1', [arrival.e.manifest]);
      const kg = unitIds.reduce((sum, u) => sum + Number(data(entries.filter((x) => x.index < w.index && x.e.unit === u && x.e.type === 'unit.weighed').at(-1)!.e).grossKg), 0);
      const empty = Number(data(w.e).grossKg) - kg; // shown to the 20 kg division
      expect(Math.min(Math.abs(empty - 2600), Math.abs(empty - 7800)), `${data(w.e).grossKg} kg with ${kg} kg of drums`).toBeLessThanOrEqual(20);
    }
  });

  it('is dated in the weeks before the start, in order, mostly signed by the demo people', () => {
    const custody = entries.filter((x) => x.e.type !== 'registry.changed' && !x.e.type.startsWith('finding.'));
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

  it('does not seed a second time, neither by a second call nor on the next start, and finds nothing new', async () => {
    const size = async () => (await ctx.reader.head()).size;
    const findings = async () => (await ctx.db.sql.query('SELECT key FROM findings ORDER BY key')).map((r) => r.key);
    const before = await size();
    const found = await findings();
    const again = await seedDemoHistory(ctx.custody, buildPlan(DEFAULT_DEMO_SEED));
    expect(again).toMatchObject({ seeded: false, skipped: 'the log already holds custody history' });
    await ctx.close();
    ctx = await createContext(place.config({ seed: true, demo: true, findings: true }));
    await settle(ctx);
    expect(await size()).toBe(before);
    expect(await findings()).toEqual(found);
  });
});
