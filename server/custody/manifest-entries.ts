// The building blocks of a manifest step's entries: the envelope, and a step's entries on the
// manifest's chain and its units' chains, linked in order, with the read-side rows they make.
import { encodeEntry, leafHash, toBase64, type Envelope, type EventType } from '../../ledger/index.js';
import type { Actor } from './context.js';
import { applyManifestEntry, type ManifestRow } from './manifest-projection.js';
import { saveManifestSql } from './manifest-store.js';
import type { SignatureRecord } from './signatures.js';
import { applyUnitEntry, type UnitRow } from './unit-projection.js';
import { saveUnitSql } from './unit-store.js';

export function envelope(actor: Actor, type: EventType, at: string, manifest: string, data: Record<string, unknown>, sig: SignatureRecord[], prev?: string): Envelope {
  return { v: 1, type, at, by: { org: actor.orgId, person: actor.personId, role: actor.role }, manifest, ...(prev ? { prev: { manifest: prev } } : {}), data, sig };
}

/**
 * The entries of a step that concerns the manifest and some of its units, chained in order: the
 * manifest's own entries first (a driver signing), last (the receiver signing) or not at all, each
 * unit's entry linked to its unit's chain and to the manifest's.
 */
export function chainUnderManifest(
  actor: Actor,
  at: string,
  m: ManifestRow,
  sig: SignatureRecord[],
  own: { before?: Envelope[]; after?: Envelope[] },
  units: UnitRow[],
  unitEntry: (u: UnitRow) => { type: EventType; data: Record<string, unknown> },
) {
  const entries: Envelope[] = [];
  let prev = m.lastLeafHash;
  const add = (e: Envelope) => {
    const linked = { ...e, prev: { ...(e.prev ?? {}), manifest: prev } };
    entries.push(linked);
    prev = toBase64(leafHash(encodeEntry(linked).body));
  };
  (own.before ?? []).forEach(add);
  for (const u of units) {
    const { type, data } = unitEntry(u);
    add({ v: 1, type, at, by: { org: actor.orgId, person: actor.personId, role: actor.role }, unit: u.id, manifest: m.id, prev: { unit: u.lastLeafHash }, data, sig });
  }
  (own.after ?? []).forEach(add);
  return {
    entries,
    project: (leaves: Uint8Array[], params: unknown[]) => {
      let row = m;
      entries.forEach((e, i) => (row = applyManifestEntry(row, e, leaves[i])));
      const offset = own.before?.length ?? 0;
      const unitRows = units.map((u, i) => applyUnitEntry(u, entries[i + offset], leaves[i + offset]));
      return { response: row, sql: [saveManifestSql(row, params), ...unitRows.map((u) => saveUnitSql(u, params))] };
    },
  };
}

