// The driver's work: manifests waiting for this driver (a pickup, or taking over at a handover)
// and loads under way on this driver's leg (to depart), each with its drums. The last list
// fetched is kept in IndexedDB, so the page still shows it after a reload without signal.
import { get, manifests, registry } from '../../api.ts';
import { kv } from '../../offline/db.ts';
import type { StepKind } from '../../offline/outbox.ts';
import type { Session } from '../../session.ts';
import type { Manifest, Unit } from '../../types.ts';

export interface Load {
  manifest: Manifest;
  kind: StepKind;
  /** The leg this step belongs to, and the vehicle the manifest names for it. */
  leg: number;
  vehiclePlate: string;
  units: Unit[];
}

export interface Loads {
  loads: Load[];
  /** Organisation names by id, in both languages. */
  orgs: Record<string, { name: string; nameEn: string | null }>;
  fetchedAt: string;
}

const key = (personId: string) => `${personId}:loads`;

function loadOf(m: Manifest, orgId: string): Omit<Load, 'units'> | undefined {
  const turn = m.next.find((t) => t.role === 'driver' && t.orgId === orgId);
  if (turn?.action === 'pick_up') return { manifest: m, kind: 'pickup', leg: 0, vehiclePlate: m.legs[0].vehiclePlate };
  if (turn?.action === 'hand_over') return { manifest: m, kind: 'handover', leg: m.currentLeg + 1, vehiclePlate: m.legs[m.currentLeg + 1].vehiclePlate };
  return undefined;
}

export async function fetchLoads(s: Session): Promise<Loads> {
  const [waiting, underWay, orgs] = await Promise.all([manifests.waiting(), manifests.list('picked_up'), registry.organisations()]);
  const todo = waiting.map((m) => loadOf(m, s.orgId)).filter((l) => l !== undefined);
  todo.sort((a, b) => a.manifest.plannedDate.localeCompare(b.manifest.plannedDate) || a.manifest.number.localeCompare(b.manifest.number));
  const mine = underWay
    .filter((m) => m.legs[m.currentLeg]?.transporterOrgId === s.orgId && !todo.some((l) => l.manifest.id === m.id))
    .map((m): Omit<Load, 'units'> => ({ manifest: m, kind: 'departure', leg: m.currentLeg, vehiclePlate: m.legs[m.currentLeg].vehiclePlate }));
  const loads = await Promise.all(
    [...todo, ...mine].map(async (l) => ({ ...l, units: (await get<{ units: Unit[] }>(`/api/manifests/${encodeURIComponent(l.manifest.id)}/units`)).units })),
  );
  const result: Loads = {
    loads,
    orgs: Object.fromEntries(orgs.map((o) => [o.id, { name: o.name, nameEn: o.nameEn }])),
    fetchedAt: new Date().toISOString(),
  };
  await kv.set(key(s.personId), result);
  return result;
}

export const cachedLoads = (personId: string) => kv.get<Loads>(key(personId));

/** The drums a step is about: all the manifest's at pickup, those the last leg carries at a handover. */
export function expectedUnits(l: Load): Unit[] {
  return l.kind === 'handover' ? l.units.filter((u) => u.state === 'loaded') : l.units;
}

/** At pickup, drums the loading bay's reader already read onto the truck count as loaded. */
export const loadedByReader = (l: Load, u: Unit) => l.kind === 'pickup' && u.state === 'loaded';
