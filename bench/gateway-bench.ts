// Reading to sealed through the gateway (issue 6): a real server on a fresh database, `units`
// drums registered with GRAI-96 tags, and a real Gateway (in a worker thread) holding the demo
// key of one of the park's readers records their tags at a steady rate (one run per rate); each reading is signed,
// fsynced to the outbox, sent over the websocket, verified, sealed as `unit.sighted` on the
// drum's chain, and answered. Latency: record() call → answer (gateway-load.ts); baseline in the
// same run: a GET /healthz round trip on the same server, one at a time, before and after.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createContext } from '../server/context.js';
import { demoPrivateJwk } from '../server/registry/demo-people.js';
import { encodeGrai96 } from '../server/units/identifiers/epc.js';
import type { GatewayJob, GatewayRun } from './gateway-load.js';
import { fmt, printFigures, summary } from './stats.js';

/**
 * Readers of the pilot park with demo keys: each rate runs on a reader of its own, so that every
 * run starts at seq 1 in a fresh outbox. A tag of an open drum read by any of them is sealed as
 * `unit.sighted` (no manifest is open in this bench).
 */
const DEVICES = ['dev-hengkang-rfid', 'dev-jinghe-rfid', 'dev-dongxin-rfid', 'dev-ruitai-rfid', 'dev-boyuan-rfid', 'dev-lvxun-rfid'];

function inWorker<T>(job: GatewayJob): Promise<T> {
  const boot = new URL('./http-load-boot.mjs', import.meta.url);
  return new Promise((resolve, reject) => {
    const w = new Worker(boot, { workerData: { script: './gateway-load.ts', job } });
    let answered = false;
    w.once('message', (m: { ok: true; result: T } | { ok: false; error: string }) => {
      answered = true;
      void w.terminate();
      if (m.ok) resolve(m.result);
      else reject(new Error(`gateway bench (${job.mode}): ${m.error}`));
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!answered) reject(new Error(`gateway bench (${job.mode}) exited with ${code} before answering`));
    });
  });
}

export interface GatewayBenchOptions {
  databaseUrl?: string;
  dataDir: string;
  driver: string;
  /** Readings a second: one run at each, in turn, on the same server. */
  rates: number[];
  seconds: number;
  units: number;
  /** GET /healthz round trips, before the runs and again after them. */
  healthz: number;
}

export async function runGatewayBench(opts: GatewayBenchOptions): Promise<void> {
  const config = loadConfig({ HAZLEDGER_DEMO: '0' }, { databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, seed: true, logLevel: 'silent' });
  const ctx = await createContext(config);
  await ctx.sequencer.idle();
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const outboxDir = mkdtempSync(join(tmpdir(), 'hazledger-bench-gateway-'));
  try {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'producer', password: 'producer-demo' } });
    if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
    const token = login.json().accessToken as string;
    // Untimed: the drums, tagged at registration, in batches of up to 500.
    const epcs = Array.from({ length: opts.units }, (_, i) => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 2_000_000 + i }));
    // HJ 1276 codes count 999 units a producer a day: a day back for every 999 drums.
    const day = (n: number) => new Date(Date.now() - (1 + Math.floor(n / 999)) * 86_400_000).toISOString().slice(0, 10);
    for (let at = 0; at < epcs.length; at += 500) {
      const units = epcs.slice(at, at + 500).map((epc, i) => ({
        eventId: `gw-bench-reg-${at + i}`, siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
        containerType: '钢桶', volumeL: 200, components: '甲苯残渣', generationDate: day(at + i), epc,
      }));
      const res = await app.inject({ method: 'POST', url: '/api/units', headers: { authorization: `Bearer ${token}` }, payload: { units } });
      if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body.slice(0, 500)}`);
    }
    await ctx.sequencer.idle();
    const sighted = async () => Number((await ctx.db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ledger_entries WHERE type = 'unit.sighted'`))[0]!.n);

    const health = async () => (await inWorker<{ latencies: number[] }>({ mode: 'healthz', base, requests: opts.healthz })).latencies;
    const before = await health();
    const runs: { rate: number; device: string; readings: number; run: GatewayRun }[] = [];
    for (const [i, rate] of opts.rates.entries()) {
      const device = DEVICES[i % DEVICES.length]!;
      const readings = Math.round(rate * opts.seconds);
      const warmup = Math.max(50, Math.round(rate));
      const from = await sighted();
      const run = await inWorker<GatewayRun>({ mode: 'gateway', base, dir: join(outboxDir, `run-${i}`), device, key: demoPrivateJwk(`device:${device}`), epcs, rate, warmup, readings });
      await ctx.sequencer.idle();
      // Every reading recorded, warm-up included, is in the log once, as a sighting of its drum.
      const n = (await sighted()) - from;
      if (n !== run.recorded) throw new Error(`gateway bench: ${run.recorded} readings recorded by ${device}, ${n} unit.sighted entries sealed`);
      const lat = summary(run.latencies);
      const rec = summary(run.recordMs);
      console.log(`  ${device} records ${readings} tag readings at ${fmt(rate, 0)}/s over ${opts.units} tagged drums (after ${warmup} untimed): recording took ${fmt(run.recordSeconds, 2)} s, worst start ${fmt(run.maxLagMs, 1)} ms behind schedule`);
      console.log(`    record() → answered: p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms, max ${fmt(lat.max, 1)} ms; of which record() itself (sign + fsync + send) p50 ${fmt(rec.p50, 2)} ms, p99 ${fmt(rec.p99, 2)} ms, max ${fmt(rec.max, 1)} ms`);
      console.log(`    ${fmt(readings / run.seconds, 0)} readings sealed/s (first call → last answer ${fmt(run.seconds, 2)} s); all ${n} sealed as unit.sighted`);
      console.log(`    gateway thread busy ${fmt(run.busy * 100, 0)}% of the run; a 1 kB append + fsync in its folder took ${fmt(run.fsyncMs, 2)} ms (p50) just before`);
      runs.push({ rate, device, readings, run });
    }
    // The server alone: what one gateway connection carries, readings signed beforehand, all sent at once.
    const socketDevice = DEVICES[opts.rates.length % DEVICES.length]!;
    const socketReadings = Math.round(100 * opts.seconds);
    const from = await sighted();
    const alone = await inWorker<{ seconds: number }>({ mode: 'socket', base, device: socketDevice, key: demoPrivateJwk(`device:${socketDevice}`), epcs, readings: socketReadings });
    await ctx.sequencer.idle();
    if ((await sighted()) - from !== socketReadings) throw new Error(`gateway bench: ${socketReadings} readings sent at once, ${(await sighted()) - from} sealed`);
    const socketRate = socketReadings / alone.seconds;
    console.log(`  the server alone: ${socketReadings} readings of ${socketDevice}, signed beforehand, sent at once over one websocket: all sealed in ${fmt(alone.seconds, 2)} s, ${fmt(socketRate, 0)}/s (${fmt((alone.seconds * 1000) / socketReadings, 2)} ms each, one after another)`);
    const after = await health();
    const h = summary([...before, ...after]);
    console.log(`  GET /healthz, one at a time: p50 ${fmt(summary(before).p50, 2)} ms before, ${fmt(summary(after).p50, 2)} ms after (p99 ${fmt(h.p99, 2)} ms over both)`);
    printFigures(
      `Figures (gateway, ${opts.driver}):`,
      runs.flatMap(({ rate, readings, run }) => {
        const lat = summary(run.latencies);
        const sealed = readings / run.seconds;
        return [
          {
            what: `reading → sealed and answered at ${fmt(rate, 0)}/s for ${fmt(opts.seconds, 0)} s, p50`,
            value: `${fmt(lat.p50, 1)} ms`,
            baseline: `GET /healthz p50 ${fmt(h.p50, 2)} ms`,
            ratio: lat.p50 / h.p50,
            goal: 'for the record',
          },
          {
            what: '  the same, p99',
            value: `${fmt(lat.p99, 1)} ms`,
            baseline: `GET /healthz p99 ${fmt(h.p99, 2)} ms`,
            ratio: lat.p99 / h.p99,
            goal: 'for the record',
          },
          {
            what: '  readings sealed/s, one gateway',
            value: `${fmt(sealed, 0)}/s; offered ${fmt(rate, 0)}/s, recorded at ${fmt(readings / run.recordSeconds, 0)}/s`,
            baseline: `GET /healthz ${fmt(1000 / h.p50, 0)}/s one at a time`,
            ratio: sealed / (1000 / h.p50),
            goal: 'for the record',
          },
        ];
      }).concat([
        {
          what: 'one gateway connection, the server alone (pre-signed, all sent at once)',
          value: `${fmt(socketRate, 0)} sealed/s`,
          baseline: `GET /healthz ${fmt(1000 / h.p50, 0)}/s one at a time`,
          ratio: socketRate / (1000 / h.p50),
          goal: 'for the record',
        },
      ]),
    );
  } finally {
    await app.close();
    await ctx.close();
    rmSync(outboxDir, { recursive: true, force: true });
  }
}
