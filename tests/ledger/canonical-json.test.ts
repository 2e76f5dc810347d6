// canonicalJson is a leaner `canonicalize` (the package the ledger used before): for any value it
// must give the same text, or fail with the same error.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../ledger/index.js';

type Outcome = { text: string | undefined } | { error: string };
const outcome = (f: () => string | undefined): Outcome => {
  try {
    return { text: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
};
// canonicalize answers undefined for a value with no JSON form; canonicalJson refuses it.
const ours = (v: unknown) => outcome(() => canonicalJson(v));
const theirs = (v: unknown) => {
  const o = outcome(() => canonicalize(v));
  return 'text' in o && o.text === undefined ? { error: 'Error: value has no JSON form' } : o;
};

const odd = fc.constantFrom(undefined, Symbol('s'), () => 1, NaN, Infinity, -Infinity, -0, 1e21, 5e-324, 2 ** 53 + 2, new Date(0), '\ud800', 'a\udc00b', '😀', '\u2028');
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true, withTypedArray: true, withUnicodeString: true }),
    fc.string({ unit: 'binary' }),
    odd,
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 3 }), tie('any'), { maxKeys: 5 }),
  ),
}));

describe('canonicalJson', () => {
  it('gives what canonicalize gives, text or error, for any value', () => {
    fc.assert(
      fc.property(value.any, (v) => {
        expect(ours(v)).toEqual(theirs(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('does the same for the values it meets on the write path, and for cycles and deep nesting', () => {
    const entry = { v: 1, type: 'unit.registered', at: '2026-11-29T05:14:04.846Z', by: { org: 'org-a', person: 'p', role: 'producer' }, unit: 'u', data: { name: '精馏残渣', hazards: ['T', 'C'], volumeL: 200, kg: '215.5', none: null, skip: undefined }, sig: [{ attestation: 'server' }] };
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { d: deep };
    for (const v of [entry, cyclic, deep, [1, , 3], { toJSON: () => ({ b: 1, a: [new Date(1)] }) }]) expect(ours(v)).toEqual(theirs(v));
    expect(canonicalJson(entry)).toBe(canonicalize(entry));
    expect(ours(cyclic)).toEqual({ error: 'Error: Circular reference detected' });
  });
});
