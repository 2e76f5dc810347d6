// Raw hostile bodies and paths, below the schemas: bodies over the limit (413), JSON that does not
// parse, JSON nested 100 000 deep, prototype-pollution keys in the JSON text itself, content types
// a route does not take, and arbitrary request paths. Every answer is a problem (or a page), never
// a 5xx; nothing is sealed; the server's own prototypes stay clean.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { sharedWebBuild } from '../helpers/web-build.js';
import { expectAnswer, expectLogVerifies, expectProblem, recorded } from './hostile-support.js';

const MiB = 1 << 20;
const JSON_ROUTES = ['/api/units', '/api/auth/login', '/api/webhooks', '/api/manifests', '/api/units/nope-0001/weighings', '/NotificationInfo/TollgateInfo']; // all open to the producer who sends them

describe.each(DRIVERS)('hostile bodies and paths, on %s', (driver) => {
  let opened: TestApp;
  let token = '';
  let before = 0;
  const post = (url: string, payload: string | Buffer, contentType = 'application/json') =>
    opened.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    // The pages come from a real build: a clone that never ran `npm start` has no web/dist.
    opened = await openTestApp(driver, {}, { webDist: await sharedWebBuild() });
    token = await login(opened.app, 'producer');
    before = await recorded(opened.ctx);
  });
  afterAll(() => opened?.close());

  it('refuses a body over the 1 MiB limit with 413 problem+json, JSON, XML and multipart alike', async () => {
    const big = JSON.stringify({ eventId: 'evt-too-big-0001', name: 'x'.repeat(MiB + 10) });
    for (const url of JSON_ROUTES) expect(expectProblem(await post(url, big), `${url} 1 MiB`)).toMatchObject({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const xml = `<EventNotificationAlert>${'<a>x</a>'.repeat(MiB / 8 + 10)}</EventNotificationAlert>`;
    expect(expectProblem(await post('/devices/dev-dongxin-cam/isapi', xml, 'application/xml'), 'xml').status).toBe(413);
    // A picture part over the 8 MiB picture limit.
    const boundary = 'hz-boundary';
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\r\nContent-Type: application/xml\r\n\r\n<x/>\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="p.jpg"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      Buffer.alloc(9 * MiB, 0xff),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(expectProblem(await post('/devices/dev-dongxin-cam/isapi', multipart, `multipart/form-data; boundary=${boundary}`), 'multipart').status).toBe(413);
    expect(await recorded(opened.ctx)).toBe(before);
  });

  it('answers JSON that does not parse with 400 problem+json', async () => {
    const notJson = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }),
      fc.constantFrom('{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}{"b":2}', '\u0000', '\ufeff{}', '{"a":"\\ud800"', '0x10'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...JSON_ROUTES), notJson, async (url, text) => {
        const res = await post(url, text);
        expectProblem(res, `${url} ${JSON.stringify(text).slice(0, 60)}`);
        expect([400, 401, 403, 415]).toContain(res.statusCode);
      }),
      { numRuns: 60 },
    );
  });

  it('answers JSON nested 100 000 deep without a 5xx or a stack overflow', async () => {
    for (const depth of [10_000, 100_000]) {
      for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
        const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
        for (const url of JSON_ROUTES) expectProblem(await post(url, deep), `${url} nested ${depth}`);
        expectProblem(await post('/api/units', `{"eventId":"evt-deep-00001","hazards":${deep}}`), `hazards nested ${depth}`);
      }
    }
  });

  it('refuses prototype-pollution keys in the JSON text, and the server\'s prototypes stay clean', async () => {
    const bodies = [
      '{"username":"producer","password":"producer-demo","__proto__":{"isAdmin":true,"polluted":1}}',
      '{"username":"producer","password":"producer-demo","constructor":{"prototype":{"polluted":1}}}',
      '{"eventId":"evt-proto-0001","__proto__":{"role":"admin"},"url":"http://127.0.0.1:9/x"}',
      '{"units":[{"__proto__":{"polluted":1}}]}',
    ];
    for (const url of ['/api/auth/login', '/api/webhooks', '/api/units']) {
      for (const body of bodies) {
        const res = await post(url, body);
        const p = expectProblem(res, `${url} ${body}`);
        expect(p.status).toBe(400);
      }
    }
    // Keys named like Object methods, deep inside a camera push (String() of such an object throws).
    for (const key of ['toString', 'valueOf']) {
      const push = `{"Picture":{"Plate":{"PlateNumber":{"${key}":1},"Confidence":{"${key}":1}},"SnapInfo":{"SnapTime":{"${key}":1}}}}`;
      expect(expectProblem(await post('/NotificationInfo/TollgateInfo', push), `Dahua push with ${key}`)).toMatchObject({ status: 400, code: 'BAD_INPUT' });
      const xml = `<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate><${key}>1</${key}></licensePlate></ANPR></EventNotificationAlert>`;
      expect(expectProblem(await post('/devices/dev-dongxin-cam/isapi', xml, 'application/xml'), `Hikvision push with ${key}`)).toMatchObject({ status: 400, code: 'BAD_INPUT' });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses content types a route does not take with a problem, 415 for JSON routes', async () => {
    for (const [type, payload] of [['text/plain', 'hello'], ['application/x-www-form-urlencoded', 'username=a&password=b'], ['application/octet-stream', '\u0000\u0001'], ['multipart/form-data; boundary=x', '--x--'], ['application/json; charset=utf-7', '{}']]) {
      for (const url of ['/api/units', '/api/auth/login', '/api/webhooks']) {
        const res = await post(url, payload, type);
        expectProblem(res, `${url} as ${type}`);
        expect([400, 415], `${url} as ${type}: ${res.body}`).toContain(res.statusCode);
      }
    }
  });

  it('answers arbitrary request paths and methods with a problem or a page, never a 5xx', async () => {
    const segment = fc.oneof(
      fc.constantFrom('api', 'ledger', 'units', 'manifests', 'entries', 'proof', 'devices', 'isapi', '8003', '..', '.', '', '%', '%zz', '%c0%ae', '%00', '%2e%2e', '%ff%fe', 'index.html', 'assets', '*'),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,150}$/),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), path, fc.boolean(), async (method, url, withToken) => {
        const res = await opened.app.inject({ method: method as 'GET', url, headers: withToken ? { authorization: `Bearer ${token}`, accept: 'text/html' } : {} });
        expectAnswer(res, `${method} ${url}`);
      }),
      { numRuns: 150 },
    );
  });

  it('sealed nothing, and the log still verifies', async () => {
    expect(await recorded(opened.ctx)).toBe(before);
    await expectLogVerifies(opened.ctx);
  });
});
