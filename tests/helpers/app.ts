// A running app on a fresh database of the given driver, with the pilot park seeded.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { createContext, type Context } from '../../server/context.js';
import { testPlace, type Driver, type TestPlace } from './databases.js';

export interface TestApp {
  place: TestPlace;
  ctx: Context;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** `web.webDist`: a web build to serve (without one, pages answer 503 on a clone that never built web/dist). */
export async function openTestApp(driver: Driver, overrides: Partial<Config> = {}, web: { webDist?: string } = {}): Promise<TestApp> {
  const place = await testPlace(driver);
  const ctx = await createContext(place.config({ seed: true, ...overrides }));
  await ctx.sequencer.idle();
  const app = await buildApp(ctx, { webDist: web.webDist });
  return {
    place,
    ctx,
    app,
    async close() {
      await app.close();
      await ctx.close();
      await place.dispose();
    },
  };
}
