// How a unit's read-side row follows from its sealed entries. The command path uses this to
// compute the row it writes; rebuild and verify replay the log through the same function.
import { toBase64, type Envelope } from '../../ledger/index.js';
import { DomainError } from './errors.js';
import { isOpen, nextUnitState, type Role, type UnitAction, type UnitState } from './unit-lifecycle.js';

export interface UnitRow {
  id: string;
  hjCode: string;
  epc: string | null;
  grai: string | null;
  producerOrgId: string;
  siteId: string;
  wasteCode: string;
  wasteCategory: string;
  name: string;
  hazards: string[];
  physicalForm: string;
  containerType: string;
  volumeL: number;
  components: string;
  generationDate: string;
  state: UnitState;
  grossKg: string | null;
  tareKg: string | null;
  netKg: string | null;
  storageSiteId: string | null;
  storageBay: string | null;
  storedAt: string | null;
  registeredAt: string;
  /** base64 leaf hash of the unit's latest entry: the next entry's `prev.unit`. */
  lastLeafHash: string;
  entries: number;
}

const ACTION_OF: Partial<Record<Envelope['type'], UnitAction>> = {
  'unit.weighed': 'weigh',
  'unit.tagged': 'tag',
  'unit.stored': 'store',
  'unit.retrieved': 'retrieve',
  'unit.loaded': 'load',
  'unit.handed_over': 'hand_over',
  'unit.received': 'receive',
  'unit.refused': 'refuse',
  'unit.disposed': 'dispose',
};

type Data = Record<string, unknown>;

export function applyUnitEntry(row: UnitRow | undefined, e: Envelope, leafHash: Uint8Array): UnitRow {
  const d = e.data as Data;
  const leaf = toBase64(leafHash);
  if (e.type === 'unit.registered') {
    if (row) throw new DomainError('TRANSITION_REFUSED', `unit ${e.unit} is already registered`);
    return {
      id: e.unit!,
      hjCode: d.hjCode as string,
      epc: (d.epc as string) ?? null,
      grai: (d.grai as string) ?? null,
      producerOrgId: d.producerOrgId as string,
      siteId: d.siteId as string,
      wasteCode: d.wasteCode as string,
      wasteCategory: d.wasteCategory as string,
      name: d.name as string,
      hazards: d.hazards as string[],
      physicalForm: d.physicalForm as string,
      containerType: d.containerType as string,
      volumeL: d.volumeL as number,
      components: d.components as string,
      generationDate: d.generationDate as string,
      state: 'registered',
      grossKg: null,
      tareKg: null,
      netKg: null,
      storageSiteId: null,
      storageBay: null,
      storedAt: null,
      registeredAt: e.at,
      lastLeafHash: leaf,
      entries: 1,
    };
  }
  if (!row) throw new DomainError('UNIT_NOT_FOUND', `unit ${e.unit} has no registration before this entry`);
  if (e.type === 'unit.sighted') {
    // A reader saw the drum: in any open state, and it changes nothing but the chain.
    if (!isOpen(row.state)) throw new DomainError('TRANSITION_REFUSED', `unit ${e.unit} is ${row.state}: it cannot be sighted`);
    return { ...row, lastLeafHash: leaf, entries: row.entries + 1 };
  }
  const action = ACTION_OF[e.type];
  if (!action) throw new DomainError('TRANSITION_REFUSED', `${e.type} is not a unit step handled here`);
  const next: UnitRow = { ...row, state: nextUnitState(row.state, action, e.by.role as Role), lastLeafHash: leaf, entries: row.entries + 1 };
  switch (e.type) {
    case 'unit.weighed':
      return { ...next, grossKg: d.grossKg as string, tareKg: d.tareKg as string, netKg: d.netKg as string };
    case 'unit.received':
    case 'unit.refused':
      // weighed at the receiver's scale, when it was
      return d.grossKg === undefined ? next : { ...next, grossKg: d.grossKg as string, tareKg: d.tareKg as string, netKg: d.netKg as string };
    case 'unit.tagged':
      return { ...next, epc: d.epc as string, grai: d.grai as string };
    case 'unit.stored':
      return { ...next, storageSiteId: d.siteId as string, storageBay: d.bay as string, storedAt: e.at };
    default:
      return next;
  }
}
