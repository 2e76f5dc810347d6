// The client side of the manifests benchmark, run in a worker thread so that the server's event
// loop carries only the server (as http-load.ts does for the custody suite). Three jobs:
//   prepare   — untimed: per manifest, the producer registers its units (one batch request),
//               weighs each, drafts the manifest and signs it;
//   run       — timed: per manifest, pickup (the leg-1 driver scans every unit), arrival at the
//               receiver's gate, receipt (every unit accepted with its weights), then the
//               operator's treatment of each unit, the last of which closes the manifest;
//   healthz   — the baseline: GET /healthz through the same fetch and closed loop.
// `clients` manifests (or healthz requests) are in flight at once; within a manifest the steps
// follow one another, as they do in the yard. Any answer other than 201 (200 for healthz) aborts.
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop } from './stats.js';

export interface PreparedManifest {
  id: string;
  unitIds: string[];
}

/** Weights: by the producer before the manifest, and by the receiver at receipt (net 194 kg). */
export const WEIGHTS = { producer: { grossKg: '215.5', tareKg: '18.5' }, receipt: { grossKg: '212.5', tareKg: '18.5' }, receiptNetKg: 194 };
/** Days of generation the units are spread over: the HJ 1276 code allows 999 units a producer a day. */
export const GENERATION_DAYS = 90;

interface Common {
  base: string;
  clients: number;
}
export type ManifestJob =
  | (Common & { mode: 'prepare'; token: string; manifests: number; unitsPerManifest: number; firstManifest: number; plate: string })
  | (Common & { mode: 'run'; tokens: { driver: string; operator: string }; manifests: PreparedManifest[]; plate: string })
  | (Common & { mode: 'healthz'; requests: number });

export type Kind = 'pickup' | 'arrival' | 'receipt' | 'treatment';
export interface RunResult {
  seconds: number;
  /** Per manifest, pickup to closing. */
  latencies: number[];
  /** Per request, by route kind. */
  byKind: Record<Kind, number[]>;
  requests: number;
  closed: number;
}

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let n = 0;
const eventId = () => `mb-${run}-${n++}`;

async function post<T>(base: string, token: string, url: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

const isoDay = (daysBack: number) => new Date(Date.now() - daysBack * 86_400_000).toISOString().slice(0, 10);

async function prepare(job: Extract<ManifestJob, { mode: 'prepare' }>): Promise<PreparedManifest[]> {
  const out: PreparedManifest[] = new Array(job.manifests);
  const p = <T>(url: string, body: unknown) => post<T>(job.base, job.token, url, body);
  await closedLoop(job.manifests, job.clients, async (i) => {
    const m = job.firstManifest + i;
    const units = Array.from({ length: job.unitsPerManifest }, (_, k) => ({
      eventId: eventId(), siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
      containerType: '钢桶', volumeL: 200, components: '甲苯残渣',
      generationDate: isoDay(1 + ((m * job.unitsPerManifest + k) % GENERATION_DAYS)),
    }));
    const r = await p<{ units: { unit: { id: string } }[] }>('/api/units', { units });
    const unitIds = r.units.map((u) => u.unit.id).sort();
    for (const id of unitIds) await p(`/api/units/${id}/weighings`, { eventId: eventId(), ...WEIGHTS.producer, source: 'manual' });
    const draft = await p<{ manifest: { id: string; state: string } }>('/api/manifests', {
      eventId: eventId(), receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: job.plate }], unitIds, plannedDate: isoDay(0),
    });
    const signed = await p<{ manifest: { state: string } }>(`/api/manifests/${draft.manifest.id}/signature`, { eventId: eventId() });
    if (signed.manifest.state !== 'signed') throw new Error(`manifest ${draft.manifest.id} is ${signed.manifest.state} after signing`);
    out[i] = { id: draft.manifest.id, unitIds };
  });
  return out;
}

async function runManifests(job: Extract<ManifestJob, { mode: 'run' }>): Promise<RunResult> {
  const byKind: Record<Kind, number[]> = { pickup: [], arrival: [], receipt: [], treatment: [] };
  let requests = 0;
  let closed = 0;
  const timed = async <T>(kind: Kind, token: string, url: string, body: unknown): Promise<T> => {
    const t = performance.now();
    const r = await post<T>(job.base, token, url, body);
    byKind[kind].push(performance.now() - t);
    requests++;
    return r;
  };
  const { driver, operator } = job.tokens;
  const r = await closedLoop(job.manifests.length, job.clients, async (i) => {
    const { id, unitIds } = job.manifests[i];
    const picked = await timed<{ manifest: { state: string } }>('pickup', driver, `/api/manifests/${id}/pickup`, { eventId: eventId(), vehiclePlate: job.plate, scannedUnitIds: unitIds });
    if (picked.manifest.state !== 'picked_up') throw new Error(`manifest ${id} is ${picked.manifest.state} after pickup`);
    await timed('arrival', operator, `/api/manifests/${id}/arrival`, { eventId: eventId(), vehiclePlate: job.plate });
    const received = await timed<{ manifest: { state: string } }>('receipt', operator, `/api/manifests/${id}/receipt`, {
      eventId: eventId(),
      decisions: unitIds.map((unitId) => ({ unitId, accept: true, ...WEIGHTS.receipt })),
    });
    if (received.manifest.state !== 'received') throw new Error(`manifest ${id} is ${received.manifest.state} after receipt`);
    for (const [k, unitId] of unitIds.entries()) {
      const t = await timed<{ manifestId: string; manifestState: string }>('treatment', operator, `/api/units/${unitId}/treatment`, { eventId: eventId(), method: 'D10' });
      const want = k === unitIds.length - 1 ? 'closed' : 'received';
      if (t.manifestId !== id || t.manifestState !== want) throw new Error(`treating unit ${k + 1}/${unitIds.length} of ${id}: manifest ${t.manifestId} is ${t.manifestState}, expected ${want}`);
    }
    closed++;
  });
  return { seconds: r.seconds, latencies: r.latencies, byKind, requests, closed };
}

async function healthz(job: Extract<ManifestJob, { mode: 'healthz' }>) {
  return closedLoop(job.requests, job.clients, async () => {
    const res = await fetch(`${job.base}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /healthz: ${res.status}`);
  });
}

// Only as a worker (manifest-bench.ts also imports the constants above).
if (parentPort && (workerData as { job?: ManifestJob } | undefined)?.job) {
  const job = (workerData as { job: ManifestJob }).job;
  try {
    const result = job.mode === 'prepare' ? await prepare(job) : job.mode === 'run' ? await runManifests(job) : await healthz(job);
    parentPort.postMessage({ ok: true, result });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}
