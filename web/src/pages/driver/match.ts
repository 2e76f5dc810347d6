// What a scan names: a tag's EPC (24 hex digits, from an RFID handheld typing like a keyboard),
// or the label's QR — a GS1 Digital Link URL `…/8003/{GRAI}` — or the bare GRAI.
import type { Unit } from '../../types.ts';

export interface ScanKey {
  epc?: string;
  grai?: string;
}

export function scanKey(raw: string): ScanKey | undefined {
  const s = raw.trim();
  if (/^[0-9a-f]{24}$/i.test(s)) return { epc: s.toUpperCase() };
  const link = /\/8003\/([^/?#]+)/.exec(s);
  if (link) {
    try {
      return { grai: decodeURIComponent(link[1]) };
    } catch {
      return undefined;
    }
  }
  const element = /^(?:\(8003\))?(0\d{13}[!-~]{0,16})$/.exec(s);
  return element ? { grai: element[1] } : undefined;
}

/** The drum a scan names among `units`, if any. */
export function unitFor(units: Unit[], raw: string): Unit | undefined {
  const k = scanKey(raw);
  if (!k) return undefined;
  return units.find((u) => (k.epc !== undefined && u.epc?.toUpperCase() === k.epc) || (k.grai !== undefined && u.grai === k.grai));
}
