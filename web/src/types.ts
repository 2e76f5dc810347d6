// The shapes the API answers with (see /docs), as far as the pages use them.

export type Role = 'producer' | 'driver' | 'operator' | 'inspector' | 'admin';
export type Hazard = 'T' | 'C' | 'I' | 'R' | 'In';
export const HAZARDS: Hazard[] = ['T', 'C', 'I', 'R', 'In'];

export interface Unit {
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
  state: string;
  grossKg: string | null;
  tareKg: string | null;
  netKg: string | null;
  storageSiteId: string | null;
  storageBay: string | null;
  storedAt: string | null;
  registeredAt: string;
  entries: number;
}

export interface SealedRef {
  index: number;
  leafHash: string;
}

export interface UnitStep {
  unit: Unit;
  entry: SealedRef;
  replayed: boolean;
}

export interface Registration {
  eventId: string;
  siteId: string;
  wasteCode: string;
  name: string;
  hazards: Hazard[];
  physicalForm: string;
  containerType: string;
  volumeL: number;
  components: string;
  generationDate: string;
}

export interface Leg {
  transporterOrgId: string;
  vehiclePlate: string;
}

export interface Turn {
  action: string;
  role: string;
  orgId: string;
}

export interface Manifest {
  id: string;
  number: string;
  state: string;
  producerOrgId: string;
  receiverOrgId: string;
  legs: Leg[];
  currentLeg: number;
  unitIds: string[];
  plannedDate: string;
  createdAt: string;
  entries: number;
  next: Turn[];
}

export interface ManifestStep {
  manifest: Manifest;
  entry: SealedRef;
  replayed: boolean;
}

export interface Licence {
  id: string;
  number: string;
  wasteCodes: string[];
  tonnesPerYear: number | null;
  validUntil: string | null;
}

export interface Organisation {
  id: string;
  uscc: string;
  name: string;
  nameEn: string | null;
  kind: string;
  region: string;
  licences: Licence[];
}

export interface Site {
  id: string;
  orgId: string;
  kind: string;
  name: string;
}

export interface Vehicle {
  plate: string;
  orgId: string;
  kind: string | null;
  ratedLoadKg: number | null;
}

export interface WasteCode {
  code: string;
  category: string;
  categoryName: string;
  industry: string;
  description: string;
  hazards: string[];
}

export interface Me {
  personId: string;
  orgId: string;
  role: string;
  name: string;
  keyEnrolled: boolean;
}

export interface HistoryEntry {
  index: number | null;
  type: string;
  at: string;
  sealed: boolean;
}
