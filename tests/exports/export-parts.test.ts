// The exports' parts on their own: CSV fields (RFC 4180, the formula guard), the period in China
// Standard Time, XLSX sheets rolling over at the row limit, and writing held back by a slow reader.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from '../../server/exports/csv.js';
import { unguarded } from './ledger-expected.js';
import { COLUMNS, type LedgerLine } from '../../server/exports/ledger-columns.js';
import type { LedgerWindow } from '../../server/exports/management-ledger.js';
import { cstTime } from '../../server/china-time.js';
import { parsePeriod, PeriodError } from '../../server/exports/period.js';
import { writeXlsx } from '../../server/exports/xlsx.js';

const line = (index: number): LedgerLine => ({
  index, leafHash: randomBytes(32).toString('base64'), stage: 'storageIn', at: '2026-11-10T03:00:00Z', wasteName: `废物${index}`, wasteCategory: 'HW02',
  wasteCode: '271-001-02', containerCode: `C${index}`, containerType: '钢桶', quantityKg: '181.5', quantityIndex: 1,
});

async function* windows(count: number, perWindow: number, pulled: { n: number } = { n: 0 }): AsyncGenerator<LedgerWindow> {
  for (let w = 0; w < count; w++) {
    pulled.n++;
    yield { lines: Array.from({ length: perWindow }, (_, i) => line(w * perWindow + i)), done: w + 1, total: count };
  }
}

const drain = async (out: PassThrough) => {
  const parts: Buffer[] = [];
  for await (const c of out) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('CSV fields', () => {
  it('quotes what RFC 4180 says must be quoted, and nothing else', () => {
    expect(csvField('精馏残渣')).toBe('精馏残渣');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('含"苯"')).toBe('"含""苯"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(181.5)).toBe('181.5');
    expect(csvLine(['a', 1, undefined, 'b"'])).toBe('a,1,,"b"""\r\n');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM')).toBe("'@SUM");
    expect(csvField('-')).toBe("'-");
    // A base64 leaf hash starting with "+" too; a reader drops the apostrophe to get the hash back.
    const hash = '+hOghn72Fj6Vpb8LsrofoLw2tCuCXCIhHtxRTeOPqPo=';
    expect(csvField(hash)).toBe(`'${hash}`);
    expect(unguarded(csvField(hash))).toBe(hash);
    expect(unguarded(csvField('AbC+/='))).toBe('AbC+/=');
  });
});

describe('the period', () => {
  it('is whole days in China Standard Time, both ends included', () => {
    expect(parsePeriod('2026-11-10', '2026-11-12')).toEqual({ from: '2026-11-10', to: '2026-11-12', start: '2026-11-09T16:00:00.000Z', end: '2026-11-12T16:00:00.000Z' });
    expect(cstTime('2026-11-10T16:30:00Z')).toBe('2026-11-11 00:30:00');
    expect(parsePeriod('2024-02-29', '2024-02-29').end).toBe('2024-02-29T16:00:00.000Z');
  });

  it('refuses days that do not exist, a reversed or missing end, and more than six years', () => {
    for (const [from, to] of [['2026-02-29', '2026-03-01'], ['2026-13-01', '2026-12-01'], ['2026-11-10', '2026-11-09'], ['2026-11-10', undefined], ['2026-1-1', '2026-01-02'], ['2020-01-01', '2026-01-31']]) {
      expect(() => parsePeriod(from, to), `${from}…${to}`).toThrow(PeriodError);
    }
  });
});

describe('XLSX', () => {
  it('starts a new sheet, with its header, when one is full', async () => {
    const out = new PassThrough();
    const [, bytes] = await Promise.all([writeXlsx(windows(3, 2), out, { maxRows: 4 }), drain(out)]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => [s.name, s.rowCount])).toEqual([['管理台账', 5], ['管理台账 (2)', 3]]);
    expect(book.worksheets[1].getRow(1).getCell(1).value).toBe(COLUMNS[0].zh);
    expect(book.worksheets[1].getRow(3).getCell(1).value).toBe(5);
  });

  it('reads no further ahead than the reader takes', async () => {
    const out = new PassThrough({ highWaterMark: 4096 });
    const pulled = { n: 0 };
    // Leaf hashes do not compress: the zip's own buffers cannot take it all.
    const writing = writeXlsx(windows(200, 20, pulled), out);
    await new Promise((r) => setTimeout(r, 500));
    const stalled = pulled.n;
    expect(stalled).toBeLessThan(100);
    const [, bytes] = await Promise.all([writing, drain(out)]);
    expect(pulled.n).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets[0].rowCount).toBe(1 + 200 * 20);
  });
});
