// The admin pages' calls: device health and device key enrolment, people (added to the registry) and their logins.
import { del, get, post, put } from '../../api.ts';
import type { DeviceHealth } from '../../../../server/api-types.ts';

export type { DeviceHealth };

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
}

export const devices = {
  list: () => get<{ devices: DeviceHealth[] }>('/api/devices').then((r) => r.devices),
  enrol: (id: string, jwk: PublicJwk, proof: string) => put<{ index: number }>(`/api/devices/${encodeURIComponent(id)}/key`, { jwk, proof }),
};

/** No word from a device (a reading, or its gateway's health report) for this long: stale. */
export const STALE_MS = 60 * 60_000;

export function lastHeard(d: DeviceHealth): string | null {
  const times = [d.lastSeen, d.gateway?.reportedAt].filter((x): x is string => Boolean(x));
  return times.sort().at(-1) ?? null;
}

export const isStale = (d: DeviceHealth, now = Date.now()) => {
  const heard = lastHeard(d);
  return !heard || now - Date.parse(heard) > STALE_MS;
};

/** The errors the device's gateway counted, by kind (`health.errors`), most frequent first, and their sum. */
export function gatewayErrors(d: DeviceHealth): { total: number; kinds: [string, number][] } {
  const errors = d.gateway?.health.errors;
  const kinds = errors && typeof errors === 'object' ? Object.entries(errors as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number') : [];
  kinds.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total: kinds.reduce((s, [, n]) => s + n, 0), kinds };
}

/** A person of the park's registry and their login's username (null: none). */
export interface Person {
  id: string;
  orgId: string;
  role: string;
  name: string;
  username: string | null;
}

export const people = {
  list: () => get<Person[]>('/api/people'),
  add: (body: { eventId: string; orgId: string; role: string; name: string; username?: string; password?: string }) => post<{ person: Person; index: number; replayed: boolean }>('/api/people', body),
  setLogin: (id: string, username: string, password: string) => put<{ personId: string; username: string }>(`/api/people/${encodeURIComponent(id)}/login`, { username, password }),
  removeLogin: (id: string) => del(`/api/people/${encodeURIComponent(id)}/login`),
};
