// Chafon / UHFReader18 / CF-RU5102-style frames (devices.md §1.3): CRC, encoders and the
// decoding of one whole frame. The stream decoder is in protocol.ts.
//   command:  Len Adr Cmd Data[] CRC-LSB CRC-MSB          Len = 4 + len(Data) = bytes after Len
//   response: Len Adr reCmd Status Data[] CRC-LSB CRC-MSB
import { FrameError, hex, type Raw } from '../codec.js';
import { grai96OrNothing, type DecodedGrai96 } from '../../server/units/identifiers/epc.js';

export const BROADCAST = 0xff;
export const CMD_INVENTORY = 0x01;
export const CMD_GET_READER_INFO = 0x21;
/** Inventory status 0x03: more frames follow (§1.3, UR manual page 20). */
export const STATUS_MORE = 0x03;

/**
 * CRC-16/MCRF4XX (§1.3 table): reflected polynomial 0x8408, preset 0xFFFF, no final XOR,
 * over Len … last Data byte, sent LSB first.
 */
export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = 0; i < end; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

function byte(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new FrameError('BAD_FRAME', `${what} must be a byte 0–255, got ${String(value)}`);
  return value;
}

/** `Len Adr Cmd Data[] CRC-LSB CRC-MSB`. Bad arguments throw FrameError (the codec throws nothing else). */
export function encodeCommand(adr: number, cmd: number, data: ArrayLike<number> = []): Uint8Array {
  if (data.length > 0xff - 4) throw new FrameError('BAD_LENGTH', `Chafon data is at most ${0xff - 4} bytes, got ${data.length}`);
  const frame = new Uint8Array(data.length + 5);
  frame[0] = data.length + 4;
  frame[1] = byte(adr, 'address');
  frame[2] = byte(cmd, 'command');
  for (let i = 0; i < data.length; i++) frame[3 + i] = byte(data[i]!, `data byte ${i}`);
  const crc = crc16(frame, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >>> 8;
  return frame;
}

/** Inventory (0x01) without parameters, the UHFReader18 form: `04 FF 01 1B B4` for adr FF (§1.3). */
export const inventory = (adr = BROADCAST) => encodeCommand(adr, CMD_INVENTORY);

/** Get reader information (0x21): `04 00 21 D9 6A` for adr 0 (§1.3). */
export const getReaderInfo = (adr = BROADCAST) => encodeCommand(adr, CMD_GET_READER_INFO);

/** Builds a response frame; for simulated readers and tests. */
export function encodeResponse(adr: number, reCmd: number, status: number, data: ArrayLike<number> = []): Uint8Array {
  return encodeCommand(adr, reCmd, [byte(status, 'status'), ...Array.from(data)]);
}

/**
 * Inventory answer layouts differ by generation (§1.3):
 * - 'uhfreader18': `Num, [EPClen, EPC]…`;
 * - 'ur' (UR-series and newer): `Ant, Num, [len|0x80 FastID flag, EPC(+TID), RSSI]…`.
 */
export type InventoryLayout = 'uhfreader18' | 'ur';

export interface ChafonTag {
  /** Upper-case hex of the ID bytes: the EPC, or EPC + TID when fastId is set. */
  epc: string;
  /** Set when the EPC is a valid GRAI-96 (§3.1); never with FastID (EPC and TID are not split). */
  grai?: DecodedGrai96;
  /** 'ur' layout only: the RSSI byte as sent (its scale is not given in §1.3). */
  rssi?: number;
  /** 'ur' layout only: the 0x80 FastID flag of the length byte. */
  fastId?: boolean;
}

interface Base extends Raw {
  adr: number;
  cmd: number;
  status: number;
}

/** An inventory (0x01) answer: its tags, and whether more frames follow. */
export interface ChafonInventory extends Base {
  kind: 'inventory';
  more: boolean;
  /** 'ur' layout only: the Ant byte as sent. */
  ant?: number;
  tags: ChafonTag[];
}

/** Any other answer, undecoded. */
export interface ChafonResponse extends Base {
  kind: 'response';
  data: Uint8Array;
}

export type ChafonFrame = ChafonInventory | ChafonResponse;

export interface ChafonCommand extends Raw {
  kind: 'command';
  adr: number;
  cmd: number;
  data: Uint8Array;
}


function tag(id: Uint8Array, extra: Omit<ChafonTag, 'epc' | 'grai'> = {}): ChafonTag {
  const epc = hex(id);
  const grai = extra.fastId ? undefined : grai96OrNothing(epc);
  return { epc, ...(grai ? { grai } : {}), ...extra };
}

/** Decodes a whole response (length and CRC already checked). */
export function decodeResponse(frame: Uint8Array, layout: InventoryLayout = 'uhfreader18'): ChafonFrame | FrameError {
  const base = { raw: frame, adr: frame[1]!, cmd: frame[2]!, status: frame[3]! };
  const data = frame.subarray(4, frame.length - 2);
  if (base.cmd !== CMD_INVENTORY) return { ...base, kind: 'response', data: data.slice() };
  const more = base.status === STATUS_MORE;
  if (data.length === 0) return { ...base, kind: 'inventory', more, tags: [] };
  const bad = (why: string) => new FrameError('BAD_FRAME', `Chafon inventory answer (${layout}): ${why}`, frame.slice());
  const tags: ChafonTag[] = [];
  let ant: number | undefined;
  let p = 0;
  if (layout === 'ur') {
    if (data.length < 2) return bad('no Ant and Num bytes');
    ant = data[p++]!;
  }
  const num = data[p++]!;
  while (p < data.length) {
    const lenByte = data[p++]!;
    const n = layout === 'ur' ? lenByte & 0x7f : lenByte;
    const end = p + n + (layout === 'ur' ? 1 : 0);
    if (end > data.length) return bad(`tag ${tags.length + 1} claims ${n} bytes past the end of the data`);
    const id = data.subarray(p, p + n);
    tags.push(layout === 'ur' ? tag(id, { rssi: data[p + n]!, fastId: (lenByte & 0x80) !== 0 }) : tag(id));
    p = end;
  }
  if (tags.length !== num) return bad(`Num says ${num} tags, the data holds ${tags.length}`);
  return { ...base, kind: 'inventory', more, ...(ant === undefined ? {} : { ant }), tags };
}

/** Decodes a whole command frame (host → reader). */
export function decodeCommand(frame: Uint8Array): ChafonCommand {
  return { raw: frame, kind: 'command', adr: frame[1]!, cmd: frame[2]!, data: frame.slice(3, frame.length - 2) };
}
