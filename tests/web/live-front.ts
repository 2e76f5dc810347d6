// The front of tests/web/front.ts, plus what the inspector's and the public pages need from the
// test app that a forward by inject cannot give: the /live websocket, and /8003/… answering a
// browser with this test's build of the page (the test app's own would send web/dist's). Also the
// world those pages' tests share: a PGlite test app behind that front, and a page in Chromium.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../server/config.js';
import { PublicReports } from '../../server/public-reports.js';
import { liveRoutes } from '../../server/routes/live.js';
import { publicRoutes } from '../../server/routes/public.js';
import { sendWebIndex } from '../../server/routes/web.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import type { PageOptions } from '../helpers/browser.js';
import { openFront, openWebWorld, type Front, type WebWorld } from './front.js';

export function openLiveFront(opened: TestApp, distDir: string): Promise<Front> {
  const { ctx } = opened;
  return openFront(opened.app, distDir, (scope: FastifyInstance) => {
    // The front takes bodies as raw bytes to forward them; the report form posts JSON here.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    scope.register(async (ws) => liveRoutes(ws, { tokens: ctx.tokens, live: ctx.live }));
    publicRoutes(scope, {
      custody: ctx.custody, reader: ctx.reader, tokens: ctx.tokens, reports: new PublicReports(ctx.config.dataDir), live: ctx.live,
      page: (reply) => sendWebIndex(reply, distDir), publicPerMinute: ctx.config.security.publicPerMinute,
    });
  });
}

/** A test app on PGlite (`config`: its overrides) behind the live front, and a page (`pageOptions`). */
export async function openLiveWorld(config: Partial<Config> = {}, pageOptions: PageOptions = {}): Promise<WebWorld> {
  const opened = await openTestApp('pglite', config);
  return openWebWorld(opened, pageOptions, { withFront: (distDir) => openLiveFront(opened, distDir) });
}
