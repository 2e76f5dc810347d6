// The Fastify app as a factory that never listens: main.ts listens, tests inject.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Context } from './context.js';
import { frameworkError, installProblemHandlers } from './problem.js';
import { installTextGuard } from './text-guard.js';
import { installSecurity } from './security.js';
import { cosignedRoutes } from './routes/cosigned.js';
import { authRoutes } from './routes/auth.js';
import { loginRoutes } from './routes/logins.js';
import { ledgerRoutes } from './routes/ledger.js';
import { publicRoutes } from './routes/public.js';
import { unitRoutes } from './routes/units.js';
import { liveRoutes } from './routes/live.js';
import { labelRoutes } from './routes/labels.js';
import { manifestChangeRoutes } from './routes/manifest-changes.js';
import { manifestRoutes } from './routes/manifests.js';
import { manifestDocumentRoutes } from './routes/manifest-documents.js';
import { managementLedgerRoutes } from './routes/management-ledger.js';
import { offlineRoutes } from './routes/offline.js';
import { findingRoutes, inspectionRoutes } from './routes/findings.js';
import { webhookRoutes } from './routes/webhooks.js';
import { cameraRoutes } from './routes/cameras.js';
import { deviceRoutes, gatewayRoutes } from './routes/gateway.js';
import { registryRoutes } from './routes/registry.js';
import { gateRoutes } from './routes/gate.js';
import { manifestUnitRoutes } from './routes/manifest-units.js';
import { sendWebIndex, webRoutes } from './routes/web.js';
import { PublicReports } from './public-reports.js';
import { webDistDir } from './web-build.js';

export interface RouteEntry {
  method: string;
  url: string;
  /** It has an onRequest hook: the access-token and role guard. */
  guarded: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

/** Requests are logged by method and URL only, with any access token in the URL (the /live websocket's) blanked. */
const redactedRequest = (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/access_token=[^&]*/, 'access_token=…') });

function withRedaction(logger: boolean | object): boolean | object {
  if (logger === false) return false;
  const base = logger === true ? {} : (logger as { serializers?: object });
  return { ...base, serializers: { ...(base.serializers ?? {}), req: redactedRequest } };
}

/** `webDist`: where the built web app is (web/dist by default; a test or the screenshots build elsewhere). */
export async function buildApp(ctx: Context, opts: { logger?: boolean | object; webDist?: string } = {}): Promise<FastifyInstance> {
  const webDist = opts.webDist ?? webDistDir();
  const app = Fastify({
    logger: withRedaction(opts.logger ?? false),
    bodyLimit: 1 << 20,
    frameworkErrors: frameworkError, // router errors (a bad URL) as problem+json too
    // A path parameter of any length reaches its route, whose schema refuses it with a 400 (over
    // find-my-way's default of 100, /ledger/entries/<long> fell through to the web app's 404).
    routerOptions: { maxParamLength: 16 * 1024 },
    // Unknown fields are refused, not stripped, and nothing is silently coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  // Every route as registered, for the role × route matrix test: a route without a rule fails it.
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routeTable.push({ method: String(method), url: r.url, guarded: Boolean(r.onRequest) });
  });
  app.decorate('routeTable', routeTable);
  await app.register(swagger, {
    openapi: {
      info: { title: 'hazledger', version: '0.1.0', description: 'Hazardous-waste traceability ledger. Errors are RFC 9457 problem+json with a stable code.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  installProblemHandlers(app);
  installTextGuard(app);
  await installSecurity(app, ctx.config.security);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  ledgerRoutes(app, { reader: ctx.reader, vkey: ctx.key.vkey });
  cosignedRoutes(app, { sql: ctx.db.sql });
  authRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  loginRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  unitRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, reader: ctx.reader, vkey: ctx.key.vkey });
  labelRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  manifestRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, reader: ctx.reader, vkey: ctx.key.vkey });
  manifestChangeRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  manifestDocumentRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  managementLedgerRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  offlineRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  findingRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  inspectionRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, limits: ctx.config.findingLimits });
  webhookRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, targets: ctx.webhooks.targets });
  publicRoutes(app, {
    custody: ctx.custody, reader: ctx.reader, tokens: ctx.tokens, reports: new PublicReports(ctx.config.dataDir), live: ctx.live,
    page: (reply) => sendWebIndex(reply, webDist), publicPerMinute: ctx.config.security.publicPerMinute,
  });
  await cameraRoutes(app, { custody: ctx.custody, dataDir: ctx.config.dataDir });
  await liveRoutes(app, { tokens: ctx.tokens, live: ctx.live });
  gatewayRoutes(app, { custody: ctx.custody, tokens: ctx.tokens });
  deviceRoutes(app, { custody: ctx.custody, tokens: ctx.tokens });
  registryRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, limits: ctx.config.findingLimits });
  gateRoutes(app, { tokens: ctx.tokens, custody: ctx.custody, dataDir: ctx.config.dataDir });
  manifestUnitRoutes(app, { tokens: ctx.tokens, custody: ctx.custody });
  await webRoutes(app, { distDir: webDist }); // last: pages for whatever no route above answers
  await app.ready();
  return app;
}
