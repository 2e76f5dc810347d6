// Manifest numbers (联单编号). The national format is unconfirmed (reference/domain.md §A6), so
// the format is a template in configuration: literal text and the tokens {PROVINCE} (2-digit
// province code), {YYYY} {YY} {MM} {DD} (the manifest's day, China Standard Time) and {SEQ:n}
// (the day's sequence, n digits). Uniqueness per log comes from the day's sequence, which the
// store allocates; the template must therefore contain the full date and {SEQ}.
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

/** The calendar day in China Standard Time (UTC+8). */
export function cstDay(at: Date): { yyyy: string; mm: string; dd: string } {
  const d = new Date(at.getTime() + 8 * 3600_000);
  return { yyyy: String(d.getUTCFullYear()), mm: String(d.getUTCMonth() + 1).padStart(2, '0'), dd: String(d.getUTCDate()).padStart(2, '0') };
}

/**
 * An RFC 3339 time's date (YYYY-MM-DD) in China Standard Time, whatever offset it was written
 * with: the calendar licences, their yearly tonnage and manifest numbers run by (16:30 UTC on
 * 31 December is already 1 January in Zhejiang).
 */
export function cstDate(at: string): string {
  const { yyyy, mm, dd } = cstDay(new Date(at));
  // Compared as text with YYYY-MM-DD dates (a licence's validUntil): a year of other than four
  // digits would compare wrongly. The API takes step times in 1900–2199 only.
  if (!/^\d{4}$/.test(yyyy)) throw new RangeError(`${at} is not a time in the years 1000–9999 in China Standard Time`);
  return `${yyyy}-${mm}-${dd}`;
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
