// RFC 8785 (JCS) canonical bytes. Callers validate against a schema first: JCS silently drops
// `undefined` members, so a missing field must be caught before it gets here.
import canonicalize from 'canonicalize';
import { utf8, type Bytes } from './bytes.js';

export function canonicalJson(value: unknown): string {
  const text = jcs(value, 0);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** In well-formed text a surrogate pair is one code point: what matches is a lone surrogate. */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Deeper than this, `canonicalize` itself takes over (and finds a cycle, if that is why). */
const MAX_DEPTH = 64;

/**
 * What `canonicalize` makes of `v`, errors included, without its allocations (a Set per member,
 * arrays to join): every custody step canonicalises its entry and its claim, and this was the
 * largest allocator on that path. Values with toJSON (a Date) and deep values go to it.
 */
function jcs(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      if (LONE_SURROGATE.test(v)) throw new Error('Lone surrogate is not allowed');
      return JSON.stringify(v);
    case 'number':
      if (Number.isNaN(v)) throw new Error('NaN is not allowed');
      if (!Number.isFinite(v)) throw new Error('Infinity is not allowed');
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(v); // undefined, a function or a symbol: no JSON form; a bigint: TypeError
  }
  if (v === null) return 'null';
  if (depth >= MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') return canonicalize(v);
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      if (!(i in v)) continue; // a hole: canonicalize's map keeps it, and join writes nothing
      const x: unknown = v[i];
      s += x === undefined || typeof x === 'symbol' ? 'null' : (jcs(x, depth + 1) ?? '');
    }
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let s = '{';
  for (const key of keys) {
    const x = o[key];
    if (x === undefined || typeof x === 'symbol') continue;
    s += (s.length > 1 ? ',' : '') + jcs(key, depth) + ':' + String(jcs(x, depth + 1));
  }
  return s + '}';
}

export const canonicalBytes = (value: unknown): Bytes => utf8(canonicalJson(value));

/**
 * RFC 8785 form of a value that came out of JSON.parse, several times faster than the general
 * serialiser: such a value holds only null, booleans, finite numbers, strings, arrays and plain
 * objects, for which JCS is JSON.stringify with object members sorted by UTF-16 code units
 * (RFC 8785 §3.2.2–3.2.3 adopt ECMAScript's number and string serialisation). Used by the
 * self-audit (isCanonicalJson) to check stored bodies are canonical; entries are still produced
 * by canonicalize.
 */
export function canonicalJsonOfParsed(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + canonicalJsonOfParsed(value[i]);
    return s + ']';
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) s += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + canonicalJsonOfParsed(o[keys[i]]);
  return s + '}';
}

function membersSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(membersSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return keys.every((k) => membersSorted((value as Record<string, unknown>)[k]));
}

/**
 * Is `text` the RFC 8785 form of `parsed` (= JSON.parse(text))? The fast path is the native
 * JSON.stringify plus a check that members are in order; objects with integer-like keys, which
 * JavaScript reorders, fall back to the exact serialiser.
 */
export function isCanonicalJson(text: string, parsed: unknown): boolean {
  if (JSON.stringify(parsed) === text && membersSorted(parsed)) return true;
  return canonicalJsonOfParsed(parsed) === text;
}
