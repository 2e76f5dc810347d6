// R2000 status/error codes carried in a one-byte answer (`A0 04 Addr Cmd Code Check`).
// devices.md §1.1 shows the frame (Len 0x04 = error for 0x89, and the captured `A0 04 01 90 38 93`)
// but lists no meanings; these names are those of hex-in/pyImpinj `pyImpinj/enums.py`
// (ImpinjR2KGlobalErrors), the source §1.1 cites for command names. Confirm against the vendor's
// protocol document (§1.1, "V3.7") on site.

export const SUCCESS = 0x10;

const MEANINGS: Record<number, string> = {
  0x10: 'success',
  0x11: 'fail',
  0x20: 'MCU reset error',
  0x21: 'CW on error',
  0x22: 'antenna missing',
  0x23: 'write flash error',
  0x24: 'read flash error',
  0x25: 'set output power error',
  0x31: 'tag inventory error',
  0x32: 'tag read error',
  0x33: 'tag write error',
  0x34: 'tag lock error',
  0x35: 'tag kill error',
  0x36: 'no tag',
  0x37: 'inventory OK but access failed',
  0x38: 'buffer is empty',
  0x3c: 'NXP custom command failed',
  0x40: 'access or password error',
  0x41: 'invalid parameter',
  0x42: 'invalid parameter: word count too long',
  0x43: 'invalid parameter: memory bank out of range',
  0x44: 'invalid parameter: lock region out of range',
  0x45: 'invalid parameter: lock action out of range',
  0x46: 'invalid reader address',
  0x47: 'invalid parameter: antenna id out of range',
  0x48: 'invalid parameter: output power out of range',
  0x49: 'invalid parameter: frequency region out of range',
  0x4a: 'invalid parameter: baud rate out of range',
  0x4b: 'invalid parameter: beeper mode out of range',
  0x4c: 'invalid parameter: EPC match length too long',
  0x4d: 'invalid parameter: EPC match length error',
  0x4e: 'invalid parameter: EPC match mode',
  0x4f: 'invalid parameter: frequency range',
  0x50: 'failed to get RN16 from tag',
  0x51: 'invalid parameter: DRM mode',
  0x52: 'PLL lock failed',
  0x53: 'RF chip failed to respond',
  0x54: 'failed to achieve desired output power',
  0x55: 'copyright authentication failed',
  0x56: 'spectrum regulation error',
  0x57: 'output power too low',
  0xee: 'failed to get RF port return loss',
};

/** A readable meaning for a status code; unknown codes are named by their hex value. */
export function statusMeaning(code: number): string {
  return MEANINGS[code] ?? `unknown status 0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Commands whose one-byte answer is a status code rather than a value. Set commands answer
 * 0x10 on success (pyImpinj `analyze_data()` compares `data[0] == SUCCESS`); the inventory and
 * buffer commands answer one byte only on failure (devices.md §1.1; pyImpinj `handle_packet`
 * and `inventory()`). Get commands that answer a one-byte value (0x75, 0x77, …) are not here.
 */
export const STATUS_ANSWER = new Set([
  0x61, 0x62, 0x66, 0x67, 0x69, 0x71, 0x73, 0x74, 0x76, 0x78, 0x7a, // set commands
  0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x89, 0x8a, 0x8b, // inventory and tag access
  0x90, 0x91, 0x92, 0x93, // inventory buffer
]);
