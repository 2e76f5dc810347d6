// The public page's calls: no account, plain fetch; errors as ApiError from the problem+json body.
import { ApiError } from '../../api.ts';

export interface PublicDrum {
  tracked: true;
  grai: string;
  wasteCategory: string;
  wasteCode: string;
  state: string;
  producer: string;
  registeredAt: string;
  entries: number;
  lastSeen?: { at: string; event: string; index: number };
  proof?: string;
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'Network error', (e as Error).message);
  }
  if (res.ok) return res;
  const p = (await res.json().catch(() => ({}))) as { code?: string; title?: string; detail?: string };
  throw new ApiError(res.status, p.code ?? `HTTP_${res.status}`, p.title ?? res.statusText, p.detail);
}

export const publicApi = {
  drum: async (code: string) => (await (await call(`/8003/${code}`)).json()) as PublicDrum,
  vkey: async () => (await (await call('/ledger/vkey', { headers: { accept: 'text/plain' } })).text()).trim(),
  entry: async (index: number) => new Uint8Array(await (await call(`/ledger/entries/${index}`)).arrayBuffer()),
  report: async (code: string, body: { category: string; message: string; contact?: string }) =>
    (await (await call(`/8003/${code}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as {
      id: string;
      receivedAt: string;
      message: string;
    },
};
