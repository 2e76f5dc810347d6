// What one line from an HF reader, a UHF desktop reader in keyboard mode, or a QR scanner holds
// (devices.md §2, §3.3). Pure and string-based, so the browser's keyboard-wedge capture can use
// it as well as the serial line decoder.
import { grai96OrNothing, type DecodedGrai96 } from '../../server/units/identifiers/epc.js';
import { parseDigitalLinkPath } from '../../server/units/identifiers/digital-link.js';
import type { ParsedGrai } from '../../server/units/identifiers/gs1.js';

/**
 * How the reader prints a UID (§2: "hex standard or reversed, decimal 32/64-bit standard or
 * reversed"). It is a per-device setting: a line of digits is valid hex as well, so the format
 * cannot be guessed. Decimal formats need the UID's byte count (4 for 32-bit, 8 for 64-bit).
 */
export type UidFormat = 'hex' | 'hex-reversed' | 'decimal' | 'decimal-reversed';

export interface ClassifyOptions {
  uidFormat?: UidFormat;
  /** Bytes in a decimal UID: 4 (32-bit) unless told. */
  uidBytes?: number;
}

/** An HF UID, bytes in standard order (as the card sends them), upper-case hex (§2). */
export interface UidLine {
  kind: 'uid';
  text: string;
  uid: string;
}

/** A UHF EPC, 24 hex digits (96 bits), with its GRAI when it is a GRAI-96 (§3.1). */
export interface EpcLine {
  kind: 'epc';
  text: string;
  epc: string;
  grai?: DecodedGrai96;
}

/** A GS1 Digital Link URL of a drum's GRAI, `…/8003/<GRAI>` (§3.3), with the GRAI parsed. */
export interface DigitalLinkLine {
  kind: 'digitalLink';
  text: string;
  grai: ParsedGrai;
}

/** Anything else. `problem` says why a line that looked like a Digital Link is not one. */
export interface TextLine {
  kind: 'text';
  text: string;
  problem?: string;
}

export type Classified = UidLine | EpcLine | DigitalLinkLine | TextLine;

/** HF UIDs: 4–10 bytes (ISO 14443 single/double/triple size; ISO 15693 is 8 bytes, §2). */
const MIN_UID_BYTES = 4;
const MAX_UID_BYTES = 10;

/** Whitespace and C0 controls at either end (a reader may wrap its output in STX/ETX). */
export const trimLine = (s: string) => s.replace(/^[\s\x00-\x1f\x7f]+|[\s\x00-\x1f\x7f]+$/g, '');

export function classifyLine(line: string, { uidFormat = 'hex', uidBytes = 4 }: ClassifyOptions = {}): Classified {
  const text = trimLine(line);
  if (/^https?:\/\//i.test(text) && /\/8003\//.test(text)) {
    try {
      return { kind: 'digitalLink', text, grai: parseDigitalLinkPath(text) };
    } catch (err) {
      return { kind: 'text', text, problem: err instanceof Error ? err.message : String(err) };
    }
  }
  if (/^[0-9A-Fa-f]{24}$/.test(text)) {
    const epc = text.toUpperCase();
    const grai = grai96OrNothing(epc);
    return { kind: 'epc', text, epc, ...(grai ? { grai } : {}) };
  }
  const uid = uidOf(text, uidFormat, uidBytes);
  return uid === undefined ? { kind: 'text', text } : { kind: 'uid', text, uid };
}


/** The UID in standard byte order as hex, or undefined when the text is not one in this format. */
function uidOf(text: string, format: UidFormat, uidBytes: number): string | undefined {
  let bytes: string[];
  if (format === 'hex' || format === 'hex-reversed') {
    if (!/^(?:[0-9A-Fa-f]{2})+$/.test(text) || text.length < 2 * MIN_UID_BYTES || text.length > 2 * MAX_UID_BYTES) return undefined;
    bytes = text.toUpperCase().match(/../g)!;
  } else {
    // §2 worked example: UID 52 5C 1F A3 prints 1381769123 (standard) or 2736741458 (reversed).
    if (!/^\d{1,20}$/.test(text) || !Number.isInteger(uidBytes) || uidBytes < 1 || uidBytes > 8) return undefined;
    const value = BigInt(text);
    if (value >= 1n << BigInt(8 * uidBytes)) return undefined;
    bytes = value.toString(16).toUpperCase().padStart(2 * uidBytes, '0').match(/../g)!;
  }
  if (format.endsWith('-reversed')) bytes.reverse();
  return bytes.join('');
}
