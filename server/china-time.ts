// China Standard Time (UTC+8), the clock the ledger's calendar runs on. The park is in Zhejiang,
// and China keeps UTC+8 all year (no daylight saving), so a fixed offset is exact. Dates are cut
// on China time, not UTC: a licence's validity and its yearly tonnage, HJ 1276 unit codes,
// manifest numbers and export periods (16:30 UTC on 31 December is already 1 January in
// Zhejiang). The web app keeps its own copy: it is a separate browser bundle.

/** UTC+8, in milliseconds. */
export const CST_OFFSET_MS = 8 * 3_600_000;
/** UTC+8 as RFC 3339 writes it. */
export const CST_OFFSET = '+08:00';

/** The wall clock in China at an instant, as a Date whose UTC fields read China's date and time. */
const wallClock = (ms: number) => new Date(ms + CST_OFFSET_MS);

/** The calendar day in China Standard Time: `{ yyyy: '2026', mm: '03', dd: '05' }`. */
export function cstDay(at: Date): { yyyy: string; mm: string; dd: string } {
  const d = wallClock(at.getTime());
  return { yyyy: String(d.getUTCFullYear()), mm: String(d.getUTCMonth() + 1).padStart(2, '0'), dd: String(d.getUTCDate()).padStart(2, '0') };
}

/**
 * An RFC 3339 time's date (YYYY-MM-DD) in China Standard Time, whatever offset it was written
 * with: the calendar licences, their yearly tonnage and manifest numbers run by.
 */
export function cstDate(at: string): string {
  const { yyyy, mm, dd } = cstDay(new Date(at));
  // Compared as text with YYYY-MM-DD dates (a licence's validUntil): a year of other than four
  // digits would compare wrongly. The API takes step times in 1900–2199 only.
  if (!/^\d{4}$/.test(yyyy)) throw new RangeError(`${at} is not a time in the years 1000–9999 in China Standard Time`);
  return `${yyyy}-${mm}-${dd}`;
}

/** An RFC 3339 time in China Standard Time with its offset: `2026-11-29T00:30:00.000+08:00`, the same instant. */
export const cstIso = (at: string) => wallClock(Date.parse(at)).toISOString().replace('Z', CST_OFFSET);

/** An RFC 3339 time as the ledger shows it to people: `YYYY-MM-DD HH:mm:ss` in China Standard Time. */
export const cstTime = (at: string) => cstIso(at).slice(0, 19).replace('T', ' ');
