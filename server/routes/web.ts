// The web app (web/, built by Vite into web/dist): its files, and index.html for any other GET
// of a page path that asks for HTML, so the app's own routes (/producer/storage…) load on reload.
// Every server route keeps its answer: the catch-all below is the router's last resort, and it
// hands server paths and non-HTML requests back to the not-found handler (problem+json).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, sendProblem } from '../problem.js';

/** First path segments that belong to the server, never to the web app. */
export const SERVER_PREFIXES = ['api', 'ledger', 'docs', 'live', 'gateway', 'devices', 'NotificationInfo', '8003', 'healthz', 'problems'];

const CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/** Accept names text/html explicitly (a browser navigating), not just *∕* (curl, fetch). */
export const wantsHtml = (req: FastifyRequest) => /(^|,)\s*text\/html\s*(;|,|$)/i.test(req.headers.accept ?? '');

/** The app's index.html, uncached, with its CSP: for page paths, and for server routes that also answer browsers (/8003/…). */
export async function sendWebIndex(reply: FastifyReply, distDir: string): Promise<FastifyReply> {
  const html = await readFile(join(distDir, 'index.html')).catch(() => undefined);
  if (!html) return sendProblem(reply, new Problem(503, 'WEB_NOT_BUILT', 'Web app not built', 'run `npm run build:web` (npm start builds it when missing)'));
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .send(html);
}

export async function webRoutes(app: FastifyInstance, opts: { distDir: string }): Promise<void> {
  const { distDir } = opts;
  const assetsDir = join(distDir, 'assets');
  // Encapsulated: the reply.sendFile decorator stays in here (swagger-ui has its own instance).
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: distDir, serve: false });

    const index = (reply: FastifyReply) => sendWebIndex(reply, distDir);

    scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
      let path: string;
      try {
        path = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '');
      } catch {
        return reply.callNotFound();
      }
      const segments = path.split('/');
      if (SERVER_PREFIXES.includes(segments[0]) || segments.includes('..') || path.includes('\0')) return reply.callNotFound();
      // Hashed bundles: cached for good. `send` refuses paths that climb out of the root.
      if (segments[0] === 'assets' && path.length > 'assets/'.length) {
        const rest = path.slice('assets/'.length);
        if (await isFile(join(assetsDir, rest))) {
          return reply.header('x-content-type-options', 'nosniff').sendFile(rest, assetsDir, { maxAge: '365d', immutable: true });
        }
        return reply.callNotFound();
      }
      // Top-level files of dist (favicon.svg…), by plain names only.
      if (/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/.test(path) && path !== 'index.html' && (await isFile(join(distDir, path)))) {
        return reply.sendFile(path, distDir, { maxAge: '1h' });
      }
      if (path === '' || path === 'index.html' || wantsHtml(req)) return index(reply);
      return reply.callNotFound();
    });
  });
}
