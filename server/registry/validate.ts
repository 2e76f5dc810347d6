// Registry reference-data validators. Pure functions, no IO.
import type { DomainCode } from '../custody/errors.js';

// ---- Unified social credit code (GB 32100-2015) ----

/** The 31 characters a USCC may contain: digits and upper-case letters without I, O, S, V, Z. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;

/** Check character of the first 17 characters: weights 3^i mod 31, C = 31 - (Σ mod 31), 31 → '0'. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`not a USCC character: ${first17[i]}`);
    sum += v * w;
    w = (w * 3) % 31;
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

/**
 * 18 characters: registration authority (1), organisation kind (1), administrative
 * division code (6 digits), organisation code (9), check character (1).
 */
export function isValidUscc(code: string): boolean {
  if (typeof code !== 'string' || !USCC_SHAPE.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

/**
 * The organisation-code part (characters 9–17) carries its own GB 11714 check digit:
 * weights 3,7,9,10,5,8,4,2; C = 11 - (Σ mod 11), 10 → 'X', 11 → '0'.
 */
export function hasValidOrgCode(uscc: string): boolean {
  const org = uscc.slice(8, 17);
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(org)) return false;
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(org[i]!, 36) * weights[i]!;
  const c = 11 - (sum % 11);
  return org[8] === (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

// ---- Licence plates ----

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z'; // plate letters never use I or O
const PLATE_PATTERNS = [
  new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{5}$`), // ordinary blue / yellow plate
  new RegExp(`^[${PROVINCES}][${L}][DF][${L}0-9]\\d{4}$`), // small new-energy (green)
  new RegExp(`^[${PROVINCES}][${L}]\\d{5}[DF]$`), // large new-energy (yellow-green)
  new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{4}[挂学警港澳]$`), // trailer and special suffixes
];

/** Canonical plate form: no middle dot or spaces, upper case (cameras send `浙J·12345`). */
export function normalizePlate(plate: string): string {
  return plate.replace(/[\s·•.\-]/g, '').toUpperCase();
}

/** Validates a plate in canonical form (no middle dot), e.g. `浙J12345`, `浙JD12345`, `浙J12345D`. */
export function isValidPlate(plate: string): boolean {
  return typeof plate === 'string' && PLATE_PATTERNS.some((re) => re.test(plate));
}

// ---- Waste codes ----

/** 8-digit 名录 code written NNN-NNN-NN (industry, sequence, HW category). */
export function isWasteCode(code: string): boolean {
  return typeof code === 'string' && /^\d{3}-\d{3}-\d{2}$/.test(code);
}

// ---- Pilot-park registry ----

export type OrgKind = 'producer' | 'transporter' | 'operator' | 'authority';
export type SiteKind = 'plant' | 'storage' | 'gate' | 'weighbridge' | 'office';
export type HazardTrait = 'T' | 'C' | 'I' | 'R' | 'In';

export interface Site { id: string; kind: SiteKind; name: string; address: string; lat: number; lon: number }
export interface Organisation {
  id: string; uscc: string; name: string; nameEn: string; kind: OrgKind;
  contact: { person: string; phone: string };
  sites: Site[];
}
export interface Vehicle {
  plate: string; orgId: string; kind: 'hazmat-tanker' | 'hazmat-van' | 'hazmat-truck';
  ratedLoadKg: number; roadTransportPermit: string;
}
export interface Device {
  id: string; kind: 'rfid-reader' | 'scale' | 'camera' | 'gateway' | 'handheld'; model: string;
  protocol: 'r2000' | 'chafon' | 'llrp' | 'xk3190' | 'toledo' | 'mt-sics' | 'hikvision-isapi' | 'dahua-json' | 'line';
  orgId: string; siteId: string;
}
export interface Licence {
  id: string; orgId: string; number: string; wasteCodes: string[];
  tonnesPerYear: number; validUntil: string; methods: string[];
}
export interface PilotPark {
  version: string;
  park: { id: string; name: string; nameEn: string; region: string; adminCode: string };
  organisations: Organisation[];
  vehicles: Vehicle[];
  devices: Device[];
  licences: Licence[];
}
export interface WasteCodeEntry {
  code: string; category: string; categoryName: string; industry: string;
  description: string; hazards: HazardTrait[];
}
export interface WasteCodeList { edition: string; source: string; codes: WasteCodeEntry[] }

const ORG_KINDS = ['producer', 'transporter', 'operator', 'authority'];
const SITE_KINDS = ['plant', 'storage', 'gate', 'weighbridge', 'office'];
export const VEHICLE_KINDS: readonly Vehicle['kind'][] = ['hazmat-tanker', 'hazmat-van', 'hazmat-truck'];
const DEVICE_KINDS = ['rfid-reader', 'scale', 'camera', 'gateway', 'handheld'];
const PROTOCOLS: Record<string, string[]> = {
  'rfid-reader': ['r2000', 'chafon', 'llrp'],
  scale: ['xk3190', 'toledo', 'mt-sics'],
  camera: ['hikvision-isapi', 'dahua-json'],
  gateway: ['xk3190', 'toledo', 'mt-sics', 'r2000', 'chafon', 'line'],
  handheld: ['line', 'r2000', 'chafon', 'llrp'],
};
const HAZARDS = ['T', 'C', 'I', 'R', 'In'];
export const isIsoDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s);
const METHOD = /^(R([1-9]|1[0-5])|D(1[0-6]|[1-9])|C[1-4])$/;

/** The waste list's own problems: format, category consistency, traits, duplicates. */
export function validateWasteCodes(list: WasteCodeList): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const w of list.codes) {
    if (!isWasteCode(w.code)) problems.push(`waste code ${w.code}: not NNN-NNN-NN`);
    else if (w.category !== `HW${w.code.slice(-2)}`) problems.push(`waste code ${w.code}: category ${w.category} does not match its last two digits`);
    if (seen.has(w.code)) problems.push(`waste code ${w.code}: listed twice`);
    seen.add(w.code);
    if (!w.hazards?.length || w.hazards.some((h) => !HAZARDS.includes(h))) problems.push(`waste code ${w.code}: hazard traits must be a non-empty subset of T, C, I, R, In`);
    if (!w.description || !w.industry) problems.push(`waste code ${w.code}: missing description or industry`);
  }
  return problems;
}

/** Every problem in the park registry, as human-readable sentences; empty when fine. */
export function validatePilotPark(park: PilotPark, wasteCodes: WasteCodeList): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const claimId = (id: string, what: string) => {
    if (!id) problems.push(`${what} has no id`);
    else if (ids.has(id)) problems.push(`duplicate id ${id} (${ids.get(id)} and ${what})`);
    else ids.set(id, what);
  };

  if (!/^\d{6}$/.test(park.park?.adminCode ?? '')) problems.push('park adminCode must be a 6-digit division code');
  claimId(park.park?.id, 'park');

  const orgs = new Map<string, Organisation>();
  const sites = new Map<string, { site: Site; orgId: string }>();
  const usccs = new Set<string>();
  for (const o of park.organisations) {
    claimId(o.id, `organisation ${o.name}`);
    orgs.set(o.id, o);
    if (!ORG_KINDS.includes(o.kind)) problems.push(`organisation ${o.id}: unknown kind ${o.kind}`);
    if (!isValidUscc(o.uscc)) problems.push(`organisation ${o.id}: USCC ${o.uscc} is invalid (shape or check character)`);
    else if (!hasValidOrgCode(o.uscc)) problems.push(`organisation ${o.id}: USCC ${o.uscc} has a bad organisation-code check digit`);
    if (usccs.has(o.uscc)) problems.push(`organisation ${o.id}: USCC ${o.uscc} used twice`);
    usccs.add(o.uscc);
    if (!o.name || !o.nameEn) problems.push(`organisation ${o.id}: missing name or nameEn`);
    if (!o.contact?.person || !/^\+?[\d-]{7,20}$/.test(o.contact?.phone ?? '')) problems.push(`organisation ${o.id}: contact needs a person and a phone number`);
    if (!o.sites?.length) problems.push(`organisation ${o.id}: has no site`);
    for (const s of o.sites ?? []) {
      claimId(s.id, `site ${s.name}`);
      sites.set(s.id, { site: s, orgId: o.id });
      if (!SITE_KINDS.includes(s.kind)) problems.push(`site ${s.id}: unknown kind ${s.kind}`);
      if (!(Math.abs(s.lat) <= 90 && Math.abs(s.lon) <= 180)) problems.push(`site ${s.id}: lat/lon out of range`);
      if (!s.address) problems.push(`site ${s.id}: missing address`);
    }
  }
  const kindOf = (id: string) => orgs.get(id)?.kind;

  const plates = new Set<string>();
  for (const v of park.vehicles) {
    if (plates.has(v.plate)) problems.push(`vehicle ${v.plate}: plate listed twice`);
    plates.add(v.plate);
    problems.push(...vehicleProblems(v, kindOf(v.orgId)).map((p) => `vehicle ${v.plate}: ${p.message}`));
  }

  for (const d of park.devices) {
    claimId(d.id, `device ${d.model}`);
    if (!DEVICE_KINDS.includes(d.kind)) problems.push(`device ${d.id}: unknown kind ${d.kind}`);
    else if (!PROTOCOLS[d.kind]!.includes(d.protocol)) problems.push(`device ${d.id}: protocol ${d.protocol} does not fit a ${d.kind}`);
    if (!orgs.has(d.orgId)) problems.push(`device ${d.id}: organisation ${d.orgId} does not exist`);
    const s = sites.get(d.siteId);
    if (!s) problems.push(`device ${d.id}: site ${d.siteId} does not exist`);
    else if (s.orgId !== d.orgId) problems.push(`device ${d.id}: site ${d.siteId} belongs to ${s.orgId}, not ${d.orgId}`);
  }

  for (const l of park.licences) {
    claimId(l.id, `licence ${l.number}`);
    problems.push(...licenceProblems(l, kindOf(l.orgId), wasteCodes).map((p) => `licence ${l.id}: ${p.message}`));
  }

  return problems;
}

/** One rule a registry record breaks: the code the admin's change is refused with, and why. */
export interface RecordProblem {
  code: DomainCode;
  message: string;
}

/** Its owner must exist and be of the kind named (a vehicle's a transporter, a licence's holder an operator). */
function ownerProblem(role: string, orgId: string, kind: string | undefined, wanted: OrgKind): RecordProblem[] {
  if (kind === undefined) return [{ code: 'UNKNOWN_ORGANISATION', message: `organisation ${orgId} does not exist` }];
  return kind === wanted ? [] : [{ code: 'WRONG_ORGANISATION_KIND', message: `${role} ${orgId} is not ${/^[aeiou]/.test(wanted) ? 'an' : 'a'} ${wanted}` }];
}

/** A vehicle's problems, given its owner's kind (undefined: no such organisation). */
export function vehicleProblems(v: Vehicle, ownerKind: string | undefined): RecordProblem[] {
  const out: RecordProblem[] = [];
  if (!isValidPlate(v.plate)) out.push({ code: 'BAD_PLATE', message: 'not a valid plate in canonical form' });
  out.push(...ownerProblem('owner', v.orgId, ownerKind, 'transporter'));
  if (!VEHICLE_KINDS.includes(v.kind)) out.push({ code: 'BAD_INPUT', message: `unknown kind ${v.kind}` });
  if (!(v.ratedLoadKg > 0)) out.push({ code: 'BAD_INPUT', message: 'ratedLoadKg must be positive' });
  if (!v.roadTransportPermit) out.push({ code: 'BAD_INPUT', message: 'missing road transport permit' });
  return out;
}

/** A licence's problems, given its holder's kind (undefined: no such organisation) and the national waste list. */
export function licenceProblems(l: Licence, holderKind: string | undefined, list: { edition: string; codes: { code: string }[] }): RecordProblem[] {
  const out: RecordProblem[] = [...ownerProblem('holder', l.orgId, holderKind, 'operator')];
  const bad = (message: string) => out.push({ code: 'BAD_INPUT', message });
  if (!l.number) bad('missing number');
  if (!l.wasteCodes?.length) bad('covers no waste code');
  const known = new Set(list.codes.map((w) => w.code));
  for (const c of l.wasteCodes ?? []) {
    if (!isWasteCode(c)) out.push({ code: 'UNKNOWN_WASTE_CODE', message: `${c} is not a waste code` });
    else if (!known.has(c)) out.push({ code: 'UNKNOWN_WASTE_CODE', message: `${c} is not in the ${list.edition} waste list` });
  }
  if (new Set(l.wasteCodes).size !== l.wasteCodes?.length) bad('a waste code is listed twice');
  if (!(l.tonnesPerYear > 0)) bad('tonnesPerYear must be positive');
  if (!isIsoDate(l.validUntil)) bad(`validUntil ${l.validUntil} is not a date`);
  if (!l.methods?.length || l.methods.some((m) => !METHOD.test(m))) bad('methods must be R1–R15, D1–D16 or C1–C4 codes');
  return out;
}
