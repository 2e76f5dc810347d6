// `npm start` on an empty data directory: it serves, seals the registry, holds the data directory
// against a second process, and stops cleanly on SIGTERM, releasing it.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint, parseVkey } from '../../ledger/index.js';
import { lockDataDir } from '../../server/db/lock.js';
import { loadPilotPark, registryEnvelopes } from '../../server/registry/seed.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hz-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(port: number): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HAZLEDGER_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', HAZLEDGER_DEMO: '0' };
  delete e.DATABASE_URL;
  return e;
}

/** A port nobody listens on now: the system's pick, released for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// On a fresh clone `npm start` first builds the web app with Vite, on a CI machine busy with other
// files' browsers and servers: its first start is given minutes, not seconds. A server that exits
// meanwhile fails the wait at once, with its exit status.
async function waitFor(url: string, exited: Promise<string>, ms = 150_000): Promise<void> {
  let exit: string | undefined;
  void exited.then((how) => (exit = how));
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (exit !== undefined) throw new Error(`the server exited (${exit}) before ${url} answered`);
    if (Date.now() > until) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signal the server's process group; one already gone is no error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

describe('npm start', () => {
  it('serves the pilot park on an embedded database, refuses a second process, stops on SIGTERM', async () => {
    const port = await freePort();
    // Its own process group, signalled as a terminal's Ctrl-C or a supervisor would (npm's shell does
    // not pass signals on by itself).
    const server = spawn('npm', ['start', '--silent'], { env: env(port), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    server.stdout.on('data', (d) => (output += d));
    server.stderr.on('data', (d) => (output += d));
    const exited = new Promise<string>((r) => server.on('exit', (code, sig) => r(sig ? `signal ${sig}` : `code ${code}`)));
    let phase = 'starting';
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, exited);
      phase = 'sealing the registry';
      const vkey = parseVkey(await (await fetch(`http://127.0.0.1:${port}/ledger/vkey`)).text());
      const registry = registryEnvelopes(loadPilotPark().park, '').length;
      for (let i = 0; i < 50; i++) {
        const cp = openCheckpoint(await (await fetch(`http://127.0.0.1:${port}/ledger/checkpoint`)).text(), vkey);
        if (cp.size === registry) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const cp = openCheckpoint(await (await fetch(`http://127.0.0.1:${port}/ledger/checkpoint`)).text(), vkey);
      expect(cp.size).toBe(registry);

      // A second process on the same data directory is refused with a clear message.
      phase = 'a second process';
      const second = await run('node', ['bin/hazledger.mjs', 'verify'], { env: env(port + 1) }).catch((e) => e);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/data directory .* is in use by process \d+/);
    } catch (e) {
      throw new Error(`${phase}: ${(e as Error).message}\nserver output:\n${output}`);
    } finally {
      signal(server.pid!, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 20_000, false))]);
      if (!stopped) signal(server.pid!, 'SIGKILL');
      expect(stopped, `the server did not stop within 20 s of SIGTERM; its output:\n${output}`).toBe(true);
    }
    // The server closes the database and releases the directory.
    for (let i = 0; i < 100 && existsSync(join(dir, 'hazledger.lock')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dir, 'hazledger.lock'))).toBe(false);
    // After it stopped, the directory is free and the log verifies.
    const verified = await run('node', ['bin/hazledger.mjs', 'verify'], { env: env(port) });
    expect(verified.stdout).toMatch(/^OK: \d+ entries/m);
  }, 240_000);

  it('takes over a lock left by a process that died, and refuses one held by a live process', () => {
    const d = mkdtempSync(join(tmpdir(), 'hz-lock-'));
    writeFileSync(join(d, 'hazledger.lock'), '999999999\n'); // no such process
    const release = lockDataDir(d);
    expect(() => lockDataDir(d)).toThrow(/in use by process/);
    release();
    writeFileSync(join(d, 'hazledger.lock'), `${process.ppid}\n`); // alive
    expect(() => lockDataDir(d)).toThrow(new RegExp(`in use by process ${process.ppid}`));
    rmSync(d, { recursive: true, force: true });
  });
});
