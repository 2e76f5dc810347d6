// GS1 building blocks shared by the EPC and Digital Link modules: the mod-10 check digit and
// the AI 8003 (GRAI) element string value.
import { GraiError, show } from './errors.js';

/**
 * GS1 mod-10 check digit of a digit string (GenSpecs §7.9): weights 3,1,3,… from the right.
 * Leading zeros do not change it, so GRAI's filler `0` may be included or not.
 */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new TypeError(`gs1CheckDigit needs digits, got ${show(digits)}`);
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** GS1 AI encodable character set 82 (GenSpecs Figure 7.11-1): digits, letters, 20 symbols. */
const CSET82 = /^[0-9A-Za-z!"%&'()*+,\-./:;<=>?_]*$/;

export interface ParsedGrai {
  /** The AI 8003 value: `0` filler + 12 digits (company prefix + asset type) + check digit + serial. */
  grai: string;
  /** The 12 digits of company prefix and asset type; where the split lies is not in the GRAI. */
  companyAndAssetType: string;
  checkDigit: number;
  /** 0–16 characters of CSET 82; empty when the GRAI names an asset type, not one asset. */
  serial: string;
}

/** Builds the AI 8003 value from the 12 digits of company prefix + asset type and the serial. */
export function formatGrai(companyAndAssetType: string, serial: string): string {
  if (!/^\d{12}$/.test(companyAndAssetType)) {
    throw new GraiError('GRAI_DIGITS', `company prefix + asset type must be 12 digits, got ${show(companyAndAssetType)}`);
  }
  checkSerial(serial);
  return `0${companyAndAssetType}${gs1CheckDigit(companyAndAssetType)}${serial}`;
}

/**
 * Validates an AI 8003 value (GS1 GenSpecs; TDS 2.0 GRAI+ pattern `0[0-9]{13}` + serial).
 * Our drums are always serialised, so by default a GRAI without a serial is refused.
 */
export function parseGrai(value: string, { requireSerial = true } = {}): ParsedGrai {
  if (typeof value !== 'string') throw new GraiError('GRAI_DIGITS', `GRAI must be a string, got ${show(value)}`);
  if (value.length < 14 || value.length > 30) {
    throw new GraiError('GRAI_LENGTH', `GRAI must be 14 digits plus a serial of up to 16 characters (14–30), got ${value.length} characters: ${show(value)}`);
  }
  const head = value.slice(0, 14);
  if (!/^\d{14}$/.test(head)) throw new GraiError('GRAI_DIGITS', `the first 14 characters of a GRAI must be digits, got ${show(head)}`);
  if (head[0] !== '0') {
    // epc-tds toBarcode() output lacks the filler; a 13-digit head then looks shifted by one.
    throw new GraiError('GRAI_FILLER', `a GRAI (AI 8003) starts with the filler digit 0, got ${show(value)}`);
  }
  const companyAndAssetType = head.slice(1, 13);
  const checkDigit = head.charCodeAt(13) - 48;
  const expected = gs1CheckDigit(companyAndAssetType);
  if (checkDigit !== expected) {
    throw new GraiError('GRAI_CHECK_DIGIT', `GRAI ${show(value)} has check digit ${checkDigit}, expected ${expected}`);
  }
  const serial = value.slice(14);
  checkSerial(serial);
  if (requireSerial && serial === '') throw new GraiError('GRAI_SERIAL', `GRAI ${show(value)} has no serial: it names an asset type, not a drum`);
  return { grai: value, companyAndAssetType, checkDigit, serial };
}

function checkSerial(serial: string): void {
  if (typeof serial !== 'string' || serial.length > 16 || !CSET82.test(serial)) {
    throw new GraiError('GRAI_SERIAL', `GRAI serial must be up to 16 characters of GS1 character set 82, got ${show(serial)}`);
  }
}
