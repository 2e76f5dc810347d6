// fast-check arbitraries for hostile input: values shaped by a route's JSON schema (TypeBox
// schemas are JSON Schema, read back from the app's OpenAPI document), and the same values
// mutated — wrong types, huge strings, odd unicode, extreme numbers, deep nesting,
// prototype-pollution keys, extra fields, missing fields.
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

/** Keys that poison prototypes or break naive String()/toString() use. */
export const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

const nasty = fc.constantFrom(
  '', ' ', '\u0000', '\u0000abc', '\u202e\u0645evil', '\ud800', '\udfff\ud800', '𠜎𠜱', 'ＡＢＣ１２３', 'e\u0301\u0301\u0301', '\u200b',
  '../../../etc/passwd', '%2e%2e%2f', "' OR 1=1 --", '"; DROP TABLE units; --', '<script>alert(1)</script>', '${jndi:ldap://x}',
  'NaN', 'Infinity', '-0', '1e309', '0x10', 'null', 'undefined', 'true', '[]', '{}', '\r\nX-Injected: 1',
);
const hugeString = fc.constantFrom('A'.repeat(200_000), '𠜎'.repeat(40_000), '\u0000'.repeat(10_000), 'é'.repeat(100_000));
const extremeNumber = fc.constantFrom(-1, -0, 0.5, -(2 ** 31), 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 1e21);

/**
 * Nest a value `depth` times, in arrays or objects (a validator or serialiser that recurses may blow
 * its stack). At most 2000 levels here, as JSON.stringify must still write it; the raw-body tests
 * send far deeper JSON as text.
 */
export const deeplyNested = fc.tuple(fc.integer({ min: 64, max: 2000 }), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

/** An own property named `key` (a literal `{__proto__: x}` would set the prototype instead). */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...(target ?? {}) }; // spread defines own properties, even one named __proto__
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

const poisoned = fc.tuple(fc.constantFrom(...POISON_KEYS), fc.oneof(fc.constant({ polluted: true, isAdmin: true }), fc.constant('x'), fc.constant(null)))
  .map(([k, v]) => withKey({}, k, v));

/** A value of any type, mostly hostile. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  hugeString,
  extremeNumber,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
  deeplyNested,
  poisoned,
);

function safeStringMatching(pattern: string, min: number, max: number): fc.Arbitrary<string> {
  try {
    const re = new RegExp(pattern, 'u');
    return fc.stringMatching(re).filter((s) => s.length >= min && s.length <= max);
  } catch {
    return fc.string({ minLength: min, maxLength: Math.min(max, 40) });
  }
}

/** Values the schema accepts (up to the unchecked corners fast-check cannot aim at). */
export function fromSchema(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 60, 60);
      if (s.pattern) return safeStringMatching(s.pattern, min, s.maxLength ?? Infinity);
      return fc.string({ minLength: min, maxLength: Math.max(min, max) });
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(s.items && depth < 4 ? fromSchema(s.items, depth + 1) : fc.string(), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)) });
    }
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0 || depth >= 4) return fc.constant({});
      const required = new Set(s.required ?? []);
      const record = Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, depth + 1)]));
      return fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length > 6) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function setAt(root: unknown, path: Path, f: (old: unknown) => unknown, remove = false): unknown {
  if (path.length === 0) return f(root);
  const copy: unknown = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path;
  const c = copy as Record<string | number, unknown>;
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete c[head];
  } else Object.defineProperty(c, head, { value: setAt(c[head], rest, f, remove), enumerable: true, configurable: true, writable: true });
  return copy;
}

type Mutation = 'replace' | 'remove' | 'extra' | 'poison' | 'wrap' | 'whole';

/** A schema-shaped value with one hostile change somewhere in it. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutation = fc.constantFrom<Mutation>('replace', 'replace', 'remove', 'extra', 'poison', 'wrap', 'whole');
  return fc.tuple(valid, mutation, fc.nat(), hostileValue, fc.constantFrom('extra', 'isAdmin', 'role', 'orgId', ...POISON_KEYS)).map(([v, m, pick, bad, key]) => {
    const all = paths(v);
    const objects = all.filter((p) => {
      const x = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v);
      return x !== null && typeof x === 'object' && !Array.isArray(x);
    });
    const at = all[pick % all.length];
    switch (m) {
      case 'replace':
        return setAt(v, at, () => bad);
      case 'remove':
        return at.length === 0 ? undefined : setAt(v, at, () => undefined, true);
      case 'extra':
      case 'poison': {
        const o = objects.length > 0 ? objects[pick % objects.length] : undefined;
        const k = m === 'poison' ? POISON_KEYS[pick % POISON_KEYS.length] : key;
        return o ? setAt(v, o, (x) => withKey(x as Record<string, unknown>, k, bad)) : withKey({}, k, bad);
      }
      case 'wrap':
        return [v];
      case 'whole':
        return bad;
    }
  });
}
