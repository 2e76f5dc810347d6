// The per-entry half of the self-audit, independent of order and of the database, so that it
// can run in worker threads: each body's leaf hash, its envelope and canonical form, and the
// subjects and `prev` links it names.
import { fromUtf8, packBytes, toBase64, utf8, type Bytes } from '../../bytes.js';
import { isCanonicalJson } from '../../canonical.js';
import { scanCanonicalObject } from '../../canonical-scan.js';
import { envelopeProblems } from '../../entry.js';
import { leafHash } from '../../hash.js';

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

function factsOf(text: string): EntryFacts {
  return fastFacts(text) ?? slowFacts(text);
}

/**
 * A body proven canonical by the scan needs only its envelope's small members parsed: `data`
 * and `sig` are checked for their kind alone, so a stand-in of the same kind takes their place.
 */
function fastFacts(text: string): EntryFacts | undefined {
  const members = scanCanonicalObject(text);
  if (!members) return undefined;
  const envelope: Record<string, unknown> = Object.create(null); // a member named __proto__ stays a member
  for (const [name, raw] of members) envelope[name] = name === 'data' || name === 'sig' ? standIn(raw) : memberValue(raw);
  return envelopeFacts(envelope, false);
}

/** A member's value from its canonical text: plain strings and integers without JSON.parse. */
function memberValue(raw: string): unknown {
  const c = raw.charCodeAt(0);
  if (c === 0x22 && raw.indexOf('\\') === -1) return raw.slice(1, -1);
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return Number(raw); // the scan allows integers only
  return JSON.parse(raw);
}

/** For `data` and `sig` the envelope checks look at the kind of value only. */
function standIn(raw: string): unknown {
  return raw[0] === '{' ? {} : raw[0] === '[' ? [] : JSON.parse(raw);
}

/** The facts by JSON.parse and serialising again: the reference the fast path must agree with. */
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
  let at = 0;
  for (let i = 0; i < n; i++) {
    let body: Bytes;
    let text: string | undefined;
    if ('lengths' in page) {
      text = page.text.slice(at, at + page.lengths[i]);
      at += page.lengths[i];
      body = utf8(text);
    } else {
      body = page.data.subarray(page.starts[i], page.ends[i]);
      try {
        text = fromUtf8(body);
      } catch {
        text = undefined;
      }
    }
    const hash = leafHash(body);
    leafHashes.set(hash, i * 32);
    leafLinks[i] = toBase64(hash);
    facts[i] = text === undefined ? { malformed: 'not UTF-8' } : factsOf(text);
  }
  return { leafHashes, leafLinks, facts };
}

export function packBodies(bodies: (Bytes | string)[]): PackedPage {
  if (bodies.every((b) => typeof b === 'string')) {
    const texts = bodies as string[];
    return { text: texts.join(''), lengths: Uint32Array.from(texts, (t) => t.length) };
  }
  return packBytes(bodies.map((b) => (typeof b === 'string' ? utf8(b) : b)));
}
