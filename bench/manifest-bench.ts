// Full transfer manifests over HTTP (issue 4): 40 units each, from pickup to closing, `clients`
// manifests in flight at once, against GET /healthz on the same server with the same clients in
// the same run. The units are registered and weighed, and each manifest drafted and signed, before
// the clock starts; the timed part is pickup (40 scans), arrival, receipt (40 decisions with
// weights) and 40 treatments, the last of which closes the manifest: 43 requests a manifest.
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createContext } from '../server/context.js';
import { loadPilotPark } from '../server/registry/seed.js';
import { GENERATION_DAYS, WEIGHTS, type Kind, type ManifestJob, type PreparedManifest, type RunResult } from './manifest-load.js';
import { fmt, printFigures, summary } from './stats.js';

export const UNITS_PER_MANIFEST = 40;
/** Requests of the timed part of one manifest: pickup, arrival, receipt, a treatment per unit. */
const REQUESTS_PER_MANIFEST = 3 + UNITS_PER_MANIFEST;
const RECEIVER_LICENCE = 'lic-dongxin';

function inWorker<T>(job: ManifestJob): Promise<T> {
  const boot = new URL('./http-load-boot.mjs', import.meta.url);
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { workerData: { script: './manifest-load.ts', job } });
    let answered = false;
    w.once('message', (m: { ok: true; result: T } | { ok: false; error: string }) => {
      answered = true;
      void w.terminate();
      if (m.ok) resolve(m.result);
      else reject(new Error(`manifest bench client (${job.mode}): ${m.error}`));
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!answered) reject(new Error(`manifest bench client (${job.mode}) exited with ${code} before answering`));
    });
  });
}

/** Refuse a run that the fixtures cannot carry, rather than fail half-way through it. */
function checkFits(total: number): { plate: string } {
  const { park } = loadPilotPark();
  const licence = park.licences.find((l) => l.id === RECEIVER_LICENCE)!;
  const tonnes = (total * UNITS_PER_MANIFEST * WEIGHTS.receiptNetKg) / 1000;
  if (tonnes > licence.tonnesPerYear) {
    throw new Error(`${total} manifests would treat ${fmt(tonnes, 0)} t, past ${RECEIVER_LICENCE}'s ${licence.tonnesPerYear} t a year: use fewer --manifests`);
  }
  if (total * UNITS_PER_MANIFEST > 999 * GENERATION_DAYS) throw new Error(`more than ${999 * GENERATION_DAYS} units: the HJ 1276 sequence has 3 digits a producer a day`);
  // The first org-anyun vehicle that can carry a full manifest by the producer's weights.
  const load = UNITS_PER_MANIFEST * Number(WEIGHTS.producer.grossKg);
  const vehicle = park.vehicles.find((v) => v.orgId === 'org-anyun' && v.ratedLoadKg >= load);
  if (!vehicle) throw new Error(`no org-anyun vehicle rated for ${load} kg`);
  return { plate: vehicle.plate };
}

export async function runManifestBench(opts: { databaseUrl?: string; dataDir: string; manifests: number; clients: number; healthz: number; driver: string }): Promise<void> {
  const { manifests: total, clients } = opts;
  // A warm-up round of `clients` manifests, run before the clock starts.
  const warm = clients;
  const { plate } = checkFits(total + warm);
  // The registry seed brings the demo accounts; HAZLEDGER_DEMO=0 keeps the demo history (weeks of
  // manifests, treatments counted against the licence) out of the log the bench starts from.
  const config = loadConfig({ HAZLEDGER_DEMO: '0' }, { databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, seed: true, logLevel: 'silent', accessTtl: 86400 });
  const ctx = await createContext(config);
  await ctx.sequencer.idle();
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = async (username: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: `${username}-demo` } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      return res.json().accessToken as string;
    };
    const [producer, driver, operator] = [await login('producer'), await login('driver'), await login('operator')];
    const entries = async () => Number((await ctx.db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_entries'))[0].n);

    let t = performance.now();
    const prepared = await inWorker<PreparedManifest[]>({ mode: 'prepare', base, clients, token: producer, manifests: total + warm, unitsPerManifest: UNITS_PER_MANIFEST, firstManifest: 0, plate });
    await ctx.sequencer.idle();
    console.log(`  prepared ${total + warm} manifests × ${UNITS_PER_MANIFEST} units (registered, weighed, drafted, signed; untimed) in ${fmt((performance.now() - t) / 1000, 1)} s, vehicle ${plate}`);

    const healthz = async () => {
      const h = await inWorker<{ seconds: number }>({ mode: 'healthz', base, clients, requests: opts.healthz });
      return opts.healthz / h.seconds;
    };
    const healthBefore = await healthz();

    t = performance.now();
    const warmed = await inWorker<RunResult>({ mode: 'run', base, clients, tokens: { driver, operator }, manifests: prepared.slice(0, warm), plate });
    await ctx.sequencer.idle();
    console.log(`  warm-up: ${warmed.closed} manifests closed in ${fmt((performance.now() - t) / 1000, 1)} s (untimed)`);

    const before = await entries();
    const r = await inWorker<RunResult>({ mode: 'run', base, clients, tokens: { driver, operator }, manifests: prepared.slice(warm), plate });
    await ctx.sequencer.idle();
    const sealed = (await entries()) - before;
    const healthAfter = await healthz();

    // Untimed: every manifest of the run is closed, as its parties see it over HTTP.
    const open: string[] = [];
    for (const m of prepared) {
      const res = await app.inject({ method: 'GET', url: `/api/manifests/${m.id}`, headers: { authorization: `Bearer ${operator}` } });
      if (res.statusCode !== 200 || res.json().state !== 'closed') open.push(`${m.id}: ${res.statusCode} ${res.json().state ?? res.body}`);
    }
    if (r.closed !== total || r.requests !== total * REQUESTS_PER_MANIFEST || open.length > 0) {
      throw new Error(`manifests bench: ${r.closed}/${total} closed, ${r.requests} requests; not closed: ${open.slice(0, 5).join('; ')}`);
    }

    const health = (healthBefore + healthAfter) / 2;
    const perSecond = total / r.seconds;
    const steps = r.requests / r.seconds;
    const whole = summary(r.latencies);
    const stepLatency = summary(Object.values(r.byKind).flat());
    console.log(`  GET /healthz, ${clients} clients: ${fmt(healthBefore, 0)}/s before, ${fmt(healthAfter, 0)}/s after the timed run`);
    console.log(`  ${total} manifests in ${fmt(r.seconds, 2)} s: ${fmt(perSecond, 2)} manifests/s (one manifest p50 ${fmt(whole.p50 / 1000, 2)} s, p99 ${fmt(whole.p99 / 1000, 2)} s), ` +
      `${fmt(steps, 0)} requests/s, ${fmt(sealed / r.seconds, 0)} sealed entries/s (${fmt(sealed / total, 0)} a manifest)`);
    for (const kind of ['pickup', 'arrival', 'receipt', 'treatment'] as Kind[]) {
      const s = summary(r.byKind[kind]);
      console.log(`    ${kind.padEnd(9)}  ${String(r.byKind[kind].length).padStart(5)} requests  p50 ${fmt(s.p50, 1)} ms  p99 ${fmt(s.p99, 1)} ms  max ${fmt(s.max, 1)} ms`);
    }
    // Treatment reads the licence's year so far from the log: see whether it slows as the log grows.
    const tr = r.byKind.treatment;
    const quarter = Math.floor(tr.length / 4);
    console.log(`    treatment p50, first quarter of the run ${fmt(summary(tr.slice(0, quarter)).p50, 1)} ms, last quarter ${fmt(summary(tr.slice(-quarter)).p50, 1)} ms`);
    console.log(`  all ${prepared.length} manifests closed; bench process (server and clients) peak RSS ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MB`);

    printFigures(`Figures (manifests, ${opts.driver}):`, [
      {
        what: `full manifest, ${UNITS_PER_MANIFEST} units pickup → closed, ${clients} concurrent`,
        value: `${fmt(perSecond, 2)} manifests/s p99 ${fmt(whole.p99 / 1000, 2)} s`,
        baseline: `GET /healthz ${fmt(health, 0)}/s`,
        ratio: perSecond / health,
        goal: 'for the record (issue 4)',
      },
      {
        what: `its ${REQUESTS_PER_MANIFEST} requests (pickup, arrival, receipt, ${UNITS_PER_MANIFEST} treatments)`,
        value: `${fmt(steps, 0)}/s p99 ${fmt(stepLatency.p99, 1)} ms`,
        baseline: `GET /healthz ${fmt(health, 0)}/s`,
        ratio: steps / health,
        goal: 'for the record',
      },
    ]);
  } finally {
    await app.close();
    await ctx.close();
  }
}
