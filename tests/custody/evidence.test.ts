// Evidence bundles: they verify offline, and each way of bending one is reported at its entry.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey, fromBase64, randomSeed, toBase64, verifyEvidence, type EvidenceBundle } from '../../ledger/index.js';
import type { Context } from '../../server/context.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

const run = promisify(execFile);

describe.each(DRIVERS)('evidence bundles on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let bundle: EvidenceBundle;
  let vkey: string;

  beforeAll(async () => {
    opened = await openTestApp(driver);
    ({ ctx, app } = opened);
    vkey = ctx.key.vkey;
    const producer = await Client.as(app, 'producer');
    const { unit } = await producer.register();
    const other = await producer.register();
    for (const [path, body] of [
      ['weighings', { grossKg: '300', tareKg: '20', source: 'manual' }],
      ['storage', { siteId: 'site-hengkang-store', bay: 'D-4' }],
      ['retrieval', {}],
      ['weighings', { grossKg: '299.5', tareKg: '20', source: 'manual' }],
    ] as const) {
      await producer.request('POST', `/api/units/${unit.id}/${path}`, { eventId: eventId(), ...body });
      await producer.request('POST', `/api/units/${other.unit.id}/weighings`, { eventId: eventId(), grossKg: '100', tareKg: '10', source: 'manual' });
    }
    const res = await producer.request('GET', `/api/units/${unit.id}/evidence`);
    expect(res.statusCode).toBe(200);
    bundle = res.json();
  });
  afterAll(() => opened?.close());

  const copy = (): EvidenceBundle => JSON.parse(JSON.stringify(bundle));
  const codes = (b: EvidenceBundle, key = vkey) => verifyEvidence(b, key).breaks.map((x) => [x.index, x.code]);

  it('holds the unit\'s whole chain and verifies against the trusted key', () => {
    expect(bundle.entries).toHaveLength(5);
    const report = verifyEvidence(bundle, vkey);
    expect(report.breaks).toEqual([]);
    expect(report.checkpoint!.size).toBeGreaterThan(bundle.entries[4].index);
  });

  it('reports one changed byte at the entry that holds it', () => {
    const b = copy();
    const body = fromBase64(b.entries[2].body);
    body[10] ^= 1;
    b.entries[2].body = toBase64(body);
    const found = codes(b);
    expect(found[0]).toEqual([b.entries[2].index, 'ENTRY_NOT_INCLUDED']);
    // and the next entry no longer links to what the bundle now holds
    expect(found).toContainEqual([b.entries[3].index, 'CHAIN_BROKEN']);
  });

  it('reports a missing entry, a missing start, a wrong order, a bent checkpoint and an untrusted key', () => {
    const gap = copy();
    gap.entries.splice(2, 1);
    expect(codes(gap)).toEqual([[gap.entries[2].index, 'CHAIN_BROKEN']]);
    const headless = copy();
    headless.entries.shift();
    expect(codes(headless)).toEqual([[headless.entries[0].index, 'CHAIN_INCOMPLETE']]);
    const swapped = copy();
    [swapped.entries[1], swapped.entries[2]] = [swapped.entries[2], swapped.entries[1]];
    expect(codes(swapped).map(([, c]) => c)).toContain('ENTRY_ORDER');
    const bent = copy();
    bent.checkpoint = bent.checkpoint.replace(/\n(\d+)\n/, (_m, n) => `\n${Number(n) + 1}\n`);
    expect(codes(bent)).toEqual([[-1, 'CHECKPOINT_INVALID']]);
    const other = ed25519NoteSigner(ctx.config.origin, randomSeed());
    expect(codes(bundle, encodeVkey(other.name, other.publicKey))).toEqual([[-1, 'VKEY_NOT_TRUSTED'], [-1, 'CHECKPOINT_INVALID']]);
    expect(codes({ ...copy(), format: 'x' } as unknown as EvidenceBundle)).toEqual([[-1, 'BUNDLE_MALFORMED']]);
  });

  it('`hazledger verify-bundle` checks a file offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hz-bundle-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(bundle));
    const ok = await run('node', ['bin/hazledger.mjs', 'verify-bundle', good, `--vkey=${vkey}`]);
    expect(ok.stdout).toMatch(/^OK: 5 entries proven against checkpoint /m);
    const b = copy();
    const body = fromBase64(b.entries[1].body);
    body[20] ^= 4;
    b.entries[1].body = toBase64(body);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(b));
    const failed = await run('node', ['bin/hazledger.mjs', 'verify-bundle', bad, `--vkey=${vkey}`]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`^#${b.entries[1].index} ENTRY_NOT_INCLUDED`, 'm'));
    const missing = await run('node', ['bin/hazledger.mjs', 'verify-bundle', join(dir, 'nope.json')]).catch((e) => e);
    expect(missing.code).toBe(2);
  });

  it('is only for those who may see the unit', async () => {
    const producer2 = await Client.as(app, 'producer2');
    const driverClient = await Client.as(app, 'driver');
    const inspector = await Client.as(app, 'inspector');
    const id = bundle.subject.id;
    expect((await producer2.request('GET', `/api/units/${id}/evidence`)).statusCode).toBe(403);
    expect((await driverClient.request('GET', `/api/units/${id}/evidence`)).statusCode).toBe(403);
    expect((await inspector.request('GET', `/api/units/${id}/evidence`)).statusCode).toBe(200);
  });
});
