// The park registry (organisations, sites, vehicles, waste codes, limits), loaded once per session.
import { registry } from './api.ts';
import { getLang } from './i18n/index.ts';
import { onSession } from './session.ts';
import type { Organisation, Site, Vehicle, WasteCode } from './types.ts';

export interface Registry {
  organisations: Organisation[];
  sites: Site[];
  vehicles: Vehicle[];
  wasteCodes: WasteCode[];
  storageDays: number;
}

let cached: Promise<Registry> | null = null;
onSession((s) => {
  if (!s) cached = null;
});

export function loadRegistry(): Promise<Registry> {
  cached ??= Promise.all([registry.organisations(), registry.sites(), registry.vehicles(), registry.wasteCodes(), registry.limits()]).then(
    ([organisations, sites, vehicles, codes, limits]) => ({ organisations, sites, vehicles, wasteCodes: codes.codes, storageDays: limits.storageDays }),
  );
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

/** After the admin changed the registry: the next load asks the server again. */
export function forgetRegistry(): void {
  cached = null;
}

export function orgName(reg: Registry | undefined, id: string): string {
  const o = reg?.organisations.find((x) => x.id === id);
  if (!o) return id;
  return getLang() === 'en' && o.nameEn ? o.nameEn : o.name;
}

export function siteName(reg: Registry | undefined, id: string | null): string {
  if (!id) return '—';
  return reg?.sites.find((s) => s.id === id)?.name ?? id;
}
