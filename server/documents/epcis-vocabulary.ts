// GS1 EPCIS 2.0 / CBV 2.0 vocabulary for the export: which event, action, business step and
// disposition each sealed ledger entry becomes, and the identifiers hazledger mints where a GS1
// key is not available. CBV values are the bare terms the EPCIS 2.0 JSON-LD context expands
// (`loading` → https://ns.gs1.org/cbv/BizStep-loading). Reasons per row are in the comments and in
// the reference notes (devices.md §8); definitions quoted are CBV 2.0's.
import type { EventType } from '../../ledger/index.js';

/** hazledger's extension namespace: `hz:` keys on events and in ILMD. */
export const HZ_NS = 'https://hazledger.example/epcis/';
export const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { hz: HZ_NS }] as const;
/** A transfer manifest (转移联单) as a business transaction type: CBV has none for waste manifests. */
export const TRANSFER_MANIFEST = `${HZ_NS}transferManifest`;

/**
 * Identifiers hazledger mints where no GS1 key exists. `hazledger` is not a registered URN
 * namespace (RFC 8141): a deployment with GLNs should use SGLN / PGLN URNs for sites and parties.
 */
export const urn = {
  unit: (id: string) => `urn:hazledger:unit:${id}`,
  site: (id: string) => `urn:hazledger:site:${id}`,
  org: (id: string) => `urn:hazledger:org:${id}`,
  device: (id: string) => `urn:hazledger:device:${id}`,
  manifest: (number: string) => `urn:hazledger:manifest:${number}`,
};

export type Action = 'ADD' | 'OBSERVE' | 'DELETE';

export interface Mapping {
  action: Action;
  bizStep?: string;
  disposition?: string;
}

/**
 * Unit entries → ObjectEvent. A refusal's persistent disposition and a returned unit's receipt
 * are decided in epcis.ts from the entry's data (see `unitMapping`).
 */
export const UNIT_EVENTS: Partial<Record<EventType, Mapping>> = {
  // "Process of associating an instance-level identifier with a specific object" → active.
  'unit.registered': { action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
  // The drum's GRAI is bound to the unit: its identifier is commissioned here.
  'unit.tagged': { action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
  // Weighing checks the quantity and keeps the unit viable: inspecting (sampling is destructive;
  // sensor_reporting is for when no other step is in progress). Weighing passes or fails nothing,
  // so no disposition.
  'unit.weighed': { action: 'OBSERVE', bizStep: 'inspecting' },
  // "moved into and out of storage within a location". CBV advises omitting `in_progress` ("adds
  // little value"), and no other disposition fits a stored waste drum.
  'unit.stored': { action: 'OBSERVE', bizStep: 'storing' },
  'unit.retrieved': { action: 'OBSERVE', bizStep: 'storing' },
  // A reader saw the drum: an observation with no business step of its own.
  'unit.sighted': { action: 'OBSERVE' },
  // "loaded into shipping conveyance"; in_transit: "being shipped between two trading partners".
  'unit.loaded': { action: 'OBSERVE', bizStep: 'loading', disposition: 'in_transit' },
  // The next leg's driver scans it onto the next vehicle: loading again, still in transit.
  'unit.handed_over': { action: 'OBSERVE', bizStep: 'loading', disposition: 'in_transit' },
  'unit.unloaded': { action: 'OBSERVE', bizStep: 'unloading', disposition: 'in_transit' },
  // "received at a location and added to the receiver's inventory". An operator receives waste
  // for treatment: `disposed` ("returned for disposal"). A producer taking a refused unit back:
  // `returned` ("sent or brought back") — see unitMapping.
  'unit.received': { action: 'OBSERVE', bizStep: 'receiving', disposition: 'disposed' },
  // A refusal is a failed acceptance check: `non_conformant` is "the outcome of an unsuccessful/
  // failed inspection in an inspecting step"; `receiving` would add it to the receiver's inventory,
  // which a refusal does not. The kind of discrepancy is a persistent mismatch_ disposition.
  'unit.refused': { action: 'OBSERVE', bizStep: 'inspecting', disposition: 'non_conformant' },
  // Treatment ends the waste unit: "process of terminating an object" → destroyed, and the unit
  // is not the subject of later events (DELETE). CBV has no waste-treatment step; the D/R code is
  // an extension field.
  'unit.disposed': { action: 'DELETE', bizStep: 'destroying', disposition: 'destroyed' },
};

/** The mismatch_ disposition a refusal's discrepancy type persists ("recommended … as persistentDisposition"). */
export const DISCREPANCY: Record<string, string> = { quantity: 'mismatch_quantity', type: 'mismatch_class' };

/**
 * Manifest entries → events, in a manifest's export. Steps that also seal one entry per unit
 * (pickup, handover, receipt) are exported through those unit entries, not twice; a correction
 * changes the plan, not the objects, and a send-on is the onward manifest's own export.
 */
export const MANIFEST_EVENTS: Partial<Record<EventType | 'manifest.signed:sign', Mapping & { event: 'TransactionEvent' | 'ObjectEvent' }>> = {
  // The units are associated with the manifest (a business transaction).
  'manifest.created': { event: 'TransactionEvent', action: 'ADD' },
  // The consignor's signature confirms the association (TransactionEvent OBSERVE).
  'manifest.signed:sign': { event: 'TransactionEvent', action: 'OBSERVE' },
  'manifest.departed': { event: 'ObjectEvent', action: 'OBSERVE', bizStep: 'departing', disposition: 'in_transit' },
  'manifest.arrived': { event: 'ObjectEvent', action: 'OBSERVE', bizStep: 'arriving', disposition: 'in_transit' },
  // The transaction ends: units disassociated from it (closed when all are settled; cancelled).
  'manifest.closed': { event: 'TransactionEvent', action: 'DELETE' },
  'manifest.cancelled': { event: 'TransactionEvent', action: 'DELETE' },
};

/** A stable event ID from the entry's leaf hash: a UUID (version 8, RFC 9562) of its first 122 bits. */
export function eventId(leafHashB64: string): string {
  const h = Buffer.from(leafHashB64, 'base64').toString('hex').slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
