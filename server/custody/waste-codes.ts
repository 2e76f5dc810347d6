// The national list of hazardous wastes, as shipped versioned reference data in fixtures/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainError } from './errors.js';

export interface WasteCode {
  code: string;
  category: string;
  categoryName: string;
  industry: string;
  description: string;
  hazards: string[];
}

let list: { edition: string; codes: WasteCode[] } | undefined;

export function wasteCodes(): { edition: string; codes: WasteCode[] } {
  list ??= JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/waste-codes/2025.json', import.meta.url)), 'utf8'));
  return list!;
}

export function wasteCodeEntry(code: string): WasteCode {
  const hit = wasteCodes().codes.find((c) => c.code === code);
  if (!hit) throw new DomainError('UNKNOWN_WASTE_CODE', `${code} is not in the national list (${wasteCodes().edition} edition) shipped with hazledger`);
  return hit;
}
