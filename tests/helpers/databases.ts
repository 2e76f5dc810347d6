// One test suite, both drivers: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
// Every call gets a database of its own, dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, testDatabaseUrl, type Config } from '../../server/config.js';
import { openDatabase, type Database } from '../../server/db/open.js';
import { seedPglite } from './pglite-template.js';

export type Driver = 'pglite' | 'postgres';

export const DRIVERS: Driver[] = testDatabaseUrl() ? ['pglite', 'postgres'] : ['pglite'];

export interface TestPlace {
  driver: Driver;
  /** A data directory of its own (PGlite files, checkpoint key). */
  dataDir: string;
  /** PostgreSQL URL of a fresh database, for the postgres driver. */
  url?: string;
  config(overrides?: Partial<Config>): Config;
  /** Open the place's database (PGlite in its data directory). */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

let counter = 0;

/** A fresh database on the server of `admin` (a URL), and the function that drops it. */
export async function createPgDatabase(admin = testDatabaseUrl()!, prefix = 'hz_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function testPlace(driver: Driver): Promise<TestPlace> {
  const dataDir = mkdtempSync(join(tmpdir(), `hz-${driver}-`));
  const pgdb = driver === 'postgres' ? await createPgDatabase() : undefined;
  if (!pgdb) seedPglite(dataDir);
  return {
    driver,
    dataDir,
    url: pgdb?.url,
    config: (overrides = {}) =>
      loadConfig({}, { dataDir, databaseUrl: pgdb?.url, seed: false, demo: false, findings: false, logLevel: 'silent', port: 0, host: '127.0.0.1', ...overrides }),
    open: () => openDatabase({ url: pgdb?.url, dataDir: pgdb ? undefined : dataDir }),
    async dispose() {
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment a child `hazledger` process needs to use this place. */
export function placeEnv(place: TestPlace): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), HAZLEDGER_DATA_DIR: place.dataDir, HAZLEDGER_SEED: '0', HAZLEDGER_DEMO: '0', HAZLEDGER_FINDINGS: '0' };
  delete env.DATABASE_URL;
  if (place.url) env.DATABASE_URL = place.url;
  return env;
}
