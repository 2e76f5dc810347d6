// R2000 frames decoded field by field, once the stream decoder has a whole frame whose checksum
// holds. Layouts: devices.md §1.1 unless a line says otherwise. Never throws: a frame that breaks
// its layout comes back as a FrameError carrying the frame's bytes.
import { FrameError, hex, type Raw } from '../codec.js';
import { grai96OrNothing, type DecodedGrai96 } from '../../server/units/identifiers/epc.js';
import { Cmd, commandName } from './commands.js';
import { STATUS_ANSWER, SUCCESS, statusMeaning } from './status.js';

interface Base extends Raw {
  /** RS-485 address 0x00–0xFE, or 0xFF (public). */
  address: number;
  cmd: number;
}

interface TagFields {
  /** 1–4: bits 0–1 of the FreqAnt byte, plus one (§1.1). */
  antenna: number;
  /** Bits 2–7 of the FreqAnt byte: an index into the reader's frequency table (§1.1). */
  freqIndex: number;
  /** The tag's PC word; bits 15–11 give the EPC length in 16-bit words. */
  pc: number;
  /** EPC, upper-case hex, as long as the PC says. */
  epc: string;
  /** RSSI byte − 129 (§1.1). */
  rssiDbm: number;
  /** Set when the EPC is a valid GRAI-96 (our drums, §3.1); any company prefix. */
  grai?: DecodedGrai96;
}

/** One tag seen during cmd_real_time_inventory (0x89) or 0x8B: `FreqAnt PC(2) EPC(N) RSSI`. */
export interface R2000Tag extends Base, TagFields {
  kind: 'tag';
}

/** End of a 0x89/0x8B round: Len 0x0A, `AntID(1) ReadRate(2, BE) TotalRead(4, BE)` (§1.1). */
export interface R2000RoundEnd extends Base {
  kind: 'roundEnd';
  /** The AntID byte as sent (the §1.1 sample has 0x00; whether it is 0- or 1-based is not stated). */
  antId: number;
  readRate: number;
  totalRead: number;
}

/**
 * One record of the inventory buffer (0x90 / 0x91), after hex-in/pyImpinj `__unpack_inventory_buffer`:
 * `TagCount(2) DataLen(1) PC(2) EPC(N) CRC(2) RSSI(1) FreqAnt(1) InvCount(1)`, DataLen = N + 4.
 */
export interface R2000BufferTag extends Base, TagFields {
  kind: 'bufferTag';
  tagCount: number;
  /** The tag's own CRC-16 over PC + EPC, as read. */
  epcCrc: number;
  /** Whether epcCrc is the CRC-16/GENIBUS of PC + EPC (pyImpinj: `xmodem(…, 0xFFFF) ^ 0xFFFF`). */
  epcCrcOk: boolean;
  inventoryCount: number;
}

/** A one-byte answer 0x10 (success) to a set command. */
export interface R2000Ack extends Base {
  kind: 'ack';
}

/** A one-byte error answer (Len 0x04, §1.1), or 0x89/0x8B's `AntID Code` antenna-missing answer. */
export interface R2000Error extends Base {
  kind: 'error';
  code: number;
  meaning: string;
  /** Only on the two-byte inventory answer: the antenna it concerns, 1–4. */
  antenna?: number;
}

/** get firmware version (0x72): `Major Minor` (yennhan1211/rfid_service `rfid_impinj.cpp`). */
export interface R2000Firmware extends Base {
  kind: 'firmware';
  major: number;
  minor: number;
}

/** get work antenna (0x75): one byte 0–3, reported 1–4 like tags' antennas. */
export interface R2000WorkAntenna extends Base {
  kind: 'workAntenna';
  antenna: number;
}

/** Any other answer, undecoded: the command and its data bytes. */
export interface R2000Response extends Base {
  kind: 'response';
  data: Uint8Array;
}

export type R2000Frame = R2000Tag | R2000RoundEnd | R2000BufferTag | R2000Ack | R2000Error | R2000Firmware | R2000WorkAntenna | R2000Response;

/** A host → reader command, for a simulated reader or a wire log. */
export interface R2000Command extends Base {
  kind: 'command';
  name: string;
  data: Uint8Array;
}


/** EPC length in bytes from the PC word: `((PC & 0xF800) >> 10) & 0x3E` (§1.1). */
export const epcBytes = (pc: number) => ((pc & 0xf800) >> 10) & 0x3e;

/** CRC-16/GENIBUS (poly 0x1021, init 0xFFFF, final XOR 0xFFFF), the Gen2 tag CRC. */
function crc16Genibus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc ^ 0xffff;
}

const bad = (frame: Uint8Array, why: string) => new FrameError('BAD_FRAME', `R2000 ${commandName(frame[3]!)} answer: ${why}`, frame.slice());

function tagFields(freqAnt: number, pc: number, epc: Uint8Array, rssi: number): TagFields {
  const epcHex = hex(epc);
  const grai = grai96OrNothing(epcHex);
  return { antenna: (freqAnt & 0x03) + 1, freqIndex: freqAnt >> 2, pc, epc: epcHex, rssiDbm: rssi - 129, ...(grai ? { grai } : {}) };
}

/** Decodes a whole reader → host frame (head, length and checksum already checked). */
export function decodeResponse(frame: Uint8Array): R2000Frame | FrameError {
  const base = { raw: frame, address: frame[2]!, cmd: frame[3]! };
  const data = frame.subarray(4, frame.length - 1);
  const { cmd } = base;
  if (data.length === 1 && STATUS_ANSWER.has(cmd)) {
    const code = data[0]!;
    return code === SUCCESS ? { ...base, kind: 'ack' } : { ...base, kind: 'error', code, meaning: statusMeaning(code) };
  }
  switch (cmd) {
    case Cmd.realTimeInventory:
    case Cmd.customizedSessionTargetInventory:
      return inventoryAnswer(frame, base, data);
    case Cmd.getInventoryBuffer:
    case Cmd.getAndResetInventoryBuffer:
      return bufferRecord(frame, base, data);
    case Cmd.getFirmwareVersion:
      if (data.length === 2) return { ...base, kind: 'firmware', major: data[0]!, minor: data[1]! };
      break;
    case Cmd.getWorkAntenna:
      if (data.length === 1 && data[0]! <= 3) return { ...base, kind: 'workAntenna', antenna: data[0]! + 1 };
      break;
  }
  return { ...base, kind: 'response', data: data.slice() };
}

function inventoryAnswer(frame: Uint8Array, base: Base, data: Uint8Array): R2000Frame | FrameError {
  if (frame[1] === 0x0a) {
    // A tag frame is never Len 0x0A: its EPC would be 3 bytes, and the PC counts 16-bit words.
    const totalRead = ((data[3]! << 24) | (data[4]! << 16) | (data[5]! << 8) | data[6]!) >>> 0;
    return { ...base, kind: 'roundEnd', antId: data[0]!, readRate: (data[1]! << 8) | data[2]!, totalRead };
  }
  if (data.length === 2) {
    // `AntID ErrorCode`: pyImpinj `handle_packet` reads it as antenna missing (0x22).
    const code = data[1]!;
    return { ...base, kind: 'error', code, meaning: statusMeaning(code), antenna: (data[0]! & 0x03) + 1 };
  }
  if (data.length < 4) return bad(frame, `${data.length} data bytes fit neither a tag nor an error`);
  const pc = (data[1]! << 8) | data[2]!;
  const n = epcBytes(pc);
  if (data.length !== 4 + n) return bad(frame, `PC 0x${pc.toString(16).padStart(4, '0')} gives a ${n}-byte EPC, but the frame holds ${data.length - 4}`);
  return { ...base, kind: 'tag', ...tagFields(data[0]!, pc, data.subarray(3, 3 + n), data[3 + n]!) };
}

function bufferRecord(frame: Uint8Array, base: Base, data: Uint8Array): R2000Frame | FrameError {
  if (data.length < 10) return bad(frame, `${data.length} data bytes are too few for a buffer record`);
  const dataLen = data[2]!;
  const pc = (data[3]! << 8) | data[4]!;
  const n = epcBytes(pc);
  if (data.length !== dataLen + 6 || dataLen !== n + 4) return bad(frame, `DataLen ${dataLen} and PC EPC length ${n} do not fit ${data.length} data bytes`);
  const epc = data.subarray(5, 5 + n);
  const epcCrc = (data[5 + n]! << 8) | data[6 + n]!;
  const tail = 7 + n; // RSSI, FreqAnt, InvCount
  return {
    ...base,
    kind: 'bufferTag',
    tagCount: (data[0]! << 8) | data[1]!,
    ...tagFields(data[tail + 1]!, pc, epc, data[tail]!),
    epcCrc,
    epcCrcOk: crc16Genibus(data.subarray(3, 5 + n)) === epcCrc,
    inventoryCount: data[tail + 2]!,
  };
}

/** Decodes a whole host → reader frame. */
export function decodeCommand(frame: Uint8Array): R2000Command {
  // Exported on its own too: bytes that are not even a frame's header and check are refused, not misread.
  if (frame.length < 5) throw new FrameError('BAD_LENGTH', `an R2000 command frame has at least 5 bytes, not ${frame.length}`, frame.slice());
  return { raw: frame, address: frame[2]!, cmd: frame[3]!, kind: 'command', name: commandName(frame[3]!), data: frame.slice(4, frame.length - 1) };
}
