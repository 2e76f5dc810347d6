// The gateway side of the devices benchmark, run in a worker thread (as a site's gateway runs in a
// process of its own) so that its fsyncs and signatures do not stall the server's event loop.
//   gateway — a real Gateway (devices/gateway/gateway.ts) with one demo device key records tag
//             readings at a steady rate; a reading's latency runs from its record() call (sign,
//             fsync to the outbox, send) to the server's answer for it, seen as the reading
//             leaving the outbox: the bench polls backlog() every millisecond. Readings are
//             numbered 1, 2, … in one device's outbox and answered in order, so after n
//             readings recorded a backlog of b means readings 1 … n − b have been answered.
//   socket  — the server alone: readings signed beforehand are all sent at once over one raw
//             websocket, as a gateway with a backlog sends them; answers/s is what one gateway
//             connection can carry, whatever the gateway's own costs.
//   healthz — the baseline: GET /healthz round trips, one at a time, through fetch.
import { once } from 'node:events';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { JWK } from 'jose';
import WebSocket from 'ws';
import { Gateway } from '../devices/gateway/gateway.js';
import { signReading, type Reading } from '../devices/gateway/reading.js';
import { closedLoop } from './stats.js';

export type GatewayJob =
  | { mode: 'gateway'; base: string; dir: string; device: string; key: JWK; epcs: string[]; rate: number; warmup: number; readings: number }
  | { mode: 'socket'; base: string; device: string; key: JWK; epcs: string[]; readings: number }
  | { mode: 'healthz'; base: string; requests: number };

export interface GatewayRun {
  /** Per timed reading: record() call → answered, ms. */
  latencies: number[];
  /** Per timed reading: the record() call itself (sign, fsync, send), ms. */
  recordMs: number[];
  /** First timed record() call → last timed answer, s. */
  seconds: number;
  /** First to last record() call's end, s (≈ readings / rate when the gateway kept its schedule). */
  recordSeconds: number;
  /** How far behind its schedule a record() call started, at worst, ms. */
  maxLagMs: number;
  /** Readings recorded in all, warm-up included. */
  recorded: number;
  /** Share of the timed phase the gateway thread was busy (fsyncs included: they block it). */
  busy: number;
  /** p50 of a 1 kB append + fsync in the outbox's folder, just before the run: the disk's pace. */
  fsyncMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** p50 of 100 appends of 1 kB, each fsynced, in `dir`: what one outbox write costs on this disk now. */
function fsyncPace(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'a');
  const ms: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    writeSync(fd, `${'x'.repeat(1023)}\n`);
    fsyncSync(fd);
    ms.push(performance.now() - t);
  }
  closeSync(fd);
  rmSync(file);
  return ms.sort((a, b) => a - b)[50]!;
}

async function gateway(job: Extract<GatewayJob, { mode: 'gateway' }>): Promise<GatewayRun> {
  const fsyncMs = fsyncPace(job.dir);
  const gw = new Gateway({ dir: job.dir, server: job.base, keys: new Map([[job.device, job.key]]), log: (l) => l.endsWith(': connected') || console.error(l) });
  const called: number[] = []; // by seq
  const answered: number[] = []; // by seq
  const took: number[] = []; // by seq
  let recorded = 0; // highest seq on disk
  let seen = 0; // highest seq seen answered
  const poll = () => {
    const done = recorded - (gw.backlog()[job.device] ?? 0);
    const now = performance.now();
    for (; seen < done; ) answered[++seen] = now;
  };
  const timer = setInterval(poll, 1);
  let k = 0;
  /** `count` readings at `rate` a second, each started on schedule (or at once when behind). */
  const phase = async (count: number) => {
    const t0 = performance.now();
    let maxLag = 0;
    for (let i = 0; i < count; i++) {
      const wait = t0 + (i * 1000) / job.rate - performance.now();
      if (wait > 0) await sleep(wait);
      else maxLag = Math.max(maxLag, -wait);
      k++;
      const t = performance.now();
      const r = await gw.record(job.device, 'tag', { epc: job.epcs[k % job.epcs.length], antenna: 1 + (k % 4), rssi: -50 - (k % 25) });
      took[r.seq] = performance.now() - t;
      called[r.seq] = t;
      recorded = r.seq;
    }
    const recordSeconds = (performance.now() - t0) / 1000;
    const end = performance.now() + 120_000;
    while (seen < recorded) {
      if (performance.now() > end) throw new Error(`gateway: ${recorded - seen} readings still unanswered after 120 s`);
      await sleep(5);
    }
    return { maxLag, recordSeconds };
  };
  try {
    gw.start();
    await phase(job.warmup); // connects, warms the JIT and the server's statements; untimed
    const first = recorded + 1;
    const elu = performance.eventLoopUtilization();
    const { maxLag, recordSeconds } = await phase(job.readings);
    const busy = performance.eventLoopUtilization(elu).utilization;
    const latencies: number[] = [];
    const recordMs: number[] = [];
    for (let s = first; s <= recorded; s++) {
      latencies.push(answered[s]! - called[s]!);
      recordMs.push(took[s]!);
    }
    return { latencies, recordMs, seconds: (answered[recorded]! - called[first]!) / 1000, recordSeconds, maxLagMs: maxLag, recorded, busy, fsyncMs };
  } finally {
    clearInterval(timer);
    await gw.stop();
  }
}

async function socket(job: Extract<GatewayJob, { mode: 'socket' }>): Promise<{ seconds: number }> {
  const messages: string[] = [];
  for (let seq = 1; seq <= job.readings; seq++) {
    const reading: Reading = { v: 1, device: job.device, seq, at: new Date().toISOString(), kind: 'tag', data: { epc: job.epcs[seq % job.epcs.length], antenna: 1 + (seq % 4), rssi: -50 - (seq % 25) } };
    messages.push(JSON.stringify({ reading, jws: await signReading(reading, job.key) }));
  }
  const ws = new WebSocket(`${job.base.replace(/^http/, 'ws')}/gateway`);
  await once(ws, 'open');
  const statuses: Record<string, number> = {};
  let answered = 0;
  const done = new Promise<number>((resolve) =>
    ws.on('message', (raw) => {
      const a = JSON.parse(String(raw)) as { status?: string };
      statuses[a.status ?? 'retry'] = (statuses[a.status ?? 'retry'] ?? 0) + 1;
      if (++answered === job.readings) resolve(performance.now());
    }),
  );
  const t = performance.now();
  for (const m of messages) ws.send(m);
  const end = await done;
  ws.close();
  if (statuses.sealed !== job.readings) throw new Error(`socket: answers ${JSON.stringify(statuses)} for ${job.readings} readings`);
  return { seconds: (end - t) / 1000 };
}

async function healthz(job: Extract<GatewayJob, { mode: 'healthz' }>) {
  return closedLoop(job.requests, 1, async () => {
    const res = await fetch(`${job.base}/healthz`);
    if (res.status !== 200) throw new Error(`GET /healthz: ${res.status}`);
    await res.arrayBuffer();
  });
}

const job = workerData.job as GatewayJob;
try {
  const result = job.mode === 'gateway' ? await gateway(job) : job.mode === 'socket' ? await socket(job) : await healthz(job);
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
}
