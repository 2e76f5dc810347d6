// The load generator for the HTTP benchmarks, run in a worker thread so that the server's event
// loop carries only the server. Closed loop: each of `clients` sends its next request when the
// previous one is answered. Paced (with `rate`): requests are due at a fixed rate, `clients` at
// most in flight, each timed from when it was due. A warm-up goes first, unmeasured.
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop, pacedLoop } from './stats.js';

export interface LoadJob {
  base: string;
  token: string;
  /** 'floor': registrations only, to the floor server of custody-floor.ts at `base`. */
  mode: 'healthz' | 'commands' | 'floor';
  requests: number;
  clients: number;
  /** Requests a second, for an open loop at a fixed rate. */
  rate?: number;
}

const job = workerData as LoadJob;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${job.token}` };
// HJ 1276 codes count 999 drums a producer a day: spread the registrations over 300 days, each
// load run from its own place among them.
const days = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
const firstDay = Math.floor(Math.random() * days.length);
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let n = 0;
const registered: string[] = [];

async function post(url: string, body: unknown) {
  const res = await fetch(`${job.base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { units?: { unit: { id: string } }[] };
}

/** Even operations register a drum, odd ones weigh one registered before. */
async function command(i: number) {
  const id = i % 2 === 1 ? registered.pop() : undefined;
  if (id) return post(`/api/units/${id}/weighings`, { eventId: `bench-${run}-${n++}`, grossKg: '215.5', tareKg: '18.5', source: 'manual' });
  return register();
}

async function register() {
  const eventId = `bench-${run}-${n++}`;
  const r = await post('/api/units', {
    eventId, siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
    containerType: '钢桶', volumeL: 200, components: '甲苯残渣', generationDate: days[(firstDay + n) % days.length],
  });
  registered.push(r.units![0].unit.id);
}

async function healthz() {
  const res = await fetch(`${job.base}/healthz`);
  await res.arrayBuffer();
}

const op = job.mode === 'healthz' ? () => healthz() : job.mode === 'floor' ? () => register() : (i: number) => command(i);
const loop = (requests: number) => (job.rate ? pacedLoop(requests, job.rate, job.clients, op) : closedLoop(requests, job.clients, op));
// A new thread, its code not yet compiled and its connections not yet open, is slow for its
// first second: that is the load generator starting, not the server (wrk2 leaves out its first
// seconds the same way). A tenth of the requests (a second's worth when paced) go first, unmeasured.
await loop(Math.round(job.rate ?? job.requests / 10));
const result = await loop(job.requests);
parentPort!.postMessage(result);
