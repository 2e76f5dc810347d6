// The web app's build and its routes: built when stale, served at / with index.html for page
// paths that ask for HTML, and never in the way of a server route (checked against every route
// of the real app's route table, in one router with the web routes).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProblemHandlers } from '../../server/problem.js';
import { webRoutes } from '../../server/routes/web.js';
import { ensureWebBuilt, webBuildStale } from '../../server/web-build.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the web app build and routes', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'hz-web-'));
  let opened: TestApp;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    expect(webBuildStale(outDir)).toBe(true);
    const built = await ensureWebBuilt({ info: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) }, outDir);
    expect(built, lines.join('\n')).toBe(true);
    opened = await openTestApp('pglite');
    // Every route of the real app as a stub that names itself, in one router with the web routes.
    app = Fastify();
    installProblemHandlers(app);
    await app.register(swagger, { openapi: { info: { title: 't', version: '0' } } });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    for (const r of opened.app.routeTable) {
      if (r.method === 'HEAD' || r.url.startsWith('/docs') || r.url === '/*') continue;
      app.route({ method: r.method as 'GET', url: r.url, handler: async () => ({ route: `${r.method} ${r.url}` }) });
    }
    await webRoutes(app, { distDir: outDir });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('builds once, and not again while the sources are older than the build', async () => {
    expect(lines.some((l) => l.includes('web: built in'))).toBe(true);
    expect(webBuildStale(outDir)).toBe(false);
    const again: string[] = [];
    expect(await ensureWebBuilt({ info: (m) => again.push(m), warn: (m) => again.push(m) }, outDir)).toBe(true);
    expect(again).toEqual([]);
  });

  it('leaves every server route to the server, even for a browser asking for HTML', async () => {
    const fill = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (name === 'grai' ? '8003069012340001712345' : `x-${name}`));
    const gets = opened.app.routeTable.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs') && r.url !== '/*');
    expect(gets.length).toBeGreaterThan(20);
    for (const r of gets) {
      const res = await app.inject({ method: 'GET', url: fill(r.url), headers: HTML });
      expect(res.json(), r.url).toEqual({ route: `GET ${r.url}` });
    }
    const docs = await app.inject({ method: 'GET', url: '/docs/json', headers: HTML });
    expect(docs.statusCode).toBe(200);
    expect(docs.json().openapi).toBeDefined();
  });

  it('serves the app at / and index.html for its page paths, uncached, with a CSP', async () => {
    for (const url of ['/', '/login', '/producer/storage', '/producer/units/abc?x=1']) {
      const res = await app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.body, url).toContain('<div id="app">');
    }
    const head = await app.inject({ method: 'HEAD', url: '/producer', headers: HTML });
    expect(head.statusCode).toBe(200);
  });

  it('serves hashed assets for good and top-level files, and nothing outside dist', async () => {
    const index = (await app.inject({ method: 'GET', url: '/', headers: HTML })).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
    const js = await app.inject({ method: 'GET', url: script });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    for (const url of ['/assets/nope.js', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/%2e%2e/package.json', '/assets/%E0%A4%A']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(url.includes('%A4%A') ? 400 : 404); // a malformed escape: Fastify's own 400
      if (res.statusCode === 404) expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers problem+json 404, not the page, for unknown server paths and for non-HTML requests', async () => {
    for (const [url, accept] of [
      ['/api/nope', HTML.accept],
      ['/ledger/nope/deeper', HTML.accept],
      ['/8003/a/b', HTML.accept],
      ['/producer', 'application/json'],
      ['/producer', '*/*'],
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: { accept } });
      expect(res.statusCode, `${url} ${accept}`).toBe(404);
      expect(res.json().code, url).toBe('NOT_FOUND');
    }
    const post = await app.inject({ method: 'POST', url: '/producer', headers: HTML, payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it('answers 503 problem+json when the app is not built', async () => {
    const bare = Fastify();
    installProblemHandlers(bare);
    await webRoutes(bare, { distDir: join(outDir, 'missing') });
    const res = await bare.inject({ method: 'GET', url: '/producer', headers: HTML });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('WEB_NOT_BUILT');
    await bare.close();
  });

  it('type-checks (web/tsconfig.json: the root tsconfig does not include web/)', async () => {
    const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'web/tsconfig.json']).catch((e: { stdout: string; code: number }) => e);
    expect(run.stdout).toBe('');
  });
});
