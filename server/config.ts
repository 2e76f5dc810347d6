// The only reader of the environment. Everything else takes a Config.
import { resolve } from 'node:path';
import { checkManifestNumberFormat, DEFAULT_MANIFEST_NUMBER } from './custody/manifest-number.js';
import { DEFAULT_LIMITS, type FindingLimits } from './findings/limits.js';
import { DEFAULT_WEBHOOKS, type WebhookSettings } from './alerts/dispatcher.js';
import { DEFAULT_SECURITY, type SecuritySettings } from './security.js';
import { parseCidr } from './alerts/webhook-targets.js';
import { parseVkey } from '../ledger/note.js';
import { parseCosignerVkey } from '../ledger/cosignature.js';

export interface Config {
  /** HTTP port (PORT, default 8080). */
  port: number;
  /** Interface to bind (HOST, default 0.0.0.0). */
  host: string;
  /** Data directory: PGlite files, the checkpoint key, pictures (HAZLEDGER_DATA_DIR, default ./data). */
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite in the data directory is used. */
  databaseUrl?: string;
  /** Checkpoint origin line and key name (HAZLEDGER_ORIGIN). */
  origin: string;
  /** Base64 Ed25519 seed for checkpoints (HAZLEDGER_CHECKPOINT_KEY); otherwise generated into the data directory. */
  checkpointKey?: string;
  /** Largest number of entries sealed in one batch (HAZLEDGER_MAX_BATCH, default 1000). */
  maxBatch: number;
  /** Seal the pilot park registry on an empty log (HAZLEDGER_SEED, default on). */
  seed: boolean;
  /** Fastify log level (LOG_LEVEL, default info). */
  logLevel: string;
  /** HS256 secret for access tokens (HAZLEDGER_JWT_SECRET); otherwise generated into the data directory. */
  jwtSecret?: string;
  /** Access token lifetime in seconds (HAZLEDGER_ACCESS_TTL, default 900). */
  accessTtl: number;
  /** Refresh token lifetime in seconds (HAZLEDGER_REFRESH_TTL, default 7 days). */
  refreshTtl: number;
  /** Public base URL, for the GS1 Digital Link in drum QR codes (HAZLEDGER_PUBLIC_URL). */
  publicUrl: string;
  /** GS1 company prefixes of the park's drums, comma separated (HAZLEDGER_GS1_PREFIXES, default the demo 6901234). */
  gs1CompanyPrefixes: string[];
  /** Manifest number template (HAZLEDGER_MANIFEST_NUMBER) and 2-digit province code (HAZLEDGER_PROVINCE, default 33, Zhejiang). */
  manifestNumber: { template: string; province: string };
  /** Seed a few weeks of demo park history after the registry on an empty log (HAZLEDGER_DEMO, default on). */
  demo: boolean;
  /** Seed of the demo history's plan (HAZLEDGER_DEMO_SEED, default 20261128): the same seed, the same history. */
  demoSeed: number;
  /** Run the finding rules over the log (HAZLEDGER_FINDINGS, default on). */
  findings: boolean;
  /** Their tolerances and time limits (HAZLEDGER_FINDING_*; defaults in server/findings/limits.ts). */
  findingLimits: FindingLimits;
  /** Webhook delivery (HAZLEDGER_WEBHOOK_*; defaults in server/alerts/dispatcher.ts). */
  webhooks: WebhookSettings;
  /** C2SP tlog-witnesses asked to cosign each checkpoint (HAZLEDGER_WITNESSES: `url=vkey`, comma or space separated). */
  witnesses: WitnessEndpoint[];
  /** CORS origins and rate limits (HAZLEDGER_CORS_ORIGINS, HAZLEDGER_RATE_LOGIN, HAZLEDGER_RATE_PUBLIC). */
  security: SecuritySettings;
  /** Build the web app at start when web/dist is stale (HAZLEDGER_WEB_BUILD, default on; tests that start many servers turn it off). */
  webBuild: boolean;
  /**
   * Reliability tests only: the probability (0…1) that the server SIGKILLs itself inside a batch,
   * computed and signed but not yet written (HAZLEDGER_CRASH_IN_BATCH, default 0: never).
   */
  crashInBatch: number;
}

/** A witness the log submits to: its submission prefix and its cosigner vkey (type 0x04). */
export interface WitnessEndpoint {
  url: string;
  vkey: string;
}

export const DEFAULT_ORIGIN = 'linhai.hazledger.example/log';
export const DEFAULT_DEMO_SEED = 20261128;

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function findingLimits(env: Env): FindingLimits {
  const d = DEFAULT_LIMITS;
  return {
    weightTolerance: decimal(env, 'HAZLEDGER_FINDING_WEIGHT_TOLERANCE', d.weightTolerance, 0, 1),
    weightToleranceKg: decimal(env, 'HAZLEDGER_FINDING_WEIGHT_TOLERANCE_KG', d.weightToleranceKg, 0, 100000),
    transitHours: decimal(env, 'HAZLEDGER_FINDING_TRANSIT_HOURS', d.transitHours, 0, 24 * 365),
    receiptHours: decimal(env, 'HAZLEDGER_FINDING_RECEIPT_HOURS', d.receiptHours, 0, 24 * 365),
    storageDays: int(env, 'HAZLEDGER_FINDING_STORAGE_DAYS', d.storageDays, 0, 3650), // whole days, as the storage page filters by them
    scanSeconds: int(env, 'HAZLEDGER_FINDING_SCAN_SECONDS', d.scanSeconds, 0, 86400),
    auditMinutes: int(env, 'HAZLEDGER_FINDING_AUDIT_MINUTES', d.auditMinutes, 0, 525600),
  };
}

function webhookSettings(env: Env): WebhookSettings {
  const d = DEFAULT_WEBHOOKS;
  return {
    attempts: int(env, 'HAZLEDGER_WEBHOOK_ATTEMPTS', d.attempts, 1, 100),
    backoffSeconds: decimal(env, 'HAZLEDGER_WEBHOOK_BACKOFF_SECONDS', d.backoffSeconds, 0, 86400),
    disableAfter: int(env, 'HAZLEDGER_WEBHOOK_DISABLE_AFTER', d.disableAfter, 1, 1000),
    timeoutMs: int(env, 'HAZLEDGER_WEBHOOK_TIMEOUT_MS', d.timeoutMs, 100, 120000),
    tickSeconds: decimal(env, 'HAZLEDGER_WEBHOOK_TICK_SECONDS', d.tickSeconds, 0.01, 3600),
    allowedNetworks: networks(env, 'HAZLEDGER_WEBHOOK_ALLOW'),
  };
}

/** A comma-separated list of networks (CIDRs), each checked now so that a typo stops the start. */
function networks(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const cidr of list) parseCidr(cidr);
  return list;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be 0 or 1, got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const origin = env.HAZLEDGER_ORIGIN || DEFAULT_ORIGIN;
  if (/[\s+]/.test(origin)) throw new Error('HAZLEDGER_ORIGIN must not contain spaces or "+"');
  checkManifestNumberFormat({ template: env.HAZLEDGER_MANIFEST_NUMBER || DEFAULT_MANIFEST_NUMBER, province: env.HAZLEDGER_PROVINCE || '33' });
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.HAZLEDGER_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    origin,
    checkpointKey: env.HAZLEDGER_CHECKPOINT_KEY || undefined,
    maxBatch: int(env, 'HAZLEDGER_MAX_BATCH', 1000, 1, 5000),
    seed: flag(env, 'HAZLEDGER_SEED', true),
    logLevel: env.LOG_LEVEL || 'info',
    jwtSecret: env.HAZLEDGER_JWT_SECRET || undefined,
    accessTtl: int(env, 'HAZLEDGER_ACCESS_TTL', 900, 30, 86400),
    refreshTtl: int(env, 'HAZLEDGER_REFRESH_TTL', 7 * 86400, 60, 90 * 86400),
    publicUrl: (env.HAZLEDGER_PUBLIC_URL || `http://localhost:${env.PORT || 8080}`).replace(/\/+$/, ''),
    gs1CompanyPrefixes: (env.HAZLEDGER_GS1_PREFIXES || '6901234').split(',').map((p) => p.trim()).filter(Boolean),
    manifestNumber: { template: env.HAZLEDGER_MANIFEST_NUMBER || DEFAULT_MANIFEST_NUMBER, province: env.HAZLEDGER_PROVINCE || '33' },
    demo: flag(env, 'HAZLEDGER_DEMO', true),
    demoSeed: int(env, 'HAZLEDGER_DEMO_SEED', DEFAULT_DEMO_SEED, 0, 2 ** 32 - 1),
    findings: flag(env, 'HAZLEDGER_FINDINGS', true),
    findingLimits: findingLimits(env),
    webhooks: webhookSettings(env),
    security: {
      corsOrigins: (env.HAZLEDGER_CORS_ORIGINS || '').split(',').map((o) => o.trim()).filter(Boolean),
      loginPerMinute: int(env, 'HAZLEDGER_RATE_LOGIN', DEFAULT_SECURITY.loginPerMinute, 1, 100000),
      publicPerMinute: int(env, 'HAZLEDGER_RATE_PUBLIC', DEFAULT_SECURITY.publicPerMinute, 1, 1000000),
    },
    witnesses: witnessEndpoints(env.HAZLEDGER_WITNESSES),
    webBuild: flag(env, 'HAZLEDGER_WEB_BUILD', true),
    crashInBatch: decimal(env, 'HAZLEDGER_CRASH_IN_BATCH', 0, 0, 1),
    ...overrides,
  };
}

const listItems = (raw: string | undefined) => (raw ?? '').split(/[\s,]+/).filter(Boolean);

function witnessEndpoints(raw: string | undefined): WitnessEndpoint[] {
  return listItems(raw).map((item) => {
    const m = /^(https?:\/\/[^=\s]+)=(.+)$/.exec(item);
    if (!m) throw new Error(`HAZLEDGER_WITNESSES: ${JSON.stringify(item)} is not url=vkey (an http(s) URL without "=")`);
    try {
      new URL(m[1]);
      parseCosignerVkey(m[2]);
    } catch (e) {
      throw new Error(`HAZLEDGER_WITNESSES: ${JSON.stringify(item)}: ${(e as Error).message}`);
    }
    return { url: m[1].replace(/\/+$/, ''), vkey: m[2] };
  });
}

/** `hazledger witness`: a C2SP tlog-witness with its own key and state. */
export interface WitnessConfig {
  /** Its directory: key, lock, the latest checkpoint per log, refused evidence (HAZLEDGER_WITNESS_DIR, default ./witness-data). */
  dir: string;
  /** HTTP port (HAZLEDGER_WITNESS_PORT, default 8090) and interface (HAZLEDGER_WITNESS_HOST, else HOST, default 0.0.0.0). */
  port: number;
  host: string;
  /** The cosigner's key name (HAZLEDGER_WITNESS_NAME, default witness.hazledger.example/w1). */
  name: string;
  /** Base64 Ed25519 seed (HAZLEDGER_WITNESS_KEY); otherwise generated into the directory. */
  key?: string;
  /** The logs it witnesses (HAZLEDGER_WITNESS_LOGS: `origin=vkey`, or a bare vkey for origin = key name; comma or space separated). */
  logs: { origin: string; vkey: string }[];
  /** LOG_LEVEL, default info. */
  logLevel: string;
}

export function loadWitnessConfig(env: Env = process.env): WitnessConfig {
  const name = env.HAZLEDGER_WITNESS_NAME || 'witness.hazledger.example/w1';
  if (/[\s+]/.test(name)) throw new Error('HAZLEDGER_WITNESS_NAME must not contain spaces or "+"');
  const logs = listItems(env.HAZLEDGER_WITNESS_LOGS).map((item) => {
    const m = /^([^=+\s]+)=(.+)$/.exec(item);
    try {
      const key = parseVkey(m ? m[2] : item);
      return { origin: m ? m[1] : key.name, vkey: m ? m[2] : item };
    } catch (e) {
      throw new Error(`HAZLEDGER_WITNESS_LOGS: ${JSON.stringify(item)}: ${(e as Error).message}`);
    }
  });
  if (logs.length === 0) throw new Error('HAZLEDGER_WITNESS_LOGS is empty: give the logs to witness as origin=vkey');
  return {
    dir: resolve(env.HAZLEDGER_WITNESS_DIR || './witness-data'),
    port: int(env, 'HAZLEDGER_WITNESS_PORT', 8090, 0, 65535),
    host: env.HAZLEDGER_WITNESS_HOST || env.HOST || '0.0.0.0',
    name,
    key: env.HAZLEDGER_WITNESS_KEY || undefined,
    logs,
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/** Only for the test suite: the PostgreSQL server to run the database suite against as well. */
export const testDatabaseUrl = (env: Env = process.env): string | undefined => env.TEST_DATABASE_URL || undefined;

/** Only for `npm run bench`: the PostgreSQL server to create a scratch database on. */
export const benchDatabaseUrl = (env: Env = process.env): string =>
  env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
