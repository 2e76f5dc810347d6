// The whole product under load (issue 9 part 1): the park simulator driving devices, gateway and
// API through a day of 10× the pilot park's volume compressed into the run, while 64 API clients
// (autocannon, in a worker thread) hit eight routes at once. Afterwards: no error, every created
// step in the log, the log's self-audit and the read-side replay clean; p99 latency per route,
// each against GET /healthz measured by the same tool on the same server just before.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { parseVkey } from '../ledger/index.js';
import { auditLedger } from '../ledger/store/audit/audit.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createContext } from '../server/context.js';
import { compareReadSide } from '../server/custody/replay.js';
import { encodeGrai96 } from '../server/units/identifiers/epc.js';
import autocannon from 'autocannon';
import type { ApiLoadJob, RouteFigures } from './api-load.js';
import { fmt, printFigures } from './stats.js';

export interface ParkLoadOptions {
  databaseUrl?: string;
  dataDir: string;
  driver: string;
  seconds: number;
  connections: number;
  /** Manifests in the simulator's day (16 × 7 drums ≈ 10× the pilot park's ~1.6 manifests and ~11 drums a day). */
  manifests: number;
}

/** Drums on each simulated manifest. */
export const PARK_UNITS = 7;

/** The simulator's working day (08:00–18:00, simulated) compressed into the run. */
const simulatorArgs = (o: ParkLoadOptions) => ['--manifests', String(o.manifests), '--units-per-manifest', String(PARK_UNITS), '--speed', String(Math.max(60, Math.round(36_000 / o.seconds))), '--seed', '1'];

function apiLoad(job: ApiLoadJob): Promise<RouteFigures[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./http-load-boot.mjs', import.meta.url), { workerData: { ...job, script: './api-load.ts' } });
    w.once('message', (m: { ok: true; result: RouteFigures[] } | { ok: false; error: string }) => {
      void w.terminate();
      if (m.ok) resolve(m.result);
      else reject(new Error(`api load: ${m.error}`));
    });
    w.once('error', reject);
  });
}

/** `hazledger simulate` against the server, as a child process; resolves with its exit code and last lines. */
function simulate(base: string, args: string[]): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/hazledger.mjs', 'simulate', '--server', base, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code) => resolve({ code: code ?? 1, tail: out.trim().split('\n').slice(-6).join('\n') }));
  });
}

export async function runParkLoadBench(opts: ParkLoadOptions): Promise<void> {
  const config = loadConfig({ HAZLEDGER_DEMO: '0', HAZLEDGER_RATE_PUBLIC: '1000000', HAZLEDGER_RATE_LOGIN: '100000' }, {
    databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, seed: true, logLevel: 'silent', webBuild: false,
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const token = async (username: string) => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: `${username}-demo` } })).json().accessToken as string;
    const tokens = { producer: await token('producer'), operator: await token('operator'), inspector: await token('inspector') };
    // Untimed: a pool of drums for the weighing route (and the public page), in batches of 500.
    const pool: string[] = [];
    const grais: string[] = [];
    for (let at = 0; at < 2000; at += 500) {
      const units = Array.from({ length: 500 }, (_, i) => ({
        eventId: `park-load-pool-${at + i}`, siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
        containerType: '钢桶', volumeL: 200, components: '甲苯残渣', generationDate: new Date(Date.UTC(2025, 0, 1 + Math.floor((at + i) / 900))).toISOString().slice(0, 10),
        epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 3_000_000 + at + i }), // tagged: a GRAI for the public page
      }));
      const res = await app.inject({ method: 'POST', url: '/api/units', headers: { authorization: `Bearer ${tokens.producer}` }, payload: { units } });
      if (res.statusCode !== 201) throw new Error(`pool: ${res.statusCode} ${res.body.slice(0, 300)}`);
      for (const u of res.json().units as { unit: { id: string; grai: string | null } }[]) {
        pool.push(u.unit.id);
        if (u.unit.grai) grais.push(u.unit.grai);
      }
    }
    if (grais.length !== pool.length) throw new Error(`pool: ${grais.length} of ${pool.length} drums have a GRAI`);
    await ctx.sequencer.idle();
    const count = async () => Number((await ctx.db.sql.query<{ n: string }>('SELECT size::text AS n FROM ledger_head'))[0].n);
    const healthz = await autocannon({ url: `${base}/healthz`, connections: opts.connections, duration: Math.min(10, opts.seconds) });
    const before = await count();
    console.log(`  ${opts.connections} API clients on 8 routes for ${opts.seconds} s, the simulator's day of ${opts.manifests} manifests × ${PARK_UNITS} drums, log at ${before} entries`);
    const started = Date.now();
    const [routes, sim] = await Promise.all([
      apiLoad({ base, tokens, pool, grais, logSize: before, connections: opts.connections, seconds: opts.seconds, firstDay: '2026-01-01' }),
      simulate(base, simulatorArgs(opts)),
    ]);
    const took = (Date.now() - started) / 1000;
    await ctx.sequencer.idle();
    const after = await count();
    const created = routes.reduce((n, r) => n + r.created, 0);
    const failures = routes.filter((r) => r.non2xx > 0 || r.errors > 0);
    console.log(`  ran ${fmt(took, 1)} s; log ${before} → ${after} entries (${after - before} new: ${created} from the API clients' 201s, the rest the simulator's)`);
    console.log(`  simulator exited ${sim.code}:\n${sim.tail.replace(/^/gm, '    ')}`);
    const audit = await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey));
    const replay = await compareReadSide(ctx.db.sql);
    console.log(`  self-audit of ${audit.entries} entries: ${audit.breaks.length} breaks; read side against a replay: ${replay.length} differences`);
    for (const r of failures) console.log(`  ERRORS on ${r.route}: ${r.non2xx} non-2xx (${JSON.stringify(r.statuses)}), ${r.errors} connection errors or timeouts`);
    const ok = failures.length === 0 && sim.code === 0 && audit.breaks.length === 0 && replay.length === 0 && after - before >= created;
    console.log(`  ${ok ? 'no error, every step sealed, the log verifies' : 'FAILED: see above'}`);
    printFigures(`Figures (park load, ${opts.driver}, ${opts.connections} clients):`, routes.map((r) => ({
      what: `${r.route}: ${fmt(r.perSecond, 0)}/s, p50 ${r.p50} ms`,
      value: `p99 ${r.p99} ms (max ${r.max})`,
      baseline: `GET /healthz p99 ${healthz.latency.p99} ms, ${fmt(healthz.requests.average, 0)}/s`,
      ratio: r.perSecond / healthz.requests.average,
      goal: 'p99 for the record',
    })));
  } finally {
    await app.close();
    await ctx.close();
  }
}
