// Exact decimal weights. Indicators send digits and a decimal position; a float would turn
// "1234.5" into 1234.4999… and a weighing must keep the value exactly as the indicator showed it.

export interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** "-12.50" → { units: -1250n, scale: 2 }; undefined for anything that is not a plain decimal. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const units = BigInt(m[2]! + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

/** The value in units of 10^-scale; scale must be at least d.scale. */
export function atScale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = atScale(a, s);
  const y = atScale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** |a - b| as a Decimal. */
export function distance(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  const d = atScale(a, s) - atScale(b, s);
  return { units: d < 0n ? -d : d, scale: s };
}

/** k × d, for band and minimum-load limits counted in divisions. */
export function times(d: Decimal, k: number): Decimal {
  return { units: d.units * BigInt(k), scale: d.scale };
}

/**
 * ASCII digits with the last `decimals` of them after the point → canonical decimal string:
 * no leading zeros, every displayed decimal kept ("002000", 2 → "20.00"). The sign is kept even
 * on zero, as the frame sent it.
 */
export function digitsToDecimal(digits: string, decimals: number, negative: boolean): string {
  const padded = digits.padStart(decimals + 1, '0');
  const int = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, '');
  const frac = padded.slice(padded.length - decimals);
  return (negative ? '-' : '') + int + (decimals > 0 ? '.' + frac : '');
}

/**
 * The digits a fixed-width field needs for `text` shown with exactly `decimals` decimals
 * ("20", 2 → "2000"), or undefined when the value has more non-zero decimals than that.
 */
export function toDigits(text: string, decimals: number): { digits: string; negative: boolean } | undefined {
  const d = parseDecimal(text);
  if (!d) return undefined;
  let units = d.units < 0n ? -d.units : d.units;
  if (d.scale > decimals) {
    const drop = 10n ** BigInt(d.scale - decimals);
    if (units % drop !== 0n) return undefined;
    units /= drop;
  } else {
    units *= 10n ** BigInt(decimals - d.scale);
  }
  return { digits: units.toString(), negative: text.startsWith('-') };
}
