// TagReportData (TLV 240): one tag seen, as carried in RO_ACCESS_REPORT.
import { FrameError, hex } from '../codec.js';
import { grai96OrNothing } from '../../server/units/identifiers/epc.js';
import { ParseError, Reader, Writer, checkU64, checkUint, paramsOf } from './bytes.js';
import { PARAM, TV } from './constants.js';

export interface LlrpTag {
  /** The EPC as upper-case hex (for an EPCData whose bit length is not a multiple of 8, the last byte keeps its pad bits). */
  epc: string;
  epcBits: number;
  /** Which parameter carried the EPC: EPC-96 (TV 13) or EPCData (TLV 241). */
  epcParam: 'EPC-96' | 'EPCData';
  /** AI 8003 value when the EPC is a valid GRAI-96 (our drums); undefined otherwise. */
  grai?: string;
  antennaId?: number;
  /** dBm, signed byte. */
  peakRssi?: number;
  /** Microseconds since the Unix epoch (u64). */
  firstSeenUtc?: bigint;
  lastSeenUtc?: bigint;
  /** Microseconds since the reader booted. */
  firstSeenUptime?: bigint;
  lastSeenUptime?: bigint;
  channelIndex?: number;
  tagSeenCount?: number;
  roSpecId?: number;
  specIndex?: number;
  inventoryParameterSpecId?: number;
  accessSpecId?: number;
  /** C1G2 PC bits and CRC (AirProtocolTagData), when the report selector asked for them. */
  pc?: number;
  crc?: number;
}

/** The tag fields a reader may report as TV parameters, in the order LLRP lists them. */
const TV_FIELDS = [
  [TV.ROSpecID, 'roSpecId', 'u32'],
  [TV.SpecIndex, 'specIndex', 'u16'],
  [TV.InventoryParameterSpecID, 'inventoryParameterSpecId', 'u16'],
  [TV.AntennaID, 'antennaId', 'u16'],
  [TV.PeakRSSI, 'peakRssi', 'i8'],
  [TV.ChannelIndex, 'channelIndex', 'u16'],
  [TV.FirstSeenTimestampUTC, 'firstSeenUtc', 'u64'],
  [TV.FirstSeenTimestampUptime, 'firstSeenUptime', 'u64'],
  [TV.LastSeenTimestampUTC, 'lastSeenUtc', 'u64'],
  [TV.LastSeenTimestampUptime, 'lastSeenUptime', 'u64'],
  [TV.TagSeenCount, 'tagSeenCount', 'u16'],
  [TV.C1G2_PC, 'pc', 'u16'],
  [TV.C1G2_CRC, 'crc', 'u16'],
  [TV.AccessSpecID, 'accessSpecId', 'u32'],
] as const;
type TvField = (typeof TV_FIELDS)[number];
const BY_TYPE: ReadonlyMap<number, TvField> = new Map(TV_FIELDS.map((f) => [f[0] as number, f]));

/** GRAI (AI 8003) of a 96-bit EPC, or undefined when it is not a valid GRAI-96. */
export const graiOf = (epcHex: string): string | undefined => grai96OrNothing(epcHex)?.grai;

/** Decodes the value of one TagReportData. Unknown TLV parameters (custom, access results) are skipped. */
export function decodeTagReportData(value: Uint8Array): LlrpTag {
  let epc: Pick<LlrpTag, 'epc' | 'epcBits' | 'epcParam'> | undefined;
  const fields: Partial<Record<TvField[1], number | bigint>> = {};
  for (const p of paramsOf(value, 'TagReportData')) {
    if (p.tv && p.type === TV.EPC_96) {
      if (epc) throw new ParseError('BAD_FRAME', 'TagReportData has two EPC parameters');
      epc = { epc: hex(p.value), epcBits: 96, epcParam: 'EPC-96' };
    } else if (!p.tv && p.type === PARAM.EPCData) {
      if (epc) throw new ParseError('BAD_FRAME', 'TagReportData has two EPC parameters');
      const r = new Reader(p.value);
      const bits = r.u16('EPCData EPCLengthBits');
      if (r.remaining !== Math.ceil(bits / 8)) {
        throw new ParseError('BAD_FRAME', `EPCData says ${bits} bits but holds ${r.remaining} bytes`);
      }
      epc = { epc: hex(r.bytes(r.remaining, 'EPCData EPC')), epcBits: bits, epcParam: 'EPCData' };
    } else if (p.tv) {
      const f = BY_TYPE.get(p.type);
      if (!f) continue; // a known TV type we do not report (OpSpecID, SingulationDetails, XPC words)
      const r = new Reader(p.value);
      fields[f[1]] = f[2] === 'u64' ? r.u64(f[1]) : f[2] === 'u32' ? r.u32(f[1]) : f[2] === 'u16' ? r.u16(f[1]) : r.i8(f[1]);
    }
    // other TLVs (C1G2 read/write results, Custom) are skipped by their length
  }
  if (!epc) throw new ParseError('BAD_FRAME', 'TagReportData has no EPC-96 or EPCData parameter');
  const tag: LlrpTag = { ...epc };
  if (epc.epcBits === 96) {
    const grai = graiOf(epc.epc);
    if (grai !== undefined) tag.grai = grai;
  }
  Object.assign(tag, fields);
  return tag;
}

/** The tag as the encoder accepts it: `epcParam` defaults to EPC-96 for 96 bits, else EPCData; `grai` is ignored. */
export type LlrpTagInput = Omit<LlrpTag, 'epcBits' | 'epcParam' | 'grai'> & Partial<Pick<LlrpTag, 'epcBits' | 'epcParam' | 'grai'>>;

export function encodeTagReportData(w: Writer, tag: LlrpTagInput): void {
  if (typeof tag.epc !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(tag.epc)) {
    throw new FrameError('BAD_FRAME', `tag EPC must be hex, a whole number of bytes, got ${String(tag.epc)}`);
  }
  const epcBytes = Uint8Array.from(Buffer.from(tag.epc, 'hex'));
  const bits = tag.epcBits ?? epcBytes.length * 8;
  checkUint(bits, 16, 'epcBits');
  if (Math.ceil(bits / 8) !== epcBytes.length) {
    throw new FrameError('BAD_FRAME', `epcBits ${bits} does not fit an EPC of ${epcBytes.length} bytes`);
  }
  const form = tag.epcParam ?? (bits === 96 ? 'EPC-96' : 'EPCData');
  if (form === 'EPC-96' && bits !== 96) throw new FrameError('BAD_FRAME', `EPC-96 needs 96 bits, got ${bits}`);
  w.tlv(PARAM.TagReportData, () => {
    if (form === 'EPC-96') w.tv(TV.EPC_96, () => w.bytes(epcBytes));
    else w.tlv(PARAM.EPCData, () => w.u16(bits).bytes(epcBytes));
    for (const [type, key, kind] of TV_FIELDS) {
      const v = tag[key];
      if (v === undefined) continue;
      if (kind === 'u64') {
        const n = checkU64(v, key);
        w.tv(type, () => w.u64(n));
      } else if (kind === 'i8') {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -128 || v > 127) throw new FrameError('BAD_FRAME', `${key} must be -128…127, got ${String(v)}`);
        w.tv(type, () => w.u8(v & 0xff));
      } else {
        const n = checkUint(v, kind === 'u32' ? 32 : 16, key);
        w.tv(type, () => (kind === 'u32' ? w.u32(n) : w.u16(n)));
      }
    }
  });
}
