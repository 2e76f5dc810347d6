// What the manifest PDF and the EPCIS export are made of: sealed ledger entries (exact bodies,
// their log index, leaf hash and sealing time), facts from the units' own chains (tags, weighings,
// where they were put), and the registry names to show. Read-only; nothing here is derived from
// the read-side rows where the log says it.
import { fromUtf8, toBase64, type Envelope } from '../../ledger/index.js';
import { bytes, num, type Sql } from '../../ledger/store/sql.js';
import { decodeGrai96 } from '../units/identifiers/epc.js';

export interface SealedEntry {
  index: number;
  /** base64, as the API shows leaf hashes */
  leafHash: string;
  /** when the sequencer sealed it (ISO) */
  sealedAt: string;
  entry: Envelope;
}

type EntryRow = { idx: unknown; body: unknown; leaf_hash: unknown; sealed_at: unknown };

const toSealed = (r: EntryRow): SealedEntry => ({
  index: num(r.idx),
  leafHash: toBase64(bytes(r.leaf_hash)),
  sealedAt: new Date(r.sealed_at as string).toISOString(),
  entry: JSON.parse(fromUtf8(bytes(r.body))) as Envelope,
});

const COLUMNS = 'idx, body, leaf_hash, sealed_at';

/** The manifest's chain: its own entries and its units' entries under it, in log order. */
export async function manifestEntries(sql: Sql, manifestId: string): Promise<SealedEntry[]> {
  return (await sql.query<EntryRow>(`SELECT ${COLUMNS} FROM ledger_entries WHERE manifest_id = $1 ORDER BY idx`, [manifestId])).map(toSealed);
}

/** Every sealed entry of one unit's chain, in log order. */
export async function unitEntries(sql: Sql, unitId: string): Promise<SealedEntry[]> {
  return (await sql.query<EntryRow>(`SELECT ${COLUMNS} FROM ledger_entries WHERE unit_id = $1 ORDER BY idx`, [unitId])).map(toSealed);
}

export interface Weighing {
  index: number;
  at: string;
  role: string;
  orgId?: string;
  grossKg: string;
  tareKg: string;
  netKg: string;
  deviceId?: string;
}

/** Facts from a unit's own chain that other documents need, each with the index it was sealed at. */
export interface UnitFacts {
  /** The drum's GRAI, from its registration or tagging on: EPC pure-identity URI and AI 8003 value. */
  tags: { index: number; epcUri: string; grai: string }[];
  weighings: Weighing[];
  /** Where it was put (registration or storage site), or null once it was loaded onto a vehicle. */
  places: { index: number; siteId: string | null }[];
}

const FACT_TYPES = ['unit.registered', 'unit.tagged', 'unit.weighed', 'unit.stored', 'unit.loaded'];

export async function unitFacts(sql: Sql, unitIds: string[]): Promise<Map<string, UnitFacts>> {
  const facts = new Map<string, UnitFacts>(unitIds.map((id) => [id, { tags: [], weighings: [], places: [] }]));
  if (unitIds.length === 0) return facts;
  const rows = await sql.query<EntryRow & { unit_id: string }>(
    `SELECT unit_id, ${COLUMNS} FROM ledger_entries WHERE unit_id = ANY($1) AND type = ANY($2) ORDER BY idx`,
    [unitIds, FACT_TYPES],
  );
  for (const r of rows) {
    const { index, entry: e } = toSealed(r);
    const f = facts.get(r.unit_id)!;
    const d = e.data as Record<string, string | undefined>;
    if ((e.type === 'unit.registered' || e.type === 'unit.tagged') && d.epc && d.grai) {
      f.tags.push({ index, epcUri: decodeGrai96(d.epc).pureUri, grai: d.grai });
    }
    if (e.type === 'unit.registered' || e.type === 'unit.stored') f.places.push({ index, siteId: d.siteId ?? null });
    if (e.type === 'unit.loaded') f.places.push({ index, siteId: null });
    if (e.type === 'unit.weighed') {
      f.weighings.push({ index, at: e.at, role: e.by.role, orgId: e.by.org, grossKg: d.grossKg!, tareKg: d.tareKg!, netKg: d.netKg!, deviceId: d.deviceId });
    }
  }
  return facts;
}

const lastBefore = <T extends { index: number }>(list: T[], index: number): T | undefined => list.filter((x) => x.index <= index).at(-1);

/** The unit's GRAI at log index `index` (its tag as of then), if it had one. */
export const tagAt = (f: UnitFacts | undefined, index: number) => (f ? lastBefore(f.tags, index) : undefined);
/** The site the unit was at just before log index `index`, when the log says. */
export const placeBefore = (f: UnitFacts | undefined, index: number) => (f ? lastBefore(f.places, index - 1)?.siteId ?? undefined : undefined);

/** Names the documents show: organisations, people, sites, devices, vehicles (small registry tables). */
export interface Registry {
  org(id: string | undefined): { name: string; uscc?: string; contact?: string; address?: string } | undefined;
  person(id: string | undefined): string | undefined;
  site(id: string | undefined): { name: string; orgId: string } | undefined;
  device(id: string | undefined): { siteId: string | null; model?: string } | undefined;
  vehicle(plate: string | undefined): { kind?: string } | undefined;
  licences(orgId: string): string[];
}

export async function loadRegistry(sql: Sql): Promise<Registry> {
  type Org = { id: string; name: string; uscc: string; record: { contact?: { person?: string; phone?: string }; sites?: { address?: string }[] } };
  const [orgs, people, sites, devices, vehicles, licences] = await Promise.all([
    sql.query<Org>('SELECT id, name, uscc, record FROM organisations'),
    sql.query<{ id: string; name: string }>('SELECT id, name FROM people'),
    sql.query<{ id: string; name: string; org_id: string }>('SELECT id, name, org_id FROM sites'),
    sql.query<{ id: string; site_id: string | null; record: { model?: string } }>('SELECT id, site_id, record FROM devices'),
    sql.query<{ plate: string; record: { kind?: string } }>('SELECT plate, record FROM vehicles'),
    sql.query<{ org_id: string; record: { number?: string } }>('SELECT org_id, record FROM licences ORDER BY id'),
  ]);
  const byId = <T extends Record<string, unknown>, K extends keyof T>(rows: T[], key: K) => new Map(rows.map((r) => [r[key] as string, r]));
  const o = byId(orgs, 'id'), p = byId(people, 'id'), s = byId(sites, 'id'), dv = byId(devices, 'id'), v = byId(vehicles, 'plate');
  return {
    org(id) {
      const r = id ? o.get(id) : undefined;
      if (!r) return undefined;
      const c = r.record.contact;
      return { name: r.name, uscc: r.uscc, contact: [c?.person, c?.phone].filter(Boolean).join(' ') || undefined, address: r.record.sites?.find((x) => x.address)?.address };
    },
    person: (id) => (id ? p.get(id)?.name : undefined),
    site: (id) => {
      const r = id ? s.get(id) : undefined;
      return r ? { name: r.name, orgId: r.org_id } : undefined;
    },
    device: (id) => {
      const r = id ? dv.get(id) : undefined;
      return r ? { siteId: r.site_id, model: r.record.model } : undefined;
    },
    vehicle: (plate) => (plate ? (v.get(plate) ? { kind: v.get(plate)!.record.kind } : undefined) : undefined),
    licences: (orgId) => licences.filter((l) => l.org_id === orgId).map((l) => l.record.number).filter((n): n is string => !!n),
  };
}

/** Who vouches for an entry: the actor's or device's own signature, or the server's attestation. */
export function signatureOf(e: Envelope): { kind: 'person' | 'device' | 'server'; by: string; alg?: string } {
  const s = (e.sig ?? [])[0] as { by: string; alg?: string; attestation?: string } | undefined;
  if (!s || s.attestation) return { kind: 'server', by: s?.by ?? (e.by.person ? `person:${e.by.person}` : `device:${e.by.device}`) };
  return { kind: s.by.startsWith('device:') ? 'device' : 'person', by: s.by, alg: s.alg };
}
