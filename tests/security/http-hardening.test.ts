// Security headers, CORS closed by default, rate limits on login and on the public QR pages, and
// no secret in the logs of a run that handles every kind of secret the server sees.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client, personOf } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DEFAULT_WEBHOOKS } from '../../server/alerts/dispatcher.js';

describe('HTTP hardening', () => {
  let opened: TestApp;
  beforeAll(async () => {
    opened = await openTestApp('pglite', { security: { corsOrigins: [], loginPerMinute: 5, publicPerMinute: 8 } });
  });
  afterAll(() => opened?.close());

  it('sends helmet\'s headers on every answer, errors included', async () => {
    for (const url of ['/healthz', '/api/me', '/ledger/checkpoint', '/nope']) {
      const res = await opened.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toMatch(/default-src 'self'/);
      expect(res.headers['strict-transport-security'], url).toBeDefined();
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
    }
  });

  it('keeps CORS closed unless origins are configured, then opens it to those only', async () => {
    const preflight = (app: TestApp['app'], origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/api/units', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(opened.app, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await opened.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    const open = await buildApp({ ...opened.ctx, config: { ...opened.ctx.config, security: { corsOrigins: ['https://portal.example'], loginPerMinute: 5, publicPerMinute: 8 } } });
    expect((await preflight(open, 'https://portal.example')).headers['access-control-allow-origin']).toBe('https://portal.example');
    expect((await preflight(open, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    await open.close();
  });

  it('limits password changes per person, so people behind one address do not share a limit', async () => {
    const change = (who: Client) => who.request('PUT', '/api/me/password', { currentPassword: 'not-the-password', newPassword: 'Wenzhou-harbour-7' });
    const [producer, inspector] = [await Client.as(opened.app, 'producer'), await Client.as(opened.app, 'inspector')];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await change(producer)).statusCode);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]); // loginPerMinute 5
    // From the same address, another person still has their own five.
    expect((await change(inspector)).statusCode).toBe(403);
    // A request the schema refuses guesses nothing and is not counted.
    expect((await inspector.request('PUT', '/api/me/password', { currentPassword: 'x' })).statusCode).toBe(400);
    for (let i = 0; i < 4; i++) expect((await change(inspector)).statusCode).toBe(403);
    expect((await change(inspector)).statusCode).toBe(429);
  });

  it('limits login attempts per address and username with 429 problem+json, without locking others out', async () => {
    const login = (username: string, password: string) => opened.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    for (let i = 0; i < 5; i++) expect((await login('driver', 'guess-' + i)).statusCode).toBe(401);
    const limited = await login('driver', 'driver-demo'); // even the right password, now
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('operator', 'operator-demo')).statusCode).toBe(200); // another account is not locked out
  });

  it('limits login attempts per address across usernames, so a password sprayed over every account is slowed too', async () => {
    const login = (username: string) => opened.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Spring2026!' } });
    const answers = [];
    for (let i = 0; i < 5 * 5 + 1; i++) answers.push(await login(`nobody-${i}`)); // loginPerMinute 5, five times that an address
    const statuses = answers.map((a) => a.statusCode);
    const first = statuses.indexOf(429);
    expect(answers.at(-1)!.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: expect.stringMatching(/from one address/) });
    expect(Number(answers.at(-1)!.headers['retry-after'])).toBeGreaterThan(0);
    expect(first, statuses.join(' ')).toBeGreaterThan(0);
    expect(statuses.slice(0, first).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
  });

  it('limits the public QR page per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await opened.app.inject({ method: 'GET', url: '/8003/069012340001771999999' })).statusCode);
    expect(statuses.slice(0, 8).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
  });
});

describe('secrets in the logs', () => {
  let opened: TestApp;
  afterAll(() => opened?.close());

  it('never writes a password, token, key or webhook secret into the logs of a full run', async () => {
    opened = await openTestApp('pglite', { webhooks: { ...DEFAULT_WEBHOOKS, allowedNetworks: ['127.0.0.1/32'] } }); // its webhook is on loopback
    let logs = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logs += chunk.toString()), done()) });
    const app = await buildApp(opened.ctx, { logger: { level: 'trace', stream: sink } });
    const secrets: string[] = [];
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'producer', password: 'producer-demo' } });
    const { accessToken, refreshToken } = login.json();
    secrets.push('producer-demo', accessToken, refreshToken);
    const client = new Client(app, accessToken);
    const refreshed = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    secrets.push(refreshed.json().accessToken, refreshed.json().refreshToken);
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'driver', password: 'not-the-password-1234' } });
    secrets.push('not-the-password-1234');
    const hook = await client.request('POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook' });
    secrets.push(hook.json().secret);
    secrets.push(demoPrivateJwk(personOf('producer').id).d, opened.ctx.config.jwtSecret ?? '');
    await app.inject({ method: 'GET', url: `/live?access_token=${accessToken}` });
    await client.request('GET', '/api/me');
    await client.request('POST', '/api/units', { eventId: 'x' }); // a refused body
    await app.close();
    expect(logs.length).toBeGreaterThan(1000); // it did log, at trace level
    for (const s of secrets.filter((x) => x && x.length >= 8)) expect(logs.includes(s), `a secret in the logs: ${s.slice(0, 6)}…`).toBe(false);
    expect(logs).not.toMatch(/authorization/i);
  });
});
