// The route fuzz's machinery (route-fuzz.test.ts): the route and schema shapes read from the
// app's OpenAPI document, values a schema accepts, each declared field, wrong types, the odd
// strings, numbers, query values and path segments sent, and what makes an answer a fault.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { Who } from '../helpers/api.js';
import { STABLE_CODE } from '../security/hostile-support.js';

export type Schema = {
  type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; minItems?: number;
  anyOf?: Schema[]; oneOf?: Schema[]; const?: unknown; enum?: unknown[]; pattern?: string; format?: string;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number;
};
export type OpenApi = { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>> };
export type Caller = Who | 'anonymous';
export type Path = (string | number)[];

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  guarded: boolean;
  /** Path parameters, `*` for a wildcard. */
  params: string[];
  /** Query parameters the route's schema declares; undefined when it declares none. */
  query?: string[];
  /** Each shape its JSON body may take (the alternatives of a top-level union). */
  bodies: Schema[];
  /** Who calls it: the first demo person its guard lets through, and no one. */
  callers: Caller[];
}

export const PEOPLE: Who[] = ['producer', 'driver', 'operator', 'inspector', 'admin'];
export const SEED = 9457;
/** Query names read by routes that parse their own query (the ledger's, DESIGN.md §3; /live's token). */
export const SELF_PARSED_QUERY = ['start', 'limit', 'index', 'size', 'from', 'to', 'witnesses', 'access_token'];

/** Odd strings, made from a value the field accepts so that the oddity is all that is wrong. */
export const ODD_STRINGS: [string, (valid: string) => string][] = [
  ['10 000 chars', () => 'x'.repeat(10_000)],
  ['with a NUL', (v) => `${v}\u0000`],
  ['with a lone surrogate', (v) => `${v}\ud800`], // JSON.stringify writes it as the escape \ud800
  ['with RTL marks', (v) => `\u202e${v}\u200f`],
];
export const ODD_NUMBERS: [string, number][] = [['-1', -1], ['1e308', 1e308], ['1.5', 1.5]];
/** Raw (already encoded) query values: negative, huge, non-numeric, fractional, and odd text. */
export const BAD_QUERY: [string, string][] = [
  ['negative', '-1'], ['1e308', '1e308'], ['non-numeric', 'abc'], ['fractional', '1.5'], ['empty', ''], ['hex', '0x10'],
  ['40 digits', '9'.repeat(40)], ['10 000 chars', 'x'.repeat(10_000)], ['%00', '1%00'], ['RTL mark', '%E2%80%AE1'],
  ['an encoded lone surrogate', '%ED%A0%80'], ['a bare %', '%'],
];
/** Raw (already encoded) path segments. */
export const BAD_SEGMENTS: [string, string][] = [
  ['empty', ''], ['a space', '%20'], ['.', '.'], ['10 000 chars', 'x'.repeat(10_000)], ['%00', 'a%00b'], ['encoded ../', '..%2F..%2Fetc%2Fpasswd'],
  ['raw ../', '../../etc/passwd'], ['unicode', encodeURIComponent('𠜎中文ｅ\u0301')], ['RTL mark', '%E2%80%AEx'], ['an encoded lone surrogate', '%ED%A0%80'],
  ['a bare %', '%'], ['negative', '-1'], ['1e308', '1e308'], ['fractional', '1.5'], ['leading zero', '01'], ['40 digits', '9'.repeat(40)],
];
/** A bad value for a number: the ledger's parameters must answer it with 400 (DESIGN.md §3). */
export const NOT_CANONICAL = /^(?!(0|[1-9][0-9]{0,15})$)/;

export const kebab = (code: string) => code.toLowerCase().replace(/_/g, '-');
export const typeOf = (s: Schema | undefined): string | undefined => {
  if (!s) return undefined;
  if (s.anyOf ?? s.oneOf) return typeOf((s.anyOf ?? s.oneOf)![0]);
  if (s.const !== undefined) return typeof s.const;
  if (s.enum) return typeof s.enum[0];
  return Array.isArray(s.type) ? s.type[0] : s.type;
};
export const objectShape = (s: Schema | undefined): Schema | undefined => (s?.anyOf ?? s?.oneOf)?.find((a) => typeOf(a) === 'object') ?? s;
export const show = (p: Path) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '');

/** A string its pattern admits, the same on every run. */
export function sampled(s: Schema, seed: number): string {
  const min = s.minLength ?? 1;
  const max = s.maxLength ?? 200;
  const arb = fc.stringMatching(new RegExp(s.pattern!, 'u')).filter((x) => x.length >= min && x.length <= max);
  return fc.sample(arb, { numRuns: 1, seed })[0];
}

/** A value the schema accepts: its required fields only, plausible where the park names real things. */
export function example(s: Schema | undefined, name: string, hints: Record<string, () => unknown>): unknown {
  if (name in hints) return hints[name]();
  if (!s) return 1;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf ?? s.oneOf) return example((s.anyOf ?? s.oneOf)![0], name, hints);
  switch (typeOf(s)) {
    case 'string':
      if (s.format === 'date') return '2026-11-20';
      return s.pattern ? sampled(s, SEED) : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.min(Math.max(1, s.minimum ?? 1), s.maximum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => example(s.items, '', hints));
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, example(s.properties?.[k], k, hints)]));
    default:
      return 'x';
  }
}

/** `value` with `leaf` put at `path`; containers on the way that are missing are made from the schema. */
export function put(value: unknown, s: Schema | undefined, path: Path, leaf: unknown, hints: Record<string, () => unknown>): unknown {
  if (path.length === 0) return leaf;
  const [k, ...rest] = path;
  if (typeof k === 'number') {
    const list = Array.isArray(value) ? [...value] : [];
    list[k] = put(list[k] ?? example(s?.items, '', hints), s?.items, rest, leaf, hints);
    return list;
  }
  const o = { ...(value && typeof value === 'object' && !Array.isArray(value) ? value : {}) } as Record<string, unknown>;
  const child = objectShape(s)?.properties?.[k];
  o[k] = put(o[k] ?? example(child, k, hints), child, rest, leaf, hints);
  return o;
}

/** Every declared field (nested objects and the first array item too, 3 deep) and the objects holding fields. */
export function fields(s: Schema, at: Path = [], out: { leaves: [Path, Schema][]; objects: Path[] } = { leaves: [], objects: [] }) {
  const shape = objectShape(s);
  if (typeOf(shape) === 'object') {
    out.objects.push(at);
    if (at.length < 3) for (const [k, child] of Object.entries(shape!.properties ?? {})) {
      out.leaves.push([[...at, k], child]);
      fields(child, [...at, k], out);
    }
  } else if (typeOf(shape) === 'array' && shape!.items && at.length < 3) {
    out.leaves.push([[...at, 0], shape!.items]);
    fields(shape!.items, [...at, 0], out);
  }
  return out;
}

/** A value of another type than the schema's. */
export function wrongType(s: Schema): unknown {
  switch (typeOf(s)) {
    case 'string': return 12345;
    case 'integer': case 'number': return '12';
    case 'boolean': return 'true';
    case 'array': return 'x';
    case 'object': return ['x'];
    default: return { x: 1 };
  }
}

/** What is wrong with an answer, if anything: a 5xx, or a 4xx that is not a problem. */
export function fault(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 160)}`;
  if (res.statusCode < 400) return undefined;
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/problem\+json/.test(type)) return `${res.statusCode} as ${type || 'no content type'}${res.body ? `: ${res.body.slice(0, 120)}` : ', no body'}`;
  let p: { type?: unknown; title?: unknown; status?: unknown; code?: unknown };
  try {
    p = res.json();
  } catch {
    return `${res.statusCode} problem body is not JSON`;
  }
  if (p.status !== res.statusCode) return `${res.statusCode} problem says status ${String(p.status)}`;
  if (typeof p.title !== 'string' || p.title === '') return `${res.statusCode} problem without a title`;
  if (typeof p.code !== 'string' || !STABLE_CODE.test(p.code)) return `${res.statusCode} problem code ${String(p.code)}`;
  if (p.type !== `/problems/${kebab(p.code)}`) return `${res.statusCode} problem type ${String(p.type)} for ${p.code}`;
  return undefined;
}

