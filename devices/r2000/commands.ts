// R2000 "UHF RFID Reader Serial Interface Protocol": host → reader command frames (devices.md §1.1).
//   Head 0xA0 | Len | Address | Cmd | Data[0..n] | Check
// Len counts Address … Check, so a frame is Len + 2 bytes; Check is the two's complement of the
// 8-bit sum of every byte before it, so a whole valid frame sums to 0 mod 256.
import { FrameError } from '../codec.js';

export const HEAD = 0xa0;
/** Public/broadcast address; RS-485 addresses are 0x00–0xFE (§1.1). */
export const BROADCAST = 0xff;
/** Len = 3 + data length, and Len is one byte. */
export const MAX_DATA = 0xff - 3;

/** Command codes (devices.md §1.1 table; names as in hex-in/pyImpinj `enums.py`). */
export const Cmd = {
  reset: 0x70,
  setBaudRate: 0x71,
  getFirmwareVersion: 0x72,
  setWorkAntenna: 0x74,
  getWorkAntenna: 0x75,
  setOutputPower: 0x76,
  getOutputPower: 0x77,
  setBeeperMode: 0x7a,
  getTemperature: 0x7b,
  inventory: 0x80,
  read: 0x81,
  write: 0x82,
  realTimeInventory: 0x89,
  fastSwitchAntennaInventory: 0x8a,
  customizedSessionTargetInventory: 0x8b,
  getInventoryBuffer: 0x90,
  getAndResetInventoryBuffer: 0x91,
} as const;

const NAMES = new Map<number, string>(Object.entries(Cmd).map(([name, code]) => [code, name]));

/** The command's name, or its hex code when we do not know it. */
export function commandName(cmd: number): string {
  return NAMES.get(cmd) ?? `0x${cmd.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Two's complement of the 8-bit sum of bytes[0 … end) (§1.1). */
export function checksum(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** Encoders refuse bad arguments with a FrameError: the codec throws nothing else (codec.ts). */
function byte(value: number, what: string, min = 0, max = 0xff): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FrameError('BAD_FRAME', `${what} must be an integer ${min}–${max}, got ${String(value)}`);
  }
  return value;
}

/** Any frame: `A0 Len Address Cmd Data… Check`. */
export function encodeFrame(address: number, cmd: number, data: ArrayLike<number> = []): Uint8Array {
  if (data.length > MAX_DATA) throw new FrameError('BAD_LENGTH', `R2000 data is at most ${MAX_DATA} bytes, got ${data.length}`);
  const frame = new Uint8Array(data.length + 5);
  frame[0] = HEAD;
  frame[1] = data.length + 3;
  frame[2] = byte(address, 'address');
  frame[3] = byte(cmd, 'command');
  for (let i = 0; i < data.length; i++) frame[4 + i] = byte(data[i]!, `data byte ${i}`);
  frame[frame.length - 1] = checksum(frame, frame.length - 1);
  return frame;
}

/**
 * cmd_real_time_inventory: `A0 04 <addr> 89 <Repeat> <chk>` (§1.1). The reader runs the rounds
 * and stops (no push-forever mode), so a driver re-issues it back to back.
 */
export const realTimeInventory = (repeat = 0x01, address = BROADCAST) =>
  encodeFrame(address, Cmd.realTimeInventory, [byte(repeat, 'repeat')]);

/**
 * cmd_customized_session_target_inventory (0x8B): Session (S0–S3 → 0–3), Target (A → 0, B → 1),
 * Repeat, as hex-in/pyImpinj `protocol.py` `session_inventory` builds it. Its answers have the
 * 0x89 layout (pyImpinj `handle_packet` treats both alike).
 */
export function customizedSessionInventory(
  { session = 1, target = 'A', repeat = 0x01 }: { session?: number; target?: 'A' | 'B'; repeat?: number } = {},
  address = BROADCAST,
): Uint8Array {
  if (target !== 'A' && target !== 'B') throw new FrameError('BAD_FRAME', `target must be 'A' or 'B', got ${String(target)}`);
  return encodeFrame(address, Cmd.customizedSessionTargetInventory, [byte(session, 'session', 0, 3), target === 'B' ? 1 : 0, byte(repeat, 'repeat')]);
}

/** cmd_reset: `A0 03 <addr> 70 <chk>` (§1.1 sample `A0 03 01 70 EC`). */
export const reset = (address = BROADCAST) => encodeFrame(address, Cmd.reset);

export const getFirmwareVersion = (address = BROADCAST) => encodeFrame(address, Cmd.getFirmwareVersion);

/** Antennas are numbered 1–4 here as in decoded tags; the wire carries 0–3 (pyImpinj `set_work_antenna`). */
export const setWorkAntenna = (antenna: number, address = BROADCAST) =>
  encodeFrame(address, Cmd.setWorkAntenna, [byte(antenna, 'antenna', 1, 4) - 1]);

export const getWorkAntenna = (address = BROADCAST) => encodeFrame(address, Cmd.getWorkAntenna);

/** Output power in dBm, 0–33: one value for all antennas or one per antenna (pyImpinj `set_rf_power`). */
export function setOutputPower(dBm: number | readonly number[], address = BROADCAST): Uint8Array {
  const values = typeof dBm === 'number' ? [dBm] : [...dBm];
  if (values.length !== 1 && values.length !== 4) throw new FrameError('BAD_FRAME', `output power takes 1 or 4 values, got ${values.length}`);
  return encodeFrame(address, Cmd.setOutputPower, values.map((v, i) => byte(v, `output power ${i + 1}`, 0, 33)));
}

export const getOutputPower = (address = BROADCAST) => encodeFrame(address, Cmd.getOutputPower);

/** Beeper: 0 quiet, 1 after each round, 2 on every tag (pyImpinj `beeper`). */
export const setBeeperMode = (mode: number, address = BROADCAST) => encodeFrame(address, Cmd.setBeeperMode, [byte(mode, 'beeper mode', 0, 2)]);

export const getInventoryBuffer = (address = BROADCAST) => encodeFrame(address, Cmd.getInventoryBuffer);
