// GS1 Digital Link URLs for the drum's QR label (devices.md §3.3): `<base>/8003/<GRAI>`, where
// the GRAI is the AI 8003 value with its mandatory `0` filler. GRAI has no key qualifiers, so
// the path ends at the value; query attributes (e.g. ?linkType=) are ignored when parsing.
import { GraiError, show } from './errors.js';
import { parseGrai, type ParsedGrai } from './gs1.js';

export const GRAI_AI = '8003';

/** `graiDigitalLink('https://id.example.cn', '069012340001771000001')` → `https://id.example.cn/8003/069012340001771000001` */
export function graiDigitalLink(base: string, grai: string): string {
  return `${resolverBase(base)}/${GRAI_AI}/${encodeValue(parseGrai(grai).grai)}`;
}

/**
 * Reads the GRAI from a Digital Link path (`/8003/069012340001771000001`, optionally after a
 * path prefix, with a query or fragment) or from a whole Digital Link URL.
 */
export function parseDigitalLinkPath(path: string): ParsedGrai {
  if (typeof path !== 'string') throw new GraiError('DIGITAL_LINK_PATH', `Digital Link path must be a string, got ${show(path)}`);
  let p = path;
  if (/^https?:\/\//i.test(p)) {
    try {
      p = new URL(p).pathname;
    } catch {
      throw new GraiError('DIGITAL_LINK_PATH', `not a URL: ${show(path)}`);
    }
  }
  p = p.replace(/[?#].*$/s, '');
  const parts = p.split('/');
  // ['', …prefix, '8003', value]: the AI must be the second-to-last segment.
  if (parts.length < 3 || parts[0] !== '' || parts[parts.length - 2] !== GRAI_AI || parts[parts.length - 1] === '') {
    throw new GraiError('DIGITAL_LINK_PATH', `expected a path ending in /${GRAI_AI}/{grai}, got ${show(path, 80)}`);
  }
  let value: string;
  try {
    value = decodeURIComponent(parts[parts.length - 1]!);
  } catch {
    throw new GraiError('DIGITAL_LINK_ENCODING', `bad percent-encoding in ${show(path, 80)}`);
  }
  return parseGrai(value);
}

/** The resolver base without a trailing slash; http(s) only, no query or fragment. */
function resolverBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new GraiError('DIGITAL_LINK_BASE', `Digital Link base must be an absolute URL, got ${show(base, 80)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username || url.password) {
    throw new GraiError('DIGITAL_LINK_BASE', `Digital Link base must be a plain http(s) URL without query, fragment or credentials, got ${show(base, 80)}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Percent-encodes every character outside RFC 3986 unreserved that CSET 82 allows (e.g. `/`, `%`, `?`). */
const encodeValue = (v: string): string =>
  v.replace(/[^0-9A-Za-z\-._]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
