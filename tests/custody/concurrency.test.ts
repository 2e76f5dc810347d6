// 1,000 registrations at once: every one sealed exactly once, with gap-free HJ 1276 sequences,
// its own chain, a log that verifies and a read side that matches the log.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';
import { Client, registration } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

describe.each(DRIVERS)('1,000 concurrent registrations on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
  });
  afterAll(() => opened?.close());

  it('seals every one, each with its own chain', async () => {
    const [a, b] = [await Client.as(app, 'producer'), await Client.as(app, 'producer2')];
    const days = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const mine = i % 2 === 0;
        return (mine ? a : b).request('POST', '/api/units', registration({ generationDate: days[i % 4], siteId: mine ? 'site-hengkang-plant' : 'site-ruitai-plant' }));
      }),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(1000).fill(201));
    const sealed = results.map((r) => r.json().units[0] as { unit: { id: string; hjCode: string; producerOrgId: string; generationDate: string }; entry: { index: number } });
    expect(new Set(sealed.map((s) => s.entry.index)).size).toBe(1000);
    expect(new Set(sealed.map((s) => s.unit.hjCode)).size).toBe(1000);
    // Per producer and day, the HJ 1276 sequences are exactly 1…n.
    const seqs = new Map<string, number[]>();
    for (const { unit } of sealed) {
      const key = `${unit.producerOrgId}/${unit.generationDate}`;
      seqs.set(key, [...(seqs.get(key) ?? []), Number(unit.hjCode.slice(-3))]);
    }
    for (const [key, s] of seqs) expect(s.sort((x, y) => x - y), key).toEqual(Array.from({ length: s.length }, (_, i) => i + 1));
    for (const { unit, entry } of sealed.slice(0, 50)) {
      const e = JSON.parse(fromUtf8((await ctx.reader.entry(entry.index))!));
      expect(e).toMatchObject({ type: 'unit.registered', unit: unit.id });
      expect(e.prev).toBeUndefined();
    }
    await ctx.sequencer.idle();
    expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(ctx.db.sql)).toEqual([]);
  });
});
