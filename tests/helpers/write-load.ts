// Write load over HTTP for the crash tests: concurrent clients register drums and weigh them,
// keeping every step the server acknowledged (event id, ledger index, leaf hash). A step whose
// request failed (the server was killed under it) is not acknowledged, and not kept.
import { fromUtf8 } from '../../ledger/index.js';
import { eventId, registration } from './api.js';
import { HttpClient } from './process.js';

export interface AckedStep {
  eventId: string;
  index: number;
  leafHash: string;
}

export class WriteLoad {
  readonly acked: AckedStep[] = [];
  /** 4xx answers: steps refused (none are expected). */
  readonly refused: string[] = [];
  /** 5xx answers: the server could not complete the step (its database was down). */
  readonly failed: string[] = [];
  private running?: Promise<void>[];
  private stopping = false;

  constructor(private readonly clients: number) {}

  /** Start the clients against `base`; they run until stop(). */
  async start(base: string): Promise<void> {
    const sessions = await Promise.all(Array.from({ length: this.clients }, () => HttpClient.login(base, 'producer')));
    this.stopping = false;
    this.running = sessions.map((c, i) => this.loop(c, i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running ?? []);
    this.running = undefined;
  }

  private async loop(c: HttpClient, n: number): Promise<void> {
    for (let round = 0; !this.stopping; round++) {
      const reg = await this.step(c, '/api/units', registration({ eventId: eventId(`reg${n}`) }), (j) => j.units[0].entry);
      if (!reg) continue;
      for (let w = 0; w < 2 && !this.stopping; w++) {
        const body = { eventId: eventId(`wgh${n}`), grossKg: String(200 + w), tareKg: '18', source: 'manual' };
        await this.step(c, `/api/units/${reg.unitId}/weighings`, body, (j) => j.entry);
      }
    }
  }

  private async step(c: HttpClient, path: string, body: { eventId: string }, entryOf: (j: any) => { index: number; leafHash: string }) {
    let res;
    try {
      res = await c.request('POST', path, body);
    } catch {
      await new Promise((r) => setTimeout(r, 50)); // the server is gone: not acknowledged
      return undefined;
    }
    if (res.status !== 201) {
      if (!this.stopping) (res.status >= 500 ? this.failed : this.refused).push(`${path} ${res.status} ${res.text.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 50));
      return undefined;
    }
    const entry = entryOf(res.json);
    this.acked.push({ eventId: body.eventId, index: entry.index, leafHash: entry.leafHash });
    return { unitId: (res.json.units?.[0].unit ?? res.json.unit).id as string };
  }
}

/** Every entry of the log over the public API, as parsed envelopes with their index and leaf hash. */
export async function readLog(base: string): Promise<{ index: number; eventId?: string; body: string }[]> {
  const out: { index: number; eventId?: string; body: string }[] = [];
  for (let start = 0; ; start += 1000) {
    const res = await fetch(`${base}/ledger/entries?start=${start}&limit=1000`);
    if (res.status === 404) break;
    const text = fromUtf8(new Uint8Array(await res.arrayBuffer()));
    const lines = text.split('\n').filter(Boolean);
    lines.forEach((line, i) => out.push({ index: start + i, eventId: JSON.parse(line).data?.eventId, body: line }));
    if (lines.length < 1000) break;
  }
  return out;
}
