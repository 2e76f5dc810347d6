// Starts the server: the only place that listens.
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { createContext } from './context.js';
import { ensureWebBuilt } from './web-build.js';

export async function main(config: Config = loadConfig()): Promise<void> {
  const started = Date.now();
  // The web app builds (when web/src is newer than web/dist) while the database opens.
  const webBuilt = !config.webBuild ? Promise.resolve(false) : ensureWebBuilt(config.logLevel === 'silent' ? { info() {}, warn: (m: string) => console.warn(m) } : console);
  const ctx = await createContext(config, {
    onError: (e) => console.error(`sequencer: batch failed: ${e.message}`),
    // The demo history is seeded before the app exists, so before its logger: plain lines.
    onDemo: config.logLevel === 'silent' ? undefined : (m) => console.log(m),
    onFinding: config.logLevel === 'silent' ? undefined : (m) => console.log(m),
  });
  const app = await buildApp(ctx, {
    logger: { level: config.logLevel }, // buildApp keeps tokens out of the request lines
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await webBuilt;
  await app.listen({ port: config.port, host: config.host });
  const head = await ctx.reader.head();
  const where = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  app.log.info(`hazledger ready in ${Date.now() - started} ms on ${where}; log ${config.origin} at size ${head.size}`);
  app.log.info(`verifier key: ${ctx.key.vkey}`);
}
