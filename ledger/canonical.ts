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
