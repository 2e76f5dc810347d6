// RFC 4180 CSV as Excel reads Chinese text: UTF-8 with a byte-order mark, CRLF line ends, a field
// quoted when it holds a quote, comma, CR or LF (quotes doubled); the management ledger as CSV
// text chunks, one per window of the log.
import { COLUMNS } from './ledger-columns.js';
import type { LedgerWindow } from './management-ledger.js';

export const CSV_BOM = '\uFEFF';
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

const NEEDS_QUOTES = /[",\r\n]/;
/**
 * Text a spreadsheet would run as a formula (CSV injection, OWASP): a leading apostrophe keeps it
 * text. Free text can start so, and a base64 leaf hash can start with "+"; indices, weights and
 * times never do. A program reading the CSV drops the apostrophe before such a character.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: readonly (string | number | undefined | null)[]) => `${fields.map(csvField).join(',')}\r\n`;

export type OnWindow = (w: LedgerWindow, lines: number) => void;

export async function* csvChunks(windows: AsyncIterable<LedgerWindow>, onWindow?: OnWindow): AsyncGenerator<string> {
  yield CSV_BOM + csvLine(COLUMNS.map((c) => c.zh));
  let lines = 0;
  for await (const w of windows) {
    lines += w.lines.length;
    onWindow?.(w, lines);
    if (w.lines.length > 0) yield w.lines.map((l) => csvLine(COLUMNS.map((c) => c.value(l)))).join('');
  }
}
