// What a scan names: a tag's EPC (24 hex digits, typed or from a keyboard-wedge reader), the URL
// of a drum's QR label (GS1 Digital Link, `/8003/{GRAI}`), or the unit's id or HJ 1276 code.
import type { Unit } from '../../types.ts';

export function unitForScan(text: string, units: Unit[]): Unit | undefined {
  const s = text.trim();
  if (!s) return undefined;
  const grai = /\/8003\/(\d{14,30})/.exec(s)?.[1];
  if (grai) return units.find((u) => u.grai === grai);
  if (/^[0-9A-Fa-f]{24}$/.test(s)) return units.find((u) => u.epc?.toUpperCase() === s.toUpperCase());
  return units.find((u) => u.id === s || u.hjCode === s);
}

/** Kilograms as the API takes them: a plain decimal with up to three places. */
export const KG = /^(0|[1-9]\d{0,6})(\.\d{1,3})?$/;

export interface Weights {
  gross: string;
  tare: string;
}

export const netOf = (w: Weights | undefined): number | null => (w && KG.test(w.gross) && KG.test(w.tare) && Number(w.gross) > Number(w.tare) ? Number(w.gross) - Number(w.tare) : null);
