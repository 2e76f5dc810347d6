// The entry envelope, the part of the public contract inspectors' tools walk (DESIGN.md §3):
// {v, type, at, by, unit?, manifest?, prev?, data, sig?}, serialised with RFC 8785.
import type { Bytes } from './bytes.js';
import { canonicalBytes } from './canonical.js';

export const ENTRY_VERSION = 1;

/** The event vocabulary: extend it, never rename. */
export const EVENT_TYPES = [
  'unit.registered', 'unit.weighed', 'unit.stored', 'unit.retrieved', 'unit.loaded', 'unit.handed_over',
  'unit.unloaded', 'unit.received', 'unit.refused', 'unit.disposed', 'unit.sighted',
  'manifest.created', 'manifest.signed', 'manifest.departed', 'manifest.arrived', 'manifest.received',
  'manifest.closed', 'manifest.cancelled', 'manifest.corrected',
  'vehicle.weighed', 'vehicle.sighted', 'finding.raised', 'finding.resolved', 'registry.changed',
  // added after the first vocabulary:
  'unit.tagged', 'manifest.sent_on',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Actor {
  org?: string;
  person?: string;
  role: string;
  device?: string;
}

export interface Envelope {
  v: number;
  type: EventType;
  /** When the step happened, RFC 3339. */
  at: string;
  by: Actor;
  unit?: string;
  manifest?: string;
  /** Leaf hashes (base64) of the previous entry of the same unit / manifest; absent on a chain's first entry. */
  prev?: { unit?: string; manifest?: string };
  data: Record<string, unknown>;
  /** Signatures of the actor or device over the step; absent means server-attested. */
  sig?: unknown[];
}

export class EntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntryError';
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An envelope's `at`: RFC 3339 in the form we write, and a real time. */
export const isEntryTime = (s: string): boolean => RFC3339.test(s) && !Number.isNaN(Date.parse(s));

/**
 * Whether a time's date and clock (its first 19 characters, `YYYY-MM-DDThh:mm:ss`) exist: V8 reads
 * 30 February as 2 March, where PostgreSQL refuses it. For times that come in from outside.
 */
export function isRealWallClock(s: string): boolean {
  const wall = s.slice(0, 19);
  const t = Date.parse(`${wall}Z`);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(wall) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === wall;
}

/** A time from outside, to be kept: an entry's form (RFC 3339), and a date and clock that exist. */
export const isRealTime = (s: string): boolean => isEntryTime(s) && isRealWallClock(s);
const ENVELOPE_KEYS = new Set(['v', 'type', 'at', 'by', 'unit', 'manifest', 'prev', 'data', 'sig']);

/** Standard padded base64 of 32 bytes: 43 characters and one "=" (what fromBase64 accepts at that length). */
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function isHash(s: unknown): boolean {
  return typeof s === 'string' && BASE64_HASH.test(s);
}

/** Check an envelope's shape; returns the problems found (empty when it is well formed). */
export function envelopeProblems(e: unknown): string[] {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return ['an entry is a JSON object'];
  const o = e as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!ENVELOPE_KEYS.has(k)) problems.push(`unknown envelope field ${k}`);
  if (o.v !== ENTRY_VERSION) problems.push(`v must be ${ENTRY_VERSION}`);
  if (!EVENT_TYPES.includes(o.type as EventType)) problems.push(`unknown type ${String(o.type)}`);
  if (typeof o.at !== 'string' || !isEntryTime(o.at)) problems.push('at must be an RFC 3339 time');
  const by = o.by as Record<string, unknown> | undefined;
  if (typeof by !== 'object' || by === null || typeof by.role !== 'string') problems.push('by must name at least a role');
  for (const k of ['unit', 'manifest'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) problems.push(`${k} must be a non-empty id`);
  }
  if (o.prev !== undefined) {
    const prev = o.prev as Record<string, unknown>;
    if (typeof prev !== 'object' || prev === null) problems.push('prev must be an object');
    else {
      for (const k of Object.keys(prev)) {
        if (k !== 'unit' && k !== 'manifest') problems.push(`unknown prev chain ${k}`);
        else if (!isHash(prev[k])) problems.push(`prev.${k} must be a base64 SHA-256 hash`);
        else if (o[k] === undefined) problems.push(`prev.${k} without a ${k} subject`);
      }
    }
  }
  if (typeof o.data !== 'object' || o.data === null || Array.isArray(o.data)) problems.push('data must be an object');
  if (o.sig !== undefined && !Array.isArray(o.sig)) problems.push('sig must be a list');
  return problems;
}

/** Canonical bytes of a checked envelope, plus the columns the store indexes it by. */
export function encodeEntry(e: Envelope): { body: Bytes; type: EventType; unitId: string | null; manifestId: string | null } {
  const problems = envelopeProblems(e);
  if (problems.length > 0) throw new EntryError(`malformed entry: ${problems.join('; ')}`);
  return { body: canonicalBytes(e), type: e.type, unitId: e.unit ?? null, manifestId: e.manifest ?? null };
}
