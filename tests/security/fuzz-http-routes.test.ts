// Every HTTP route, fuzzed from its own schema: the operations come from the app's OpenAPI
// document (the routes' TypeBox schemas), so a new route is fuzzed without touching this file,
// and a route the document does not describe fails the coverage test. Each request goes as a
// random caller (no token, or one of the demo people), with schema-shaped or mutated params,
// query and body. Never a 5xx; every refusal is problem+json with a stable code and seals
// nothing; afterwards the log and the read side still verify.
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, login, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg } from '../helpers/park.js';
import { fromSchema, hostileValue, mutated, type JsonSchema } from './fuzz-arbitraries.js';
import { expectAnswer, expectLogVerifies, recorded } from './hostile-support.js';

const CALLERS = ['anonymous', 'producer', 'producer2', 'driver', 'operator', 'inspector', 'admin'] as const;
type Caller = (typeof CALLERS)[number];

/** Routes outside the OpenAPI document on purpose: websockets, the health probe, the web app's catch-all, the docs. */
const UNDOCUMENTED = (method: string, url: string) => method === 'HEAD' || url.startsWith('/docs') || ['/healthz', '/live', '/gateway', '/*'].includes(url);

/** The ledger's public contract parses its own query (DESIGN.md §3): the names it reads. */
const LEDGER_QUERY: Record<string, string[]> = {
  '/ledger/entries': ['start', 'limit'],
  '/ledger/proof/inclusion': ['index', 'size'],
  '/ledger/proof/consistency': ['from', 'to'],
  '/ledger/tlog-proof': ['index'],
};

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** In OpenAPI form: /api/units/{id}. */
  path: string;
  params: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  body?: JsonSchema;
}

type OpenApi = { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };

function operations(app: FastifyInstance): Operation[] {
  const doc = app.swagger() as unknown as OpenApi;
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([m, op]) => {
      const ps = op.parameters ?? [];
      const decimal: JsonSchema = { type: 'string', pattern: '^(0|[1-9][0-9]{0,3})$' };
      return {
        method: m.toUpperCase() as Operation['method'],
        path,
        params: ps.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? decimal })),
        query: [
          ...ps.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' }, required: Boolean(p.required) })),
          ...(LEDGER_QUERY[path] ?? []).map((name) => ({ name, schema: decimal, required: false })),
        ],
        body: op.requestBody?.content['application/json']?.schema,
      };
    }),
  );
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');
/** Lone surrogates cannot be percent-encoded: send their replacement instead. */
const encode = (v: unknown) => encodeURIComponent(text(v).replace(/\p{Surrogate}/gu, '\ufffd'));

describe.each(DRIVERS)('every HTTP route under fuzzed input, on %s', (driver) => {
  let opened: TestApp;
  const tokens = new Map<Caller, string>();
  /** Real subjects, so that shaped requests reach past "not found" into the commands. */
  const ids: Record<string, string[]> = { id: ['nope-0001', 'wh-00000000-0000-0000-0000-000000000000'], deviceId: ['dev-dongxin-cam', 'dev-lvxun-cam', 'dev-hengkang-rfid'] };
  let sealedBefore = 0;

  beforeAll(async () => {
    opened = await openTestApp(driver, { security: { corsOrigins: [], loginPerMinute: 1e6, publicPerMinute: 1e6 } });
    for (const c of CALLERS) if (c !== 'anonymous') tokens.set(c, await login(opened.app, c as Who));
    const producer = new Client(opened.app, tokens.get('producer')!);
    const { unit } = await producer.register({ epc: '3315A537C8000440000F4241' });
    const m = await producer.request('POST', '/api/manifests', { eventId: 'fuzz-manifest-0001', receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unit.id], plannedDate: '2026-12-01' });
    expect(m.statusCode, m.body).toBe(201);
    ids.id.push(unit.id, m.json().manifest.id);
    sealedBefore = await recorded(opened.ctx);
  });
  afterAll(() => opened?.close());

  it('has an OpenAPI operation, with its schemas, for every documented route', () => {
    const documented = new Set(operations(opened.app).map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    const missing = opened.app.routeTable.filter((r) => !UNDOCUMENTED(r.method, r.url) && !documented.has(`${r.method} ${r.url}`));
    expect(missing).toEqual([]);
    expect(documented.size).toBeGreaterThan(60);
  });

  const send = (op: Operation, caller: Caller, params: Record<string, unknown>, query: [string, unknown][], body: unknown): Promise<LightMyRequestResponse> => {
    let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(params[name]));
    const q = query.flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${encodeURIComponent(k)}=${encode(x)}`) : [`${encodeURIComponent(k)}=${encode(v)}`]));
    if (q.length > 0) url += `?${q.join('&')}`;
    const token = tokens.get(caller);
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const hasBody = op.method !== 'GET' && body !== undefined;
    return opened.app.inject({ method: op.method, url, headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers, payload: hasBody ? JSON.stringify(body) : undefined });
  };

  /** One property per operation, so a failure names its route; the seed and path to replay it come with it. */
  async function fuzz(shape: 'shaped' | 'mutated', numRuns: number): Promise<number> {
    let answered = 0;
    let known = await recorded(opened.ctx);
    for (const op of operations(opened.app)) {
      const param = (p: Operation['params'][number]) => fc.oneof(fromSchema(p.schema), fc.constantFrom(...(ids[p.name] ?? ['x'])), ...(shape === 'mutated' ? [hostileValue] : []));
      const queryValue = (s: JsonSchema) => (shape === 'shaped' ? fromSchema(s) : fc.oneof(fromSchema(s), hostileValue, fc.array(fromSchema(s), { minLength: 2, maxLength: 3 })));
      const query = fc.tuple(
        ...op.query.map((q) => fc.option(queryValue(q.schema).map((v) => [q.name, v] as [string, unknown]), { nil: undefined, freq: q.required ? 20 : 2 })),
        shape === 'mutated' ? fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'limit[]', 'a[b]'), hostileValue), { nil: undefined }) : fc.constant(undefined),
      ).map((pairs) => pairs.filter((x): x is [string, unknown] => x !== undefined));
      const bodySchema: JsonSchema | undefined = op.body ?? (op.method === 'POST' || op.method === 'PUT' ? { type: 'object' } : undefined);
      const body = bodySchema === undefined ? fc.constant(undefined) : shape === 'shaped' ? fromSchema(bodySchema) : mutated(fromSchema(bodySchema));
      const request = fc.record({
        caller: fc.constantFrom(...CALLERS),
        params: fc.record(Object.fromEntries(op.params.map((p) => [p.name, param(p)]))),
        query,
        body,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ caller, params, query: q, body: b }) => {
          const res = await send(op, caller, params, q, b);
          const why = `${caller} ${op.method} ${op.path}`;
          expectAnswer(res, why);
          const now = await recorded(opened.ctx);
          if (res.statusCode >= 400) expect(now, `${why} was refused (${res.statusCode}) yet sealed something`).toBe(known);
          known = now; // an accepted request may seal
          answered++;
        }),
        { numRuns },
      );
    }
    return answered;
  }

  it('answers schema-shaped requests by every caller: no 5xx, refusals as problems that seal nothing', async () => {
    expect(await fuzz('shaped', 4)).toBe(operations(opened.app).length * 4); // every operation, every run
  });

  it('answers mutated requests (wrong types, huge or odd strings, extreme numbers, deep nesting, poisoned keys, extra fields) the same way', async () => {
    expect(await fuzz('mutated', 7)).toBe(operations(opened.app).length * 7);
  });

  it('still verifies afterwards: every hash, root, checkpoint, chain and signature, and the read side against a replay', async () => {
    expect(await recorded(opened.ctx)).toBeGreaterThanOrEqual(sealedBefore);
    await expectLogVerifies(opened.ctx);
  });
});
