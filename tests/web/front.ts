// The web app in front of a test app. openTestApp's app is ready (built, routes sealed), so the
// web routes cannot join it: a small Fastify serves them and hands every other request to the
// test app by inject, as one server would once app.ts registers webRoutes. Also the world of a
// browser test: that front, the web app as built for the run, and one page in headless Chromium.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Problem, sendProblem } from '../../server/problem.js';
import { webRoutes } from '../../server/routes/web.js';
import type { TestApp } from '../helpers/app.js';
import { launchChromium, openPage, type PageOptions } from '../helpers/browser.js';
import { sharedWebBuild } from '../helpers/web-build.js';

const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export interface Front {
  front: FastifyInstance;
  base: string;
  close(): Promise<void>;
}

/**
 * `extra` registers routes the test app lacks until app.ts names them (the registry), in a scope
 * that answers errors as problem+json like the app.
 */
export async function openFront(app: FastifyInstance, distDir: string, extra?: (scope: FastifyInstance) => void): Promise<Front> {
  const front = Fastify({ logger: false });
  front.removeAllContentTypeParsers();
  front.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP.has(k) && k !== 'host')) as Record<string, string>;
    const res = await app.inject({ method: req.method as 'GET', url: req.url, headers, payload: req.body as Buffer | undefined });
    reply.code(res.statusCode);
    for (const [k, v] of Object.entries(res.headers)) if (!HOP.has(k) && v !== undefined) reply.header(k, v);
    return reply.send(res.rawPayload);
  };
  front.route({ method: ['POST', 'PUT', 'DELETE', 'PATCH'], url: '/*', handler: forward });
  front.setNotFoundHandler(forward);
  if (extra) {
    await front.register(async (scope) => {
      scope.setErrorHandler((err: Error & { validation?: unknown }, req, reply) => {
        if (err instanceof Problem) return sendProblem(reply, err, req.url);
        return sendProblem(reply, new Problem(err.validation ? 400 : 500, err.validation ? 'VALIDATION_FAILED' : 'INTERNAL', 'Error', err.message), req.url);
      });
      extra(scope);
    });
  }
  await webRoutes(front, { distDir });
  await front.listen({ host: '127.0.0.1', port: 0 });
  return {
    front,
    base: `http://127.0.0.1:${(front.server.address() as AddressInfo).port}`,
    close: () => front.close(),
  };
}

export interface WebWorld {
  opened: TestApp;
  front: Front;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged: each test file ends expecting none. */
  errors: string[];
  /** Closes the browser, the front and the test app. */
  close(): Promise<void>;
}

/**
 * `opened` behind a front (`withFront`: another than openFront's, given the web build's folder)
 * serving the web app as built for the run, and a page (`pageOptions`) in headless Chromium
 * (`chromiumArgs`: more switches).
 */
export async function openWebWorld(
  opened: TestApp,
  pageOptions: PageOptions = {},
  { chromiumArgs = [], withFront = (distDir: string) => openFront(opened.app, distDir) }: { chromiumArgs?: string[]; withFront?: (distDir: string) => Promise<Front> } = {},
): Promise<WebWorld> {
  const front = await withFront(await sharedWebBuild());
  const browser = await launchChromium(chromiumArgs);
  const { context, page, errors } = await openPage(browser, pageOptions);
  return {
    opened, front, browser, context, page, errors,
    async close() {
      await browser.close();
      await front.close();
      await opened.close();
    },
  };
}
