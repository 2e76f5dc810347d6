// RFC 8785 (JCS) canonical bytes. Callers validate against a schema first: JCS silently drops
// `undefined` members, so a missing field must be caught before it gets here.
import canonicalize from 'canonicalize';
import { utf8, type Bytes } from './bytes.js';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
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
