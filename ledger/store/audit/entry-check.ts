// The per-entry half of the self-audit, independent of order and of the database, so that it
// can run in worker threads: each body's leaf hash, its envelope and canonical form, and the
// subjects and `prev` links it names.
import { packBytes, toBase64, utf8, type Bytes } from '../../bytes.js';
import { isCanonicalJson } from '../../canonical.js';
import { envelopeProblems } from '../../entry.js';
import { leafHash } from '../../hash.js';
import { EntryScanner } from './entry-scan.js';

export interface EntryFacts {
  /** Set when the body is not a well-formed entry envelope. */
  malformed?: string;
  notCanonical?: boolean;
  unit?: string;
  manifest?: string;
  prevUnit?: string;
  prevManifest?: string;
}

export interface PageFacts {
  /** Leaf hashes of the bodies, 32 bytes each, packed. */
  leafHashes: Uint8Array;
  /** The same in base64, as `prev` links name them. */
  leafLinks: string[];
  facts: EntryFacts[];
}

/**
 * A page of bodies: UTF-8 text when the database could give it so, or raw bytes, body i being
 * data[starts[i], ends[i]) (on PostgreSQL, the binary COPY output itself, with no copy made).
 */
export type PackedPage = { text: string; lengths: Uint32Array } | { data: Uint8Array; starts: Uint32Array; ends: Uint32Array };

/** The facts by JSON.parse and serialising again: the reference the scan must agree with. */
export function slowFacts(text: string): EntryFacts {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (e) {
    return { malformed: `not JSON: ${(e as Error).message}` };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { malformed: 'not a JSON object' };
  return envelopeFacts(entry as Record<string, unknown>, () => isCanonicalJson(text, entry));
}

function envelopeFacts(o: Record<string, unknown>, canonical: false | (() => boolean)): EntryFacts {
  const facts: EntryFacts = {};
  const problems = envelopeProblems(o);
  if (problems.length > 0) facts.malformed = problems.join('; ');
  else if (canonical && !canonical()) facts.notCanonical = true;
  if (typeof o.unit === 'string') facts.unit = o.unit;
  if (typeof o.manifest === 'string') facts.manifest = o.manifest;
  const prev = o.prev as Record<string, unknown> | undefined;
  if (prev && typeof prev === 'object') {
    if (typeof prev.unit === 'string') facts.prevUnit = prev.unit;
    if (typeof prev.manifest === 'string') facts.prevManifest = prev.manifest;
  }
  return facts;
}

export function checkPage(page: PackedPage): PageFacts {
  const n = 'lengths' in page ? page.lengths.length : page.starts.length;
  const leafHashes = new Uint8Array(n * 32);
  const leafLinks: string[] = new Array(n);
  const facts: EntryFacts[] = new Array(n);
  const scanner = new EntryScanner();
  let at = 0;
  for (let i = 0; i < n; i++) {
    let body: Bytes;
    if ('lengths' in page) {
      body = utf8(page.text.slice(at, at + page.lengths[i]));
      at += page.lengths[i];
    } else {
      body = page.data.subarray(page.starts[i], page.ends[i]);
    }
    const hash = leafHash(body);
    leafHashes.set(hash, i * 32);
    leafLinks[i] = toBase64(hash);
    facts[i] = scanner.scan(body, 0, body.length) ? scannedFacts(scanner, body) : textFacts(body);
  }
  return { leafHashes, leafLinks, facts };
}

function scannedFacts(s: EntryScanner, body: Bytes): EntryFacts {
  const facts: EntryFacts = {};
  if (s.unit !== undefined) facts.unit = s.unit;
  if (s.manifest !== undefined) facts.manifest = s.manifest;
  if (s.prevUnitAt >= 0) facts.prevUnit = hashLink(body, s.prevUnitAt);
  if (s.prevManifestAt >= 0) facts.prevManifest = hashLink(body, s.prevManifestAt);
  return facts;
}

/** The 44 base64 characters of a prev link the scan found (ASCII, so one character a byte). */
const hashLink = (body: Bytes, at: number): string => String.fromCharCode.apply(null, body.subarray(at, at + 44) as unknown as number[]);

// Fatal on bad UTF-8, and keeping a leading byte order mark as U+FEFF (TextDecoder drops it by
// default): a body that starts with one is not the canonical bytes of its JSON.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function textFacts(body: Bytes): EntryFacts {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { malformed: 'not UTF-8' };
  }
  return slowFacts(text);
}

export function packBodies(bodies: (Bytes | string)[]): PackedPage {
  if (bodies.every((b) => typeof b === 'string')) {
    const texts = bodies as string[];
    return { text: texts.join(''), lengths: Uint32Array.from(texts, (t) => t.length) };
  }
  return packBytes(bodies.map((b) => (typeof b === 'string' ? utf8(b) : b)));
}
