// The API client: bearer tokens refreshed before they expire (and once more on a 401), errors as
// ApiError carrying the server's RFC 9457 problem (code, title, detail), one function per call.
import { announceLogout, announceRotation, endSession, getSession, inTurn, sessionFrom, setSession, type Session, type TokenPair } from './session.ts';
import type {
  HistoryEntry, Leg, Manifest, ManifestStep, Me, Organisation, Registration, Site, Unit, UnitStep, Vehicle, WasteCode,
} from './types.ts';
import type { UnboundTag } from '../../server/api-types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }
}

/** A client event id: unique per step, reused when the same step is retried. */
export function newEventId(): string {
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  const b = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

async function problemOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { code?: string; title?: string; detail?: string; message?: string };
    return new ApiError(res.status, p.code ?? `HTTP_${res.status}`, p.title ?? res.statusText, p.detail ?? p.message);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || 'Error', text.slice(0, 300) || undefined);
  }
}

async function send(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'Network error', (e as Error).message);
  }
}

async function tokens(path: string, body: unknown): Promise<Session> {
  const res = await send('POST', path, body);
  if (!res.ok) throw await problemOf(res);
  const s = sessionFrom((await res.json()) as TokenPair);
  setSession(s);
  return s;
}

export const login = (username: string, password: string) => tokens('/api/auth/login', { username, password });

/** Change one's own password: the server ends every other session and answers this one a new pair. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const res = await authed('PUT', '/api/me/password', { currentPassword, newPassword });
  setSession(sessionFrom((await res.json()) as TokenPair));
}

/** The refresh token is revoked on the server too (best effort: offline, it lapses by itself). */
export function logout(): void {
  const s = getSession();
  if (s) announceLogout(s.refreshToken);
  if (s) void fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: s.refreshToken }) }).catch(() => {});
  endSession('logout');
}

// Refresh tokens are single-use: concurrent callers share one refresh, and tabs take turns
// (session.ts: a duplicated tab holds the same token).
let refreshing: Promise<Session> | null = null;

function refresh(s: Session): Promise<Session> {
  refreshing ??= inTurn(async () => {
    const held = getSession();
    if (held && held.refreshToken !== s.refreshToken && held.personId === s.personId) return held; // another tab refreshed it for us meanwhile
    const next = await tokens('/api/auth/refresh', { refreshToken: s.refreshToken });
    announceRotation(s.refreshToken, next);
    return next;
  })
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) endSession('expired');
      throw e;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** The access token to use now: refreshed first when it expires within half a minute. */
async function freshToken(): Promise<string> {
  if (refreshing) return (await refreshing).accessToken;
  const s = getSession();
  if (!s) throw new ApiError(401, 'UNAUTHENTICATED', 'Unauthenticated', 'log in first');
  if (s.expiresAt - Date.now() < 30_000) return (await refresh(s)).accessToken;
  return s.accessToken;
}

/** An authenticated request; one refresh and retry on 401. */
async function authed(method: string, path: string, body?: unknown): Promise<Response> {
  let res = await send(method, path, body, await freshToken());
  if (res.status === 401 && getSession()) {
    const s = await refresh(getSession()!);
    res = await send(method, path, body, s.accessToken);
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

export const get = async <T>(path: string): Promise<T> => (await (await authed('GET', path)).json()) as T;
export const post = async <T>(path: string, body: unknown): Promise<T> => (await (await authed('POST', path, body)).json()) as T;
export const put = async <T>(path: string, body: unknown): Promise<T> => (await (await authed('PUT', path, body)).json()) as T;
export const del = async (path: string): Promise<void> => void (await authed('DELETE', path));

/** A file the API serves behind the bearer token (labels), as a blob: URL for img or a new tab. */
export async function blobUrl(path: string): Promise<string> {
  const res = await authed('GET', path);
  return URL.createObjectURL(await res.blob());
}

const qs = (q: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export interface UnitQuery {
  state?: string;
  wasteCode?: string;
  siteId?: string;
  storedLongerThanDays?: number;
  limit?: number;
  offset?: number;
}

export const me = () => get<Me>('/api/me');

export const units = {
  list: (q: UnitQuery = {}) => get<{ units: Unit[] }>(`/api/units${qs({ limit: 500, ...q })}`).then((r) => r.units),
  one: (id: string) => get<Unit>(`/api/units/${encodeURIComponent(id)}`),
  history: (id: string) => get<{ entries: HistoryEntry[] }>(`/api/units/${encodeURIComponent(id)}/history`).then((r) => r.entries),
  register: (regs: Registration[]) => post<{ units: UnitStep[] }>('/api/units', regs.length === 1 ? regs[0] : { units: regs }).then((r) => r.units),
  tag: (id: string, eventId: string, epc: string) => post<UnitStep>(`/api/units/${encodeURIComponent(id)}/tag`, { eventId, epc }),
  weigh: (id: string, eventId: string, grossKg: string, tareKg: string) =>
    post<UnitStep>(`/api/units/${encodeURIComponent(id)}/weighings`, { eventId, grossKg, tareKg, source: 'manual' }),
  store: (id: string, eventId: string, siteId: string, bay: string) => post<UnitStep>(`/api/units/${encodeURIComponent(id)}/storage`, { eventId, siteId, bay }),
  retrieve: (id: string, eventId: string, reason?: string) =>
    post<UnitStep>(`/api/units/${encodeURIComponent(id)}/retrieval`, reason ? { eventId, reason } : { eventId }),
};

export type { UnboundTag };

export const devices = {
  unboundTags: (since?: string) => get<{ now: string; tags: UnboundTag[] }>(`/api/devices/unbound-tags${qs({ since })}`),
};

export const labels = {
  svgPath: (id: string) => `/api/units/${encodeURIComponent(id)}/label.svg`,
  pdfPath: (ids: string[]) => `/api/labels.pdf?units=${ids.map(encodeURIComponent).join(',')}`,
};

export interface ManifestDraft {
  eventId: string;
  receiverOrgId: string;
  legs: Leg[];
  unitIds: string[];
  plannedDate: string;
}

export const manifests = {
  list: (state?: string) => get<{ manifests: Manifest[] }>(`/api/manifests${qs({ state, limit: 200 })}`).then((r) => r.manifests),
  one: (id: string) => get<Manifest>(`/api/manifests/${encodeURIComponent(id)}`),
  create: (d: ManifestDraft) => post<ManifestStep>('/api/manifests', d),
  sign: (id: string, eventId: string) => post<ManifestStep>(`/api/manifests/${encodeURIComponent(id)}/signature`, { eventId }),
  waiting: () => get<{ manifests: Manifest[] }>('/api/me/waiting').then((r) => r.manifests),
};

export const registry = {
  organisations: (kind?: string) => get<{ organisations: Organisation[] }>(`/api/registry/organisations${qs({ kind })}`).then((r) => r.organisations),
  sites: (kind?: string) => get<{ sites: Site[] }>(`/api/registry/sites${qs({ kind })}`).then((r) => r.sites),
  vehicles: () => get<{ vehicles: Vehicle[] }>('/api/registry/vehicles').then((r) => r.vehicles),
  wasteCodes: () => get<{ edition: string; codes: WasteCode[] }>('/api/registry/waste-codes'),
  limits: () => get<{ storageDays: number }>('/api/registry/limits'),
};
