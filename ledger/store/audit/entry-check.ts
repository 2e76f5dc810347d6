// The per-entry half of the self-audit, independent of order and of the database, so that it
// can run in worker threads: each body's leaf hash, its envelope and canonical form, and the
// subjects and `prev` links it names.
import { fromUtf8, utf8, type Bytes } from '../../bytes.js';
import { isCanonicalJson } from '../../canonical.js';
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
  facts: EntryFacts[];
}

/** A page of bodies: UTF-8 text when the database could give it so, raw bytes otherwise. */
export type PackedPage = { text: string; lengths: Uint32Array } | { data: Uint8Array; offsets: Uint32Array };

function factsOf(text: string): EntryFacts {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (e) {
    return { malformed: `not JSON: ${(e as Error).message}` };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { malformed: 'not a JSON object' };
  const o = entry as Record<string, unknown>;
  const facts: EntryFacts = {};
  const problems = envelopeProblems(o);
  if (problems.length > 0) facts.malformed = problems.join('; ');
  else if (!isCanonicalJson(text, o)) facts.notCanonical = true;
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
  const n = 'lengths' in page ? page.lengths.length : page.offsets.length - 1;
  const leafHashes = new Uint8Array(n * 32);
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
      body = page.data.subarray(page.offsets[i], page.offsets[i + 1]);
      try {
        text = fromUtf8(body);
      } catch {
        text = undefined;
      }
    }
    leafHashes.set(leafHash(body), i * 32);
    facts[i] = text === undefined ? { malformed: 'not UTF-8' } : factsOf(text);
  }
  return { leafHashes, facts };
}

export function packBodies(bodies: (Bytes | string)[]): PackedPage {
  if (bodies.every((b) => typeof b === 'string')) {
    const texts = bodies as string[];
    return { text: texts.join(''), lengths: Uint32Array.from(texts, (t) => t.length) };
  }
  const raw = bodies.map((b) => (typeof b === 'string' ? utf8(b) : b));
  const offsets = new Uint32Array(raw.length + 1);
  for (let i = 0; i < raw.length; i++) offsets[i + 1] = offsets[i] + raw[i].length;
  const data = new Uint8Array(offsets[raw.length]);
  raw.forEach((b, i) => data.set(b, offsets[i]));
  return { data, offsets };
}
