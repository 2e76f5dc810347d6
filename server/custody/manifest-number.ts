// Manifest numbers (联单编号). The national format is unconfirmed (reference/domain.md §A6), so
// the format is a template in configuration: literal text and the tokens {PROVINCE} (2-digit
// province code), {YYYY} {YY} {MM} {DD} (the manifest's day, China Standard Time) and {SEQ:n}
// (the day's sequence, n digits). Uniqueness per log comes from the day's sequence, which the
// store allocates; the template must therefore contain the full date and {SEQ}.
import { cstDay } from '../china-time.js';

export const DEFAULT_MANIFEST_NUMBER = '{PROVINCE}{YYYY}{MM}{DD}{SEQ:6}';

export class ManifestNumberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestNumberError';
  }
}

const TOKEN = /\{(PROVINCE|YYYY|YY|MM|DD|SEQ:(\d))\}/g;

export interface ManifestNumberFormat {
  template: string;
  province: string;
}

export function checkManifestNumberFormat(f: ManifestNumberFormat): void {
  if (!/^\d{2}$/.test(f.province)) throw new ManifestNumberError(`the province code must be 2 digits, got ${JSON.stringify(f.province)}`);
  const tokens = [...f.template.matchAll(TOKEN)].map((m) => m[1]);
  const seq = tokens.filter((t) => t.startsWith('SEQ'));
  if (seq.length !== 1) throw new ManifestNumberError('the manifest number template needs exactly one {SEQ:n}');
  if (!tokens.includes('YYYY') && !tokens.includes('YY')) throw new ManifestNumberError('the template needs the year ({YYYY} or {YY})');
  if (!tokens.includes('MM') || !tokens.includes('DD')) throw new ManifestNumberError('the template needs {MM} and {DD}: the sequence is per day');
  const literal = f.template.replace(TOKEN, '');
  if (/[{}]/.test(literal)) throw new ManifestNumberError(`unknown token in ${JSON.stringify(f.template)}`);
}

export function formatManifestNumber(f: ManifestNumberFormat, at: Date, sequence: number): string {
  checkManifestNumberFormat(f);
  const { yyyy, mm, dd } = cstDay(at);
  return f.template.replace(TOKEN, (_m, token: string, width?: string) => {
    switch (token) {
      case 'PROVINCE':
        return f.province;
      case 'YYYY':
        return yyyy;
      case 'YY':
        return yyyy.slice(2);
      case 'MM':
        return mm;
      case 'DD':
        return dd;
      default: {
        const n = Number(width);
        if (!Number.isInteger(sequence) || sequence < 1 || String(sequence).length > n) {
          throw new ManifestNumberError(`sequence ${sequence} does not fit ${n} digits: the day's manifests are exhausted`);
        }
        return String(sequence).padStart(n, '0');
      }
    }
  });
}
