// GRAI-96 EPC of the reusable drum's UHF tag, behind a thin wrapper of epc-tds (devices.md §3.4).
// epc-tds does the bit packing; we add what it lacks: strict input checks (it happily decodes
// junk, and crashes on partition 7), the AI 8003 filler `0` its toBarcode() omits, an empty asset
// type at partition 0 (epc-tds prints "0"), range checks on decode (TDS: a field ≥ 10^digits is
// not a valid GRAI-96), and typed errors. We use it for bits only and build strings ourselves.
import { Grai96 } from 'epc-tds/dist/epc/grai/grai96.js';
import { EpcError, show } from './errors.js';
import { formatGrai } from './gs1.js';

export const GRAI96_HEADER = 0x33;
export const GRAI96_MAX_SERIAL = 2 ** 38 - 1; // 274877906943; numeric serials only (else GRAI-170)

export interface Grai96Fields {
  /** GS1 company prefix, 6–12 digits; its length selects the partition. */
  companyPrefix: string;
  /** Asset type, exactly 12 − companyPrefix.length digits (may be empty for a 12-digit prefix). */
  assetType: string;
  /** 0 … 2^38−1; as a string, decimal without leading zeros (TDS: otherwise it would not round-trip). */
  serial: number | bigint | string;
  /** EPC filter value 0–7; 0 ("all others") unless told. */
  filter?: number;
}

export interface DecodedGrai96 {
  /** 24 upper-case hex digits. */
  hex: string;
  filter: number;
  partition: number;
  companyPrefix: string;
  assetType: string;
  /** Decimal, no leading zeros. */
  serial: string;
  /** AI 8003 value: `0` + company prefix + asset type + check digit + serial. */
  grai: string;
  /** `urn:epc:id:grai:6901234.00017.1000001` */
  pureUri: string;
  /** `urn:epc:tag:grai-96:0.6901234.00017.1000001` */
  tagUri: string;
}

// Headers a reader may plausibly hand us instead, for a helpful message.
const OTHER_HEADERS: Record<number, string> = {
  0x30: 'SGTIN-96',
  0x31: 'SSCC-96',
  0x32: 'SGLN-96',
  0x34: 'GIAI-96',
  0x35: 'GID-96',
  0x36: 'SGTIN-198',
  0x37: 'GRAI-170',
  0xe2: 'not an EPC scheme header: likely an unprogrammed tag (factory value) or a TID',
};

export function encodeGrai96(fields: Grai96Fields): string {
  const { companyPrefix, assetType, serial, filter = 0 } = fields;
  if (typeof companyPrefix !== 'string' || !/^\d{6,12}$/.test(companyPrefix)) {
    throw new EpcError('EPC_INVALID_FIELD', `company prefix must be 6–12 digits, got ${show(companyPrefix)}`);
  }
  const typeDigits = 12 - companyPrefix.length;
  if (typeof assetType !== 'string' || assetType.length !== typeDigits || !/^\d*$/.test(assetType)) {
    throw new EpcError('EPC_INVALID_FIELD', `asset type must be ${typeDigits} digits with a ${companyPrefix.length}-digit company prefix, got ${show(assetType)}`);
  }
  if (!Number.isInteger(filter) || filter < 0 || filter > 7) {
    throw new EpcError('EPC_INVALID_FIELD', `filter must be an integer 0–7, got ${show(filter)}`);
  }
  const epc = new Grai96()
    .setFilter(filter)
    .setPartition(12 - companyPrefix.length)
    .setCompanyPrefix(Number(companyPrefix))
    .setAssetType(Number(assetType))
    .setSerial(serialNumber(serial));
  return epc.toHexString();
}

export function decodeGrai96(hex: string): DecodedGrai96 {
  if (typeof hex !== 'string' || !/^[0-9A-Fa-f]{24}$/.test(hex)) {
    const got = typeof hex === 'string' ? `${hex.length} characters: ${show(hex)}` : show(hex);
    throw new EpcError('EPC_MALFORMED', `a GRAI-96 EPC is 24 hex digits, got ${got}`);
  }
  hex = hex.toUpperCase();
  const header = parseInt(hex.slice(0, 2), 16);
  if (header !== GRAI96_HEADER) {
    const other = OTHER_HEADERS[header];
    throw new EpcError('EPC_NOT_GRAI96', `EPC ${hex} has header 0x${hex.slice(0, 2)}, not GRAI-96 (0x33)${other ? `: ${other}` : ''}`);
  }
  const epc = new Grai96(hex);
  const partition = epc.getPartition();
  const row = Grai96.PARTITIONS[partition];
  if (!row) throw new EpcError('EPC_INVALID_FIELD', `EPC ${hex} has partition ${partition}; only 0–6 are defined`);
  const companyPrefix = epc.getSegmentString(row.a);
  const assetType = row.b.digits === 0 ? '' : epc.getSegmentString(row.b);
  // The bit fields can hold more than their digit counts allow; TDS says such a tag is invalid.
  if (companyPrefix.length > row.a.digits || assetType.length > row.b.digits || (row.b.digits === 0 && epc.getAssetType() !== 0)) {
    throw new EpcError('EPC_INVALID_FIELD', `EPC ${hex}: company prefix or asset type exceeds its ${row.a.digits}+${row.b.digits} digits for partition ${partition}`);
  }
  const serial = String(epc.getSerial());
  return {
    hex,
    filter: epc.getFilter(),
    partition,
    companyPrefix,
    assetType,
    serial,
    grai: formatGrai(companyPrefix + assetType, serial),
    pureUri: `urn:epc:id:grai:${companyPrefix}.${assetType}.${serial}`,
    tagUri: `urn:epc:tag:grai-96:${epc.getFilter()}.${companyPrefix}.${assetType}.${serial}`,
  };
}

/** The GRAI-96 a reader's EPC decodes to, or undefined when it is not one (readers see all kinds of tags). */
export function grai96OrNothing(hex: string): DecodedGrai96 | undefined {
  try {
    return decodeGrai96(hex);
  } catch {
    return undefined; // decodeGrai96's reasons (and epc-tds's own) are not the reader's concern
  }
}

/** Refuses a tag whose company prefix is not ours (any 0x33 junk decodes; devices.md §3.4). */
export function checkCompanyPrefix<T extends { companyPrefix: string }>(decoded: T, allowedPrefixes: Iterable<string>): T {
  const allowed = [...allowedPrefixes];
  if (!allowed.includes(decoded.companyPrefix)) {
    const ours = allowed.length ? allowed.join(', ') : 'none configured';
    throw new EpcError('EPC_FOREIGN_COMPANY', `tag has company prefix ${decoded.companyPrefix}, not one of ours (${ours})`);
  }
  return decoded;
}

function serialNumber(serial: number | bigint | string): number {
  let n: number | undefined;
  if (typeof serial === 'number' && Number.isSafeInteger(serial)) n = serial;
  else if (typeof serial === 'bigint' && serial <= BigInt(GRAI96_MAX_SERIAL)) n = Number(serial);
  else if (typeof serial === 'string' && /^(0|[1-9]\d{0,15})$/.test(serial)) n = Number(serial);
  if (n === undefined || n < 0 || n > GRAI96_MAX_SERIAL) {
    throw new EpcError('EPC_INVALID_FIELD', `GRAI-96 serial must be an integer 0–${GRAI96_MAX_SERIAL} (decimal, no leading zeros), got ${show(serial)}`);
  }
  return n;
}
