// The audit's byte scan may decline any body (the text path then decides), but it must never
// accept one that is not a canonical, well-formed envelope in valid UTF-8, and what it accepts it
// must read exactly as parsing does.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { checkPage, slowFacts, type EntryFacts } from '../../ledger/store/audit/entry-check.js';
import { EntryScanner } from '../../ledger/store/audit/entry-scan.js';
import { ChainedEntries } from '../helpers/entries.js';

const HASH = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const bodies = new ChainedEntries(7).take(60).map((e) => e.body);
const envelopes = bodies.slice(0, 20).map((b) => JSON.parse(fromUtf8(b)) as Record<string, unknown>);
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The facts the scan reads from a body, or undefined when it declines. */
function scanned(body: Uint8Array): EntryFacts | undefined {
  const page = checkPage({ data: body, starts: Uint32Array.of(0), ends: Uint32Array.of(body.length) });
  const s = new EntryScanner();
  return s.scan(body, 0, body.length) ? page.facts[0] : undefined;
}

/** What the text path says: undefined for a body that is not a canonical, well-formed envelope. */
function parsedFacts(body: Uint8Array): EntryFacts | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return undefined;
  }
  const facts = slowFacts(text);
  return facts.malformed || facts.notCanonical ? undefined : facts;
}

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e21, 2 ** 53 + 2, 123456789012345, 1234567890123456),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '\u007f', '/', '\u2028', '😀', '\ud800', '1', '废') }),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', '_', 'é', ' ', '"'), maxLength: 3 }), tie('value'), { maxKeys: 5 }),
}));

/** Envelopes bent every way the envelope checks care about. */
const bent = fc.tuple(fc.nat(envelopes.length - 1), jsonValue.object, fc.nat(12)).map(([i, data, how]) => {
  const e = { ...envelopes[i] };
  const bends: (() => void)[] = [
    () => (e.data = data),
    () => (e.by = { ...(e.by as object), note: data }),
    () => (e.sig = [data]),
    () => (e.prev = { unit: HASH.replace('g=', 'h=') }), // padding bits set: not the hash's spelling
    () => (e.prev = { manifest: HASH }),
    () => Object.assign(e, { manifest: 'M-1', prev: { manifest: HASH, unit: HASH } }),
    () => (e.unit = 'U-é'),
    () => (e.type = 'unit.exploded'),
    () => (e.at = '2026-02-31T00:00:00Z'),
    () => (e.v = 1.5),
    () => (e.by = { role: 7 }),
    () => (e.data = [data]),
    () => {},
  ];
  bends[how]();
  return e;
});

/** Ways to write a value out, and byte-level damage a tamperer or a broken disk might leave. */
const written = fc.tuple(bent, fc.nat(5), fc.nat(), fc.nat(10)).map(([e, how, at, damage]) => {
  let text: string;
  try {
    text = [() => canonicalize(e)!, () => JSON.stringify(e), () => JSON.stringify(e, null, 1)][how % 3]();
  } catch {
    text = JSON.stringify(e); // canonicalize refuses lone surrogates
  }
  const b = utf8(text);
  const k = at % (b.length + 1);
  const splice = (bytes: number[]) => Uint8Array.from([...b.subarray(0, k), ...bytes, ...b.subarray(k)]);
  return [
    () => b,
    () => b.subarray(0, k),
    () => splice([0xc0, 0x80]), // an overlong NUL
    () => splice([[0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf]][at % 2]), // overlong three- and four-byte forms
    () => splice([0xed, 0xa0, 0x80]), // a surrogate in UTF-8
    () => splice([0xf4, 0x90, 0x80, 0x80]), // past U+10FFFF
    () => splice([0x80]), // a lone continuation byte
    () => splice([0xe5, 0xba]), // a character cut short
    () => splice([0x20]),
    () => splice([0x1f]), // a raw control character
    () => Uint8Array.from(b, (x, i) => (i === k ? x ^ 0x01 : x)),
  ][damage]();
});

describe('EntryScanner', () => {
  it('accepts every body the log writes, reading each as parsing does', () => {
    for (const body of bodies) {
      expect(scanned(body), fromUtf8(body)).toEqual(parsedFacts(body));
      expect(scanned(body)).toBeDefined();
    }
  });

  it('never accepts what the text path would not, and agrees with it on what it accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(written, (body) => {
        const facts = scanned(body);
        if (facts === undefined) return;
        accepted++;
        expect(facts).toEqual(parsedFacts(body));
      }),
      { numRuns: 4000 },
    );
    expect(accepted).toBeGreaterThan(100); // the property above is not vacuous
  });

  it('accepts canonical envelopes whose data takes the shapes it knows', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '_', '-'), minLength: 1, maxLength: 3 });
    const text = fc.string({ unit: fc.constantFrom('a', '废', '物', '😀', '"', '\\', '\n', '\t', '\u007f') });
    fc.assert(
      fc.property(fc.nat(envelopes.length - 1), fc.dictionary(word, fc.oneof(fc.integer(), text, fc.boolean(), fc.constant(null), fc.array(text))), (i, data) => {
        expect(scanned(utf8(canonicalize({ ...envelopes[i], data })!))).toBeDefined();
      }),
    );
  });

  it.each([
    ['whitespace', (t: string) => t.replace('":', '": ')],
    ['members out of order', (t: string) => t.replace(/^\{"at":("[^"]*"),"by":(\{[^}]*\})/, '{"by":$2,"at":$1')],
    ['a member twice', (t: string) => t.replace('{"at"', '{"at":"x","at"')],
    ['-0', (t: string) => t.replace('"seq":', '"seq":-0,"sez":')],
    ['a leading zero', (t: string) => t.replace('"v":1', '"v":01')],
    ['a fraction', (t: string) => t.replace('"v":1', '"v":1.0')],
    ['an exponent', (t: string) => t.replace('"v":1', '"v":1e0')],
    ['an escaped solidus', (t: string) => t.replace('"hjCode":"', '"hjCode":"\\/')],
    ['a \\u escape', (t: string) => t.replace('"hjCode":"', '"hjCode":"\\u0041')],
    ['an escaped member name', (t: string) => t.replace('"hjCode"', '"hj\\u0043ode"')],
    ['text after the object', (t: string) => `${t}x`],
    ['an unclosed object', (t: string) => t.slice(0, -1)],
    ['an array at the top', (t: string) => `[${t}]`],
    ['a bad literal', (t: string) => t.replace('"v":1', '"v":nul')],
    ['an unknown member', (t: string) => t.replace('"v":1', '"v":1,"w":1')],
    ['no data', (t: string) => t.replace(/"data":\{[^}]*\},/, '')],
    ['an empty unit', (t: string) => t.replace(/"unit":"[^"]*"/, '"unit":""')],
    ['a prev link without its subject', (t: string) => (t.includes('"prev"') ? t.replace(/"unit":"[^"]*",/, '') : t)],
    ['an unknown type', (t: string) => t.replace('"type":"unit.registered"', '"type":"unit.gone"')],
    ['a time that is no date', (t: string) => t.replace(/"at":"[^"]*"/, '"at":"2026-13-01T00:00:00Z"')],
    ['deep nesting', (t: string) => t.replace('"data":{', `"data":{"a":${'['.repeat(100)}${']'.repeat(100)},`)],
  ])('declines %s', (_what, bend) => {
    const registered = fromUtf8(bodies[0]);
    const withPrev = fromUtf8(bodies.find((b) => fromUtf8(b).includes('"prev"'))!);
    const bentBodies = [registered, withPrev].map(bend).filter((t, i) => t !== [registered, withPrev][i]);
    expect(bentBodies.length).toBeGreaterThan(0); // the bend applies to at least one
    for (const bent of bentBodies) expect(scanned(utf8(bent)), bent).toBeUndefined();
  });
});
