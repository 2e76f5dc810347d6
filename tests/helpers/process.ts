// Real `hazledger` processes for the reliability tests: the server started as a child, the CLI
// run to the end, and a small HTTP client that talks to the child over loopback.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PEOPLE } from '../../server/registry/demo-people.js';
import { testDatabaseUrl } from '../../server/config.js';
import { createPgDatabase } from './databases.js';
import { seedPglite } from './pglite-template.js';
import type { Who } from './api.js';

/** The shared PostgreSQL cluster (never restarted by a test): CI's TEST_DATABASE_URL, or the local default. */
export const SHARED_PG = testDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

export type Env = Record<string, string>;

/** A data directory, and on PostgreSQL a fresh database of the shared cluster: the environment for `hazledger`. */
export async function serverPlace(driver: 'pglite' | 'postgres', extra: Env = {}): Promise<{ env: Env; dataDir: string; url?: string; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `hz-rel-${driver}-`));
  const db = driver === 'postgres' ? await createPgDatabase(SHARED_PG, 'hz_rel') : undefined;
  if (!db) seedPglite(dataDir);
  const env: Env = { ...(process.env as Env), HAZLEDGER_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', HAZLEDGER_DEMO: '0', HAZLEDGER_FINDINGS: '0', HAZLEDGER_WEB_BUILD: '0', ...extra };
  delete env.DATABASE_URL;
  if (db) env.DATABASE_URL = db.url;
  return {
    env, dataDir, url: db?.url,
    async dispose() {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `hazledger ARGS` run to its end. */
export function hazledger(args: string[], env: Env, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/hazledger.mjs', ...args], { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (or another signal), resolved once it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

// Children still running when the test process ends (a failed or timed-out test) are killed with it.
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/** SIGKILL every server child still running (for afterAll). */
export async function killServers(): Promise<void> {
  await Promise.all([...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGKILL'))))));
}

/** `hazledger start` as a child on its own port, resolved once /healthz answers. */
export async function startServer(env: Env, timeoutMs = 180_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/hazledger.mjs', 'start'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url, child, exited,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  for (const until = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${out}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return server;
    if (Date.now() > until) {
      await server.kill();
      throw new Error(`the server did not come up: ${out}`);
    }
  }
}

/** A demo person's session against a server over HTTP. */
export class HttpClient {
  constructor(readonly base: string, readonly token: string) {}

  static async login(base: string, who: Who): Promise<HttpClient> {
    const p = DEMO_PEOPLE.find((x) => x.username === who)!;
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: p.username, password: p.password }) });
    if (res.status !== 200) throw new Error(`login ${who}: ${res.status} ${await res.text()}`);
    return new HttpClient(base, (await res.json()).accessToken);
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }
}
