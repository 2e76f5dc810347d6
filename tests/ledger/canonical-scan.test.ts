// The audit's one-pass canonical check may decline a canonical text (the audit then parses and
// serialises it) but must never accept a text that is not canonical JSON.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalJson } from '../../ledger/canonical.js';
import { scanCanonicalObject } from '../../ledger/canonical-scan.js';
import { fromUtf8 } from '../../ledger/index.js';
import { ChainedEntries } from '../helpers/entries.js';

/** What the audit's slow path says: a JSON object in RFC 8785 form. */
function canonicalObject(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) && isCanonicalJson(text, v);
  } catch {
    return false;
  }
}

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e21, 2 ** 53 + 2, 123456789012345, 1234567890123456),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '/', '\u2028', '😀', '\ud800', '1') }),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', '_', 'é', ' ', '"') , maxLength: 3 }), tie('value'), { maxKeys: 5 }),
}));

describe('scanCanonicalObject', () => {
  it('accepts every entry body the log writes, with each member exactly as written', () => {
    for (const e of new ChainedEntries(7).take(60)) {
      const text = fromUtf8(e.body);
      const members = scanCanonicalObject(text);
      expect(members, text).toBeDefined();
      const parsed = JSON.parse(text);
      expect([...members!.keys()]).toEqual(Object.keys(parsed).sort());
      for (const [name, raw] of members!) expect(JSON.parse(raw)).toEqual(parsed[name]);
    }
  });

  it('never accepts what is not a canonical JSON object (random values, canonical and not)', () => {
    fc.assert(
      fc.property(jsonValue.object, fc.boolean(), fc.nat(), (value, canonicalForm, cut) => {
        let canonical: string;
        try {
          canonical = canonicalize(value)!;
        } catch {
          canonical = JSON.stringify(value); // canonicalize refuses lone surrogates
        }
        const texts = [canonical, JSON.stringify(value), JSON.stringify(value, null, 1)];
        // Also every prefix-truncated or spliced variant a tamperer might leave.
        const text = texts[canonicalForm ? 0 : cut % 3];
        for (const t of [text, text.slice(0, cut % (text.length + 1)), `${text} `, text.replace(':', ' :')]) {
          if (scanCanonicalObject(t)) expect(canonicalObject(t), t).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts the canonical form of objects in the shapes it knows', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: fc.constantFrom('a', 'b', 'z', '_', '-'), minLength: 1, maxLength: 3 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.string()))),
        (value) => {
          expect(scanCanonicalObject(canonicalize(value)!)).toBeDefined();
        },
      ),
    );
  });

  it.each([
    ['whitespace', '{"a": 1}'],
    ['members out of order', '{"b":1,"a":2}'],
    ['a member twice', '{"a":1,"a":1}'],
    ['-0', '{"a":-0}'],
    ['a leading zero', '{"a":01}'],
    ['a fraction', '{"a":1.5}'],
    ['an exponent', '{"a":1e3}'],
    ['an integer past 15 digits', '{"a":1234567890123456}'],
    ['an escaped solidus', '{"a":"\\/"}'],
    ['a \\u escape', '{"a":"\\u0041"}'],
    ['a raw control character', '{"a":"\u0001"}'],
    ['a lone surrogate', '{"a":"\ud800"}'],
    ['an escaped member name', '{"\\n":1}'],
    ['text after the object', '{"a":1}x'],
    ['an unclosed object', '{"a":1'],
    ['an array at the top', '[1]'],
    ['a bad literal', '{"a":nul}'],
    ['deep nesting', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  ])('declines %s', (_what, text) => {
    expect(scanCanonicalObject(text)).toBeUndefined();
  });
});
