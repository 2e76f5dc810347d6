// Every route the app serves, under bad input: the routes come from the app's own route table
// (and their schemas from its OpenAPI document), so a new route is covered without touching this
// file. Each is called as a person its guard lets through (found by asking) and without a token,
// with a fixed, seeded set of bad inputs: bodies that are not JSON or of the wrong top-level
// type, unknown fields, each declared field of the wrong type, 10 000-char, NUL, lone-surrogate
// and RTL strings; odd path parameters; bad numeric query parameters; steps out of order. The
// rule (README, DESIGN.md §3): a refusal is a 4xx RFC 9457 problem (the ledger's bad parameters
// exactly 400), never a 5xx, and the server keeps answering /healthz. A failure lists every
// route + input at fault, with the server's logged error for a 5xx.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { Client, eventId, login, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DEFAULT_WEBHOOKS } from '../../server/alerts/dispatcher.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg, plateOf } from '../helpers/park.js';
import { BAD_QUERY, BAD_SEGMENTS, NOT_CANONICAL, ODD_NUMBERS, ODD_STRINGS, PEOPLE, SEED, SELF_PARSED_QUERY, example, fault, fields, put, sampled, show, typeOf, wrongType, type Caller, type OpenApi, type Path, type Route } from './route-fuzz-support.js';

describe.each(DRIVERS)('every route under bad input, on %s', (driver) => {
  let opened: TestApp;
  let app: FastifyInstance;
  let webDist: string;
  const logs: string[] = [];
  const tokens = new Map<Who, string>();
  const routes: Route[] = [];
  /** Real subjects, so that a bad input reaches past "not found" into the commands. */
  const subject = { unit: '', grai: '', manifest: '', webhook: '', size: '' };
  let requests = 0;

  const hints: Record<string, () => unknown> = {
    eventId: () => eventId('fuzz'),
    siteId: () => 'site-hengkang-plant',
    wasteCode: () => '271-001-02',
    receiverOrgId: () => 'org-dongxin',
    transporterOrgId: () => 'org-anyun',
    vehiclePlate: () => plateOf('org-anyun'),
    unitIds: () => [subject.unit],
    scannedUnitIds: () => [subject.unit],
    url: () => 'http://127.0.0.1:9/hook',
  };

  /** A real value for a path parameter of this route, or a well-formed one that names nothing. */
  const realParam = (url: string, name: string): string => {
    if (name === 'id') {
      if (url.startsWith('/api/units/')) return subject.unit;
      if (url.startsWith('/api/manifests/')) return subject.manifest;
      if (url.startsWith('/api/webhooks/')) return subject.webhook;
      if (url.startsWith('/api/devices/')) return 'dev-hengkang-rfid';
    }
    const known: Record<string, string> = { grai: subject.grai, deviceId: url.includes('isapi') ? 'dev-dongxin-cam' : 'dev-lvxun-cam', orgId: 'org-hengkang', version: '1', size: subject.size, index: '1', sha256: 'a'.repeat(64), '*': 'index.html' };
    return known[name] ?? 'nope-0001';
  };
  const fill = (r: Route, bad?: [string, string]) =>
    r.url.replace(/:(\w+)|\*/g, (m, name: string | undefined) => (bad && bad[0] === (name ?? '*') ? bad[1] : encodeURIComponent(realParam(r.url, name ?? m))));

  /** Faults by route and answer, with the inputs that got it. */
  class Faults {
    readonly byAnswer = new Map<string, string[]>();
    add(caller: Caller, r: Route, input: string, answer: string) {
      const key = `${caller} ${r.method} ${r.url} → ${answer}`;
      this.byAnswer.set(key, [...(this.byAnswer.get(key) ?? []), input]);
    }
    /** One line per route and answer; every input for a 5xx, the first dozen otherwise. */
    list(): string[] {
      return [...this.byAnswer].map(([key, inputs]) => {
        const shown = key.includes('→ 5') ? inputs : inputs.slice(0, 12);
        return `${key} — for ${shown.join('; ')}${shown.length < inputs.length ? `; … (${inputs.length} inputs)` : ''}`;
      });
    }
  }

  /** One request; its fault, with the server's logged error and where it was thrown for a 5xx, goes into `faults`. */
  async function send(faults: Faults, r: Route, caller: Caller, what: string, url: string, payload?: string, headers: Record<string, string> = {}) {
    const token = caller === 'anonymous' ? undefined : tokens.get(caller);
    const logged = logs.length;
    const res = await app.inject({
      method: r.method,
      url,
      payload,
      headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    requests++;
    let why = fault(res);
    if (why && res.statusCode >= 500) {
      const err = logs.slice(logged).map((l) => JSON.parse(l) as { err?: { message?: string; stack?: string } }).find((l) => l.err)?.err;
      // The project's own frames, one a file: where it was thrown and who called.
      const frames = (err?.stack ?? '').split('\n').map((l) => /\/((?:server|ledger)\/[\w/.-]+:\d+)/.exec(l)?.[1]).filter((f): f is string => f !== undefined && !f.includes('node_modules'));
      const files = frames.filter((f, i) => frames.findIndex((g) => g.split(':')[0] === f.split(':')[0]) === i);
      why = `${res.statusCode}, logged: ${err?.message ?? 'nothing'}${files.length ? ` (${files.slice(0, 4).join(' ← ')})` : ''}`;
    }
    if (why) faults.add(caller, r, what, why);
    return res;
  }

  async function stillHealthy(faults: Faults, r: Route, after: string) {
    const res = await app.inject('/healthz');
    if (res.statusCode !== 200 || res.json().status !== 'ok') faults.add('anonymous', r, after, `then GET /healthz answers ${res.statusCode}`);
  }

  beforeAll(async () => {
    // A stand-in web build: the pages route serves whatever index.html it finds (none: 503).
    webDist = mkdtempSync(join(tmpdir(), 'hz-fuzz-web-'));
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>hazledger</title>');
    writeFileSync(join(webDist, 'assets', 'app.js'), '');
    // Its webhook is on loopback, which webhooks may reach only when allowed (webhook-targets.ts).
    opened = await openTestApp(driver, { security: { corsOrigins: [], loginPerMinute: 1e6, publicPerMinute: 1e6 }, webhooks: { ...DEFAULT_WEBHOOKS, allowedNetworks: ['127.0.0.1/32'] } }, { webDist });
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    app = await buildApp(opened.ctx, { webDist, logger: { level: 'error', stream: sink } });
    for (const who of PEOPLE) tokens.set(who, await login(app, who));

    const producer = new Client(app, tokens.get('producer')!);
    const { unit } = await producer.register({ epc: '3315A537C8000440000F4242' });
    const m = await producer.request('POST', '/api/manifests', { eventId: eventId('fuzz-m'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [unit.id], plannedDate: '2026-12-01' });
    expect(m.statusCode, m.body).toBe(201);
    const hook = await producer.request('POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(hook.statusCode, hook.body).toBe(201);
    Object.assign(subject, { unit: unit.id, grai: String(unit.grai), manifest: m.json().manifest.id, webhook: hook.json().subscription.id });
    subject.unit = (await producer.register()).unit.id; // a second one, free for the manifests the bodies draft
    await opened.ctx.sequencer.idle();
    subject.size = String((await opened.ctx.reader.head()).size); // a size a checkpoint was signed at

    // The routes, from the app itself. HEAD is GET's own handler (Fastify adds it): not sent twice.
    const doc = app.swagger() as unknown as OpenApi;
    for (const t of app.routeTable.filter((x) => x.method !== 'HEAD')) {
      const op = doc.paths[t.url.replace(/:(\w+)/g, '{$1}')]?.[t.method.toLowerCase()];
      const query = op?.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
      const body = op?.requestBody?.content['application/json']?.schema;
      const r: Route = {
        method: t.method as Route['method'], url: t.url, guarded: t.guarded,
        params: [...t.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*'),
        query: query && query.length > 0 ? query : undefined,
        bodies: body ? (body.anyOf ?? body.oneOf ?? [body]) : t.method === 'GET' ? [] : [{ type: 'object' }],
        callers: ['anonymous'],
      };
      if (t.guarded) {
        // Ask each person in turn: the first the guard does not refuse calls it. (A body that does
        // not parse: past the guard, nothing is done.)
        for (const who of PEOPLE) {
          const res = await app.inject({ method: r.method, url: fill(r), payload: r.method === 'GET' ? undefined : '{', headers: { authorization: `Bearer ${tokens.get(who)}`, 'content-type': 'application/json' } });
          if (res.statusCode !== 401 && !(res.statusCode === 403 && res.json().code === 'ROLE_FORBIDDEN')) {
            r.callers.unshift(who);
            break;
          }
        }
      }
      routes.push(r);
    }
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('finds every route in the app (API, ledger, /8003, /live, devices, docs, pages), each with a caller its guard lets through', () => {
    const urls = routes.map((r) => r.url);
    for (const u of ['/ledger/entries/:index', '/ledger/proof/inclusion', '/8003/:grai', '/live', '/gateway', '/devices/:deviceId/isapi', '/api/units/:id/weighings', '/*']) expect(urls).toContain(u);
    expect(routes.length).toBeGreaterThan(70);
    expect(routes.filter((r) => r.guarded && r.callers.length < 2).map((r) => `${r.method} ${r.url}`), 'guarded routes no demo person may call').toEqual([]);
  });

  it('answers bad bodies — not JSON, an array, a string, null, unknown fields, each field of a wrong type, 10 000-char, NUL, lone-surrogate and RTL strings — with 4xx problems, never a 5xx', async () => {
    const faults = new Faults();
    for (const r of routes.filter((x) => x.bodies.length > 0)) {
      for (const caller of r.callers) {
        const url = fill(r);
        for (const [what, text] of [['not JSON', '{"eventId": '], ['empty', ''], ['an array', '[]'], ['a string', '"x"'], ['null', 'null'], ['a number', '1']]) {
          await send(faults, r, caller, `body ${what}`, url, text);
        }
        for (const shape of r.bodies) {
          // Each case starts from a fresh valid body (fresh event ids: none is taken for a retry of another).
          const { leaves, objects } = fields(shape);
          const at = (path: Path, leaf: unknown) => () => put(example(shape, '', hints), shape, path, leaf, hints);
          const cases: [string, () => unknown][] = objects.map((o) => [`unknown field at ${show(o) || 'top'}`, at([...o, 'unknownField'], 1)]);
          if (leaves.length === 0) cases.push(...ODD_STRINGS.map(([w, odd]): [string, () => unknown] => [`an unknown field ${w}`, () => ({ unknownField: odd('abc') })]));
          for (const [path, s] of leaves) {
            const name = show(path);
            cases.push([`${name} of a wrong type`, at(path, wrongType(s))]);
            if (typeOf(s) === 'string') {
              const valid = example(s, String(path.at(-1)), hints);
              for (const [w, odd] of ODD_STRINGS) cases.push([`${name} ${w}`, at(path, odd(typeof valid === 'string' ? valid : 'abc'))]);
              if (s.pattern) cases.push([`${name} a value its pattern admits`, at(path, sampled(s, SEED + 1))]);
            }
            if (typeOf(s) === 'integer' || typeOf(s) === 'number') for (const [w, v] of ODD_NUMBERS) cases.push([`${name} ${w}`, at(path, v)]);
          }
          for (const [what, body] of cases) await send(faults, r, caller, `body ${what}`, url, JSON.stringify(body()));
        }
      }
      await stillHealthy(faults, r, 'the bad bodies');
    }
    expect(faults.list(), 'route + body → answer').toEqual([]);
  });

  it('answers bad path parameters — empty, 10 000 chars, %00, ../, unicode, malformed escapes, odd numbers — with 4xx problems (the ledger\'s with 400), never a 5xx', async () => {
    const faults = new Faults();
    for (const r of routes.filter((x) => x.params.length > 0)) {
      const shape = r.bodies[0];
      const payload = () => (shape ? JSON.stringify(example(shape, '', hints)) : undefined); // fresh event ids each time
      for (const caller of r.callers) {
        for (const name of r.params) {
          for (const [what, segment] of BAD_SEGMENTS) {
            const res = await send(faults, r, caller, `path ${name} ${what}`, fill(r, [name, segment]), payload());
            // DESIGN.md §3: a bad number is a bad parameter. (A raw ../ makes another path.)
            if (r.url.startsWith('/ledger/') && NOT_CANONICAL.test(segment) && what !== 'raw ../' && res.statusCode !== 400) {
              faults.add(caller, r, `path ${name} ${what}`, `${res.statusCode}, where DESIGN.md §3 says 400`);
            }
            if (r.method === 'GET' && !r.guarded) await send(faults, r, caller, `path ${name} ${what}, as a browser`, fill(r, [name, segment]), undefined, { accept: 'text/html' });
          }
        }
      }
      await stillHealthy(faults, r, 'the bad path parameters');
    }
    expect(faults.list(), 'route + path parameter → answer').toEqual([]);
  });

  it('answers bad query parameters — negative, 1e308, non-numeric, fractional, repeated, odd text, unknown names — with 4xx problems (the ledger\'s with 400), never a 5xx', async () => {
    const faults = new Faults();
    for (const r of routes) {
      // Declared names; a route that declares none may parse its own query (the ledger, /live).
      const names = r.query ?? (r.method === 'GET' && !r.guarded ? SELF_PARSED_QUERY : []);
      const shape = r.bodies[0];
      const payload = () => (shape ? JSON.stringify(example(shape, '', hints)) : undefined); // fresh event ids each time
      for (const caller of r.callers) {
        const url = fill(r);
        // Without the parameter: what a route that does not read it answers.
        const plain = (await send(faults, r, caller, 'an unknown query parameter', `${url}?unknownParam=1`, payload())).statusCode;
        for (const name of names) {
          for (const [what, value] of [...BAD_QUERY, ['repeated', `1&${name}=2`] as [string, string]]) {
            const res = await send(faults, r, caller, `query ${name} ${what}`, `${url}?${name}=${value}`, payload());
            // DESIGN.md §3: a bad number is a bad parameter (400), where the route reads that name.
            if (r.url.startsWith('/ledger/') && name !== 'access_token' && res.statusCode !== plain && res.statusCode !== 400) {
              faults.add(caller, r, `query ${name} ${what}`, `${res.statusCode}, where DESIGN.md §3 says 400`);
            }
          }
        }
      }
      await stillHealthy(faults, r, 'the bad query parameters');
    }
    expect(faults.list(), 'route + query → answer').toEqual([]);
  });

  it('answers steps out of order — every step route on a fresh unit and a draft manifest, in order and then in reverse — with 4xx problems, never a 5xx', async () => {
    const faults = new Faults();
    const producer = new Client(app, tokens.get('producer')!);
    const unit = (await producer.register()).unit.id;
    const carried = (await producer.register()).unit.id;
    subject.unit = carried;
    const m = await producer.request('POST', '/api/manifests', { eventId: eventId('fuzz-m'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: [carried], plannedDate: '2026-12-01' });
    expect(m.statusCode, m.body).toBe(201);
    const manifest = m.json().manifest.id as string;
    // A step: a POST on one subject whose body carries an event id.
    const steps = routes.filter((r) => r.method === 'POST' && r.params.includes('id') && r.bodies.some((b) => b.properties?.eventId));
    const refused: string[] = [];
    for (const r of [...steps, ...[...steps].reverse()]) {
      const id = r.url.startsWith('/api/units/') ? unit : r.url.startsWith('/api/manifests/') ? manifest : 'nope-0001';
      const url = r.url.replace(':id', id).replace(':version', '1');
      const res = await send(faults, r, r.callers[0], 'a schema-valid step', url, JSON.stringify(example(r.bodies[0], '', hints)));
      if (res.statusCode === 409 && res.json().code === 'TRANSITION_REFUSED') refused.push(`${r.method} ${r.url}`);
    }
    await stillHealthy(faults, steps[0], 'the steps out of order');
    expect(faults.list(), 'step → answer').toEqual([]);
    expect(steps.length).toBeGreaterThan(15);
    expect(refused.length, 'steps refused as out of order').toBeGreaterThan(5);
  });

  it('still answers GET /healthz afterwards', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    console.info(`route-fuzz on ${driver}: ${routes.length} routes, ${requests} requests`);
  });
});
