// The API clients of the park load bench (issue 9 part 1), run in a worker thread so the server's
// event loop carries only the server: autocannon, one instance per route, the connections shared
// out between them, all at once for `seconds`. Each route's latency comes from its own instance.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface ApiLoadJob {
  base: string;
  tokens: { producer: string; operator: string; inspector: string };
  /** Units registered beforehand, weighed again and again by the weighing route. */
  pool: string[];
  /** Drums whose public page is asked for. */
  grais: string[];
  /** Log entries that exist before the run, fetched at random. */
  logSize: number;
  connections: number;
  seconds: number;
  /** The first generation day of the units this run registers (HJ 1276 codes count 999 a producer a day). */
  firstDay: string;
}

export interface RouteFigures {
  route: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** Units registered or weighed (201s): what must be in the log afterwards. */
  created: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

type Req = autocannon.Request;
const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
const dayAfter = (first: string, n: number) => new Date(Date.parse(first) + n * 86_400_000).toISOString().slice(0, 10);

function routes(job: ApiLoadJob): { route: string; requests: Req[] }[] {
  let registered = 0;
  let weighed = 0;
  let asked = 0;
  const run = Date.now().toString(36);
  const get = (path: string, token?: string): Req[] => [{ method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} }];
  return [
    {
      route: 'POST /api/units',
      requests: [{
        method: 'POST',
        path: '/api/units',
        headers: json(job.tokens.producer),
        setupRequest: (req) => {
          const n = registered++;
          req.body = JSON.stringify({
            eventId: `load-${run}-reg-${n}`, siteId: 'site-hengkang-plant', wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '固态',
            containerType: '钢桶', volumeL: 200, components: '甲苯残渣', generationDate: dayAfter(job.firstDay, Math.floor(n / 900)),
          });
          return req;
        },
      }],
    },
    {
      route: 'POST /api/units/:id/weighings',
      requests: [{
        method: 'POST',
        path: '/api/units/x/weighings',
        headers: json(job.tokens.producer),
        setupRequest: (req) => {
          const n = weighed++;
          req.path = `/api/units/${encodeURIComponent(job.pool[n % job.pool.length])}/weighings`;
          req.body = JSON.stringify({ eventId: `load-${run}-weigh-${n}`, grossKg: String(200 + (n % 50)), tareKg: '18.5', source: 'manual' });
          return req;
        },
      }],
    },
    { route: 'GET /api/units', requests: get('/api/units?limit=50', job.tokens.producer) },
    { route: 'GET /api/manifests', requests: get('/api/manifests?limit=50', job.tokens.operator) },
    { route: 'GET /api/findings', requests: get('/api/findings', job.tokens.inspector) },
    { route: 'GET /ledger/checkpoint', requests: get('/ledger/checkpoint') },
    {
      route: 'GET /ledger/entries/:index',
      requests: [{ method: 'GET', path: '/ledger/entries/0', setupRequest: (req) => ({ ...req, path: `/ledger/entries/${(asked++ * 7919) % job.logSize}` }) }],
    },
    {
      route: 'GET /8003/:grai',
      requests: [{ method: 'GET', path: '/8003/x', headers: { accept: 'application/json' }, setupRequest: (req) => ({ ...req, path: `/8003/${job.grais[asked++ % job.grais.length]}` }) }],
    },
  ];
}

async function main(): Promise<RouteFigures[]> {
  const job = workerData as ApiLoadJob;
  const all = routes(job);
  const each = Math.max(1, Math.floor(job.connections / all.length));
  return Promise.all(all.map(async ({ route, requests }) => {
    const opts = { url: job.base, connections: each, duration: job.seconds, requests, timeout: 30 };
    // In a worker thread autocannon takes itself for one of its own workers and returns raw
    // histograms: aggregate them here.
    const raw = await autocannon({ ...opts, skipAggregateResult: true });
    const r = raw.latency ? raw : (autocannon as unknown as { aggregateResult: (all: unknown[], o: object) => autocannon.Result }).aggregateResult([raw], opts);
    const created = r.statusCodeStats?.['201']?.count ?? 0;
    return {
      route, requests: r.requests.total, perSecond: r.requests.total / job.seconds,
      p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, non2xx: r.non2xx, errors: r.errors + r.timeouts, created: Number(created),
      statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, Number(v.count)])),
    };
  }));
}

main().then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) }),
);
