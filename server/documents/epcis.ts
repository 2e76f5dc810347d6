// GS1 EPCIS 2.0 JSON-LD export of a unit's or a manifest's sealed steps: one event per sealed
// entry (vocabulary and reasons in epcis-vocabulary.ts), each naming its ledger index and leaf
// hash, so a GS1-based tool can read the history and an inspector can match every event to the
// entry that proves it.
//
// Identifiers: a unit is its drum's GRAI as an EPC pure-identity URI (urn:epc:id:grai:…) from the
// moment the log bound the tag; before that, or without a tag, `urn:hazledger:unit:{id}`. No GS1
// Digital Link is possible without a GS1 key. Every unit event also carries `hz:unit`, so both
// name the same history. Sites and parties are hazledger URNs (no GLNs in the registry).
import type { Sql } from '../../ledger/store/sql.js';
import type { Leg, ManifestRow } from '../custody/manifest-projection.js';
import type { UnitRow } from '../custody/unit-projection.js';
import { CST_OFFSET, cstIso } from '../china-time.js';
import { DISCREPANCY, EPCIS_CONTEXT, eventId, MANIFEST_EVENTS, TRANSFER_MANIFEST, UNIT_EVENTS, urn, type Mapping } from './epcis-vocabulary.js';
import { loadRegistry, manifestEntries, placeBefore, signatureOf, tagAt, unitEntries, unitFacts, type Registry, type SealedEntry, type UnitFacts } from './sealed-entries.js';

type Json = Record<string, unknown>;
type Data = Record<string, unknown> & { [k: string]: any };

interface ManifestInfo {
  number: string;
  producerOrgId: string;
  receiverOrgId: string;
  receiverRole: string;
  legs: Leg[];
}

interface Ctx {
  facts: Map<string, UnitFacts>;
  manifests: Map<string, ManifestInfo>;
  registry: Registry;
}

export const EPCIS_MEDIA_TYPE = 'application/ld+json';

/** The unit's EPC at a log index: its drum's GRAI once tagged, else hazledger's URN. */
const epcOf = (ctx: Ctx, unitId: string, index: number) => tagAt(ctx.facts.get(unitId), index)?.epcUri ?? urn.unit(unitId);

const step = (m: Mapping) => ({ ...(m.bizStep ? { bizStep: m.bizStep } : {}), ...(m.disposition ? { disposition: m.disposition } : {}) });

function when(se: SealedEntry): Json {
  return { eventTime: cstIso(se.entry.at), eventTimeZoneOffset: CST_OFFSET, recordTime: se.sealedAt, eventID: eventId(se.leafHash) };
}

/** Where the event comes from in the log, and who vouches for it. */
function provenance(se: SealedEntry): Json {
  const sig = signatureOf(se.entry);
  return { 'hz:ledgerIndex': se.index, 'hz:leafHash': se.leafHash, 'hz:entryType': se.entry.type, 'hz:signedBy': sig.kind === 'server' ? 'server-attested' : sig.by };
}

function underManifest(m: ManifestInfo | undefined): Json {
  if (!m) return {};
  return {
    bizTransactionList: [{ type: TRANSFER_MANIFEST, bizTransaction: urn.manifest(m.number) }],
    sourceList: [{ type: 'owning_party', source: urn.org(m.producerOrgId) }],
    destinationList: [{ type: 'owning_party', destination: urn.org(m.receiverOrgId) }],
  };
}

/** Gross, tare and net as a sensor element (gs1:Mass in KGM); quantityList is for class-level identifiers. */
function weights(d: Data, at: string, deviceId?: string): Json {
  if (d.grossKg === undefined) return {};
  const report = (kind: string, kg: string) => ({ type: 'Mass', value: Number(kg), uom: 'KGM', 'hz:weight': kind });
  return {
    sensorElementList: [{
      sensorMetadata: { time: cstIso(at), ...(deviceId ? { deviceID: urn.device(deviceId) } : {}) },
      sensorReport: [report('gross', d.grossKg), report('tare', d.tareKg), report('net', d.netKg)],
    }],
  };
}

/** readPoint and bizLocation, where the log records a site for the step. */
function places(se: SealedEntry, ctx: Ctx): Json {
  const e = se.entry;
  const d = e.data as Data;
  const before = () => placeBefore(ctx.facts.get(e.unit!), se.index);
  const at = (read?: string | null, biz?: string | null) => ({
    ...(read ? { readPoint: { id: urn.site(read) } } : {}),
    ...(biz ? { bizLocation: { id: urn.site(biz) } } : {}),
  });
  switch (e.type) {
    case 'unit.registered':
    case 'unit.stored':
      return at(d.siteId, d.siteId);
    case 'unit.tagged':
      return at(before(), before());
    case 'unit.retrieved':
      return at(before());
    case 'unit.weighed':
      return at(ctx.registry.device(d.deviceId)?.siteId ?? before());
    case 'unit.sighted':
      return at(d.site);
    case 'unit.loaded':
      return at(d.site ?? before());
    default:
      return {};
  }
}

function details(se: SealedEntry, m: ManifestInfo | undefined): Json {
  const e = se.entry;
  const d = e.data as Data;
  switch (e.type) {
    case 'unit.registered':
      return {
        ilmd: {
          'hz:hjCode': d.hjCode, 'hz:wasteCode': d.wasteCode, 'hz:wasteCategory': d.wasteCategory, 'hz:wasteName': d.name,
          'hz:hazards': d.hazards, 'hz:physicalForm': d.physicalForm, 'hz:components': d.components,
          'hz:containerType': d.containerType, 'hz:volumeL': d.volumeL, 'hz:generationDate': d.generationDate,
        },
      };
    case 'unit.weighed':
      return { ...weights(d, e.at, d.deviceId), 'hz:weighingSource': d.source, ...(d.framesSha256 ? { 'hz:scaleFramesSha256': d.framesSha256 } : {}) };
    case 'unit.loaded':
    case 'unit.handed_over': {
      const leg = m?.legs[d.leg];
      return { 'hz:leg': d.leg + 1, ...(leg ? { 'hz:carrier': urn.org(leg.transporterOrgId), 'hz:vehicle': leg.vehiclePlate } : {}) };
    }
    case 'unit.received':
      return weights(d, e.at);
    case 'unit.refused':
      return {
        ...weights(d, e.at),
        ...(DISCREPANCY[d.discrepancy] ? { persistentDisposition: { set: [DISCREPANCY[d.discrepancy]] } } : {}),
        'hz:refusalReason': d.reason, 'hz:discrepancy': d.discrepancy,
      };
    case 'unit.disposed':
      return { 'hz:treatmentMethod': d.method, 'hz:licence': d.licenceId };
    default:
      return {};
  }
}

function unitEvent(se: SealedEntry, ctx: Ctx): Json | undefined {
  const e = se.entry;
  let map = UNIT_EVENTS[e.type];
  if (!map || !e.unit) return undefined;
  const m = e.manifest ? ctx.manifests.get(e.manifest) : undefined;
  if (e.type === 'unit.received' && m?.receiverRole === 'producer') map = { ...map, disposition: 'returned' };
  return {
    type: 'ObjectEvent', ...when(se), epcList: [epcOf(ctx, e.unit, se.index)], action: map.action, ...step(map),
    ...places(se, ctx), ...underManifest(m), ...details(se, m), 'hz:unit': urn.unit(e.unit), ...provenance(se),
  };
}

function manifestEvent(se: SealedEntry, ctx: Ctx, m: ManifestInfo, units: string[], onBoard: Set<string>): Json | undefined {
  const e = se.entry;
  const d = e.data as Data;
  const key = e.type === 'manifest.signed' ? (d.step === 'sign' ? 'manifest.signed:sign' : undefined) : e.type;
  const map = key ? MANIFEST_EVENTS[key] : undefined;
  if (!map) return undefined;
  const objects = map.event === 'TransactionEvent' ? units : [...onBoard];
  return {
    type: map.event, ...when(se), epcList: objects.map((u) => epcOf(ctx, u, se.index)), action: map.action, ...step(map),
    ...underManifest(m), ...(d.vehiclePlate ? { 'hz:vehicle': d.vehiclePlate } : {}), ...(d.reason ? { 'hz:reason': d.reason } : {}), ...provenance(se),
  };
}

const info = (m: Pick<ManifestRow, 'number' | 'producerOrgId' | 'receiverOrgId' | 'receiverRole' | 'legs'>): ManifestInfo =>
  ({ number: m.number, producerOrgId: m.producerOrgId, receiverOrgId: m.receiverOrgId, receiverRole: m.receiverRole, legs: m.legs });

function epcisDocument(subject: string, eventList: Json[]): Json {
  return { '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date().toISOString(), 'hz:subject': subject, epcisBody: { eventList } };
}

/** The manifest's chain as EPCIS: its units' steps under it, and its own steps as listed in MANIFEST_EVENTS. */
export async function manifestEpcis(sql: Sql, m: ManifestRow): Promise<Json> {
  const entries = await manifestEntries(sql, m.id);
  const created = entries.find((x) => x.entry.type === 'manifest.created');
  const units = (created?.entry.data.units as string[] | undefined) ?? m.unitIds;
  const [facts, registry] = await Promise.all([unitFacts(sql, units), loadRegistry(sql)]);
  const ctx: Ctx = { facts, registry, manifests: new Map([[m.id, info(m)]]) };
  const onBoard = new Set<string>();
  const events: Json[] = [];
  for (const se of entries) {
    const e = se.entry;
    const ev = e.unit ? unitEvent(se, ctx) : manifestEvent(se, ctx, ctx.manifests.get(m.id)!, units, onBoard);
    if (ev) events.push(ev);
    if (e.unit && e.type === 'unit.loaded') onBoard.add(e.unit);
    if (e.unit && (e.type === 'unit.received' || e.type === 'unit.refused')) onBoard.delete(e.unit);
  }
  return epcisDocument(urn.manifest(m.number), events);
}

/** Every sealed step of one unit as EPCIS, with the manifests it travelled under as business transactions. */
export async function unitEpcis(sql: Sql, u: UnitRow): Promise<Json> {
  const entries = await unitEntries(sql, u.id);
  const ids = [...new Set(entries.map((x) => x.entry.manifest).filter((x): x is string => !!x))];
  const rows = ids.length === 0 ? [] : await sql.query<{ id: string; number: string; producer_org_id: string; receiver_org_id: string; receiver_role: string; legs: Leg[] }>(
    'SELECT id, number, producer_org_id, receiver_org_id, receiver_role, legs FROM manifests WHERE id = ANY($1)',
    [ids],
  );
  const manifests = new Map(rows.map((r) => [r.id, info({ number: r.number, producerOrgId: r.producer_org_id, receiverOrgId: r.receiver_org_id, receiverRole: r.receiver_role as ManifestRow['receiverRole'], legs: r.legs })]));
  const [facts, registry] = await Promise.all([unitFacts(sql, [u.id]), loadRegistry(sql)]);
  const ctx: Ctx = { facts, registry, manifests };
  return epcisDocument(urn.unit(u.id), entries.map((se) => unitEvent(se, ctx)).filter((x): x is Json => !!x));
}
