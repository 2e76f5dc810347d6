// The audit's per-entry checks take a fast path for bodies proven canonical by a scan; on any
// body, canonical or not, well formed or not, they must report what parsing and serialising does.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { checkPage, packBodies, slowFacts } from '../../ledger/store/audit/entry-check.js';
import { ChainedEntries } from '../helpers/entries.js';

const HASH = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const entries = new ChainedEntries(5).take(20).map((e) => JSON.parse(fromUtf8(e.body)) as Record<string, unknown>);

/** Ways an envelope can be bent: each keeps the text canonical unless it says otherwise. */
const bend = fc.constantFrom<(e: Record<string, unknown>) => unknown>(
  (e) => e,
  (e) => ({ ...e, v: 2 }),
  (e) => ({ ...e, v: '1' }),
  (e) => ({ ...e, type: 'unit.exploded' }),
  (e) => ({ ...e, at: '2026-13-45T99:00:00Z' }),
  (e) => ({ ...e, at: 5 }),
  (e) => ({ ...e, by: { org: 'x' } }),
  (e) => ({ ...e, by: 'producer' }),
  (e) => ({ ...e, unit: '' }),
  (e) => ({ ...e, unit: 7 }),
  (e) => ({ ...e, unit: 'U-"7"\n' }),
  (e) => ({ ...e, type: 'unit\\registered' }),
  (e) => ({ ...e, v: -1 }),
  (e) => ({ ...e, manifest: 'M-1', prev: { manifest: HASH } }),
  (e) => ({ ...e, prev: { unit: 'not a hash' } }),
  (e) => ({ ...e, prev: { unit: HASH.slice(1) } }),
  (e) => ({ ...e, prev: { truck: HASH } }),
  (e) => ({ ...e, prev: [HASH] }),
  (e) => ({ ...e, data: [] }),
  (e) => ({ ...e, data: 'nothing' }),
  (e) => ({ ...e, data: {} }),
  (e) => ({ ...e, sig: {} }),
  (e) => ({ ...e, sig: [{ alg: 'EdDSA' }] }),
  (e) => ({ ...e, extra: true }),
  (e) => JSON.parse(`{"__proto__":{"role":"x"},${JSON.stringify(e).slice(1)}`),
  (e) => ({ ...e, data: { ...(e.data as object), note: 'tab\there "quoted" \\ 😀 é' } }),
  (e) => ({ ...e, data: { ...(e.data as object), weight: 1.5 } }),
  (e) => ({ ...e, unit: undefined, manifest: undefined, prev: undefined }),
);
const write = fc.constantFrom<(v: unknown) => string>(
  (v) => canonicalize(v)!,
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 1),
  (v) => canonicalize(v)!.replace(/\}$/, ',"z":1}'),
  (v) => canonicalize(v)!.slice(0, -1),
  (v) => `[${canonicalize(v)}]`,
);

it('reports for every body exactly what parsing and serialising it does', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(entries.length - 1), bend, write), { minLength: 1, maxLength: 8 }), (picks) => {
      const texts = picks.map(([i, b, w]) => w(b(entries[i])));
      const page = checkPage(packBodies(texts));
      expect(page.facts).toEqual(texts.map(slowFacts));
    }),
    { numRuns: 2000 },
  );
});

it('takes the same facts from raw bytes as from text, and calls bytes that are not UTF-8 so', () => {
  const texts = entries.map((e) => canonicalize(e)!);
  const fromText = checkPage(packBodies(texts));
  const fromBytes = checkPage(packBodies([...texts.map((t) => new TextEncoder().encode(t)), Uint8Array.of(0x7b, 0xff, 0x7d)]));
  expect(fromBytes.facts).toEqual([...fromText.facts, { malformed: 'not UTF-8' }]);
  expect(fromBytes.leafLinks.slice(0, -1)).toEqual(fromText.leafLinks);
  expect(fromText.facts.every((f) => !f.malformed && !f.notCanonical && f.unit)).toBe(true);
});

it('calls a body with a byte order mark before its JSON malformed: those are not its canonical bytes', () => {
  const body = new TextEncoder().encode(canonicalize(entries[0])!);
  const page = checkPage(packBodies([Uint8Array.of(0xef, 0xbb, 0xbf, ...body), body]));
  expect(page.facts[0].malformed).toMatch(/^not JSON/);
  expect(page.facts[1]).toEqual(slowFacts(fromUtf8(body)));
});
