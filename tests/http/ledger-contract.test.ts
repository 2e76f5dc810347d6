// The public HTTP contract of DESIGN.md §3, checked through the app on both drivers.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consistencyProof, fromBase64, leafHash, MemoryTree, openCheckpoint, parseVkey, toBase64, utf8, verifyConsistency,
  verifyInclusion, verifyTlogProof, type NoteVerifier,
} from '../../ledger/index.js';
import { buildApp } from '../../server/app.js';
import { createContext, type Context } from '../../server/context.js';
import { loadPilotPark, registryEnvelopes } from '../../server/registry/seed.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';
import { ChainedEntries } from '../helpers/entries.js';

const REGISTRY = registryEnvelopes(loadPilotPark().park, new Date().toISOString()).length;

describe.each(DRIVERS)('ledger HTTP contract on %s', (driver) => {
  let place: TestPlace;
  let ctx: Context;
  let app: FastifyInstance;
  let vkey: NoteVerifier;
  const bodies: Uint8Array[] = [];
  let size = 0;

  beforeAll(async () => {
    place = await testPlace(driver);
    ctx = await createContext(place.config({ seed: true, maxBatch: 16 }));
    await ctx.sequencer.idle();
    const gen = new ChainedEntries(10);
    for (let round = 0; round < 5; round++) await Promise.all(gen.take(20).map((e) => ctx.sequencer.append(e)));
    app = await buildApp(ctx);
    vkey = parseVkey((await app.inject('/ledger/vkey')).body);
    size = (await ctx.reader.head()).size;
    for (let i = 0; i < size; i++) bodies.push((await ctx.reader.entry(i))!);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await place?.dispose();
  });

  const problem = async (url: string, status: number) => {
    const res = await app.inject(url);
    expect(res.statusCode, url).toBe(status);
    expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status, title: expect.any(String), code: expect.any(String) });
    return body;
  };

  it('seals the pilot park registry on first start', async () => {
    expect(size).toBe(REGISTRY + 100);
    const first = JSON.parse(new TextDecoder().decode(bodies[0]));
    expect(first).toMatchObject({ v: 1, type: 'registry.changed', data: { kind: 'park' } });
    const types = bodies.slice(0, REGISTRY).map((b) => JSON.parse(new TextDecoder().decode(b)).type);
    expect(new Set(types)).toEqual(new Set(['registry.changed']));
  });

  it('GET /healthz', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ledger/checkpoint and /ledger/vkey: a note signed by the published key', async () => {
    const res = await app.inject('/ledger/checkpoint');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const cp = openCheckpoint(res.body, vkey);
    expect(cp.size).toBe(size);
    expect(toBase64(cp.root)).toBe(toBase64(new MemoryTree(bodies.map(leafHash)).root()));
    expect(vkey.name).toBe(ctx.config.origin);
  });

  it('GET /ledger/checkpoints/{size}: every batch, and 404 where none was signed', async () => {
    const sizes = (await ctx.db.sql.query('SELECT size FROM ledger_checkpoints ORDER BY size')).map((r) => Number(r.size));
    expect(sizes.length).toBeGreaterThan(5);
    for (const s of sizes) expect(openCheckpoint((await app.inject(`/ledger/checkpoints/${s}`)).body, vkey).size).toBe(s);
    const missing = [...Array(size).keys()].find((s) => !sizes.includes(s))!;
    await problem(`/ledger/checkpoints/${missing}`, 404);
    await problem('/ledger/checkpoints/-1', 400);
    await problem('/ledger/checkpoints/01', 400);
  });

  it('GET /ledger/entries/{index}: the exact stored bytes', async () => {
    for (const i of [0, 1, REGISTRY, size - 1]) {
      const res = await app.inject(`/ledger/entries/${i}`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(toBase64(new Uint8Array(res.rawPayload))).toBe(toBase64(bodies[i]));
    }
    await problem(`/ledger/entries/${size}`, 404);
    await problem('/ledger/entries/1e3', 400);
  });

  it('GET /ledger/entries?start&limit: NDJSON, one stored entry per line', async () => {
    const res = await app.inject(`/ledger/entries?start=3&limit=50`);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.rawPayload.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => toBase64(utf8(l)))).toEqual(bodies.slice(3, 53).map(toBase64));
    const tail = await app.inject(`/ledger/entries?start=${size - 2}&limit=1000`);
    expect(tail.rawPayload.toString('utf8').split('\n')).toHaveLength(3);
    await problem('/ledger/entries?start=0&limit=1001', 400);
    await problem('/ledger/entries?start=0&limit=0', 400);
    await problem('/ledger/entries?start=x&limit=5', 400);
    await problem(`/ledger/entries?start=${size}&limit=5`, 404);
  });

  it('GET /ledger/proof/inclusion: verifies against the signed checkpoint for every index', async () => {
    const cp = openCheckpoint((await app.inject('/ledger/checkpoint')).body, vkey);
    for (let i = 0; i < size; i++) {
      const res = await app.inject(`/ledger/proof/inclusion?index=${i}&size=${cp.size}`);
      const p = res.json();
      expect(Object.keys(p)).toEqual(['index', 'size', 'leafHash', 'path']);
      expect(p.leafHash).toBe(toBase64(leafHash(bodies[i])));
      expect(verifyInclusion(i, cp.size, fromBase64(p.leafHash), p.path.map(fromBase64), cp.root)).toEqual({ ok: true });
    }
    await problem(`/ledger/proof/inclusion?index=0&size=${size + 1}`, 404);
    await problem(`/ledger/proof/inclusion?index=${size}&size=${size}`, 404);
    await problem('/ledger/proof/inclusion?index=0', 400);
    await problem('/ledger/proof/inclusion?index=0&size=0', 400);
    await problem('/ledger/proof/inclusion?index=abc&size=1', 400);
  });

  it('GET /ledger/proof/consistency: links every pair of signed checkpoints', async () => {
    const sizes = (await ctx.db.sql.query('SELECT size FROM ledger_checkpoints ORDER BY size')).map((r) => Number(r.size));
    const roots = new Map<number, Uint8Array>();
    for (const s of sizes) roots.set(s, openCheckpoint((await app.inject(`/ledger/checkpoints/${s}`)).body, vkey).root);
    const memory = new MemoryTree(bodies.map(leafHash));
    for (const from of sizes) {
      for (const to of sizes.filter((s) => s >= from)) {
        const p = (await app.inject(`/ledger/proof/consistency?from=${from}&to=${to}`)).json();
        expect(p).toEqual({ from, to, path: (await consistencyProof(from, to, memory)).map(toBase64) });
        expect(verifyConsistency(from, to, roots.get(from)!, roots.get(to)!, p.path.map(fromBase64))).toEqual({ ok: true });
      }
    }
    await problem(`/ledger/proof/consistency?from=2&to=1`, 400);
    await problem(`/ledger/proof/consistency?from=1&to=${size + 1}`, 404);
    await problem(`/ledger/proof/consistency?from=1`, 400);
  });

  it('GET /ledger/tlog-proof: a C2SP proof that verifies offline', async () => {
    for (const i of [0, REGISTRY, size - 1]) {
      const res = await app.inject(`/ledger/tlog-proof?index=${i}`);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const { verdict, checkpoint } = verifyTlogProof(res.body, bodies[i], vkey);
      expect(verdict).toEqual({ ok: true });
      expect(checkpoint.size).toBe(size);
    }
    await problem(`/ledger/tlog-proof?index=${size}`, 404);
    await problem(`/ledger/tlog-proof`, 400);
  });

  it('answers unknown routes with problem+json', async () => {
    await problem('/no/such/thing', 404);
  });

  it('does not seed the registry twice', async () => {
    await ctx.close();
    ctx = await createContext(place.config({ seed: true }));
    await ctx.sequencer.idle();
    expect((await ctx.reader.head()).size).toBe(size);
    await app.close();
    app = await buildApp(ctx);
  });
});
