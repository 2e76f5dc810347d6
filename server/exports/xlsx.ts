// The management ledger as XLSX through exceljs's streaming WorkbookWriter, each row committed
// (written out and dropped) as it comes. Writing waits for room in the zip and the output after
// each window of the log, so a slow reader holds the export back instead of it piling up in memory.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { COLUMNS, type LedgerLine } from './ledger-columns.js';
import type { OnWindow } from './csv.js';
import type { LedgerWindow } from './management-ledger.js';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Excel's last row is 1,048,576; one is the header. */
export const XLSX_MAX_ROWS = 1_048_575;
export const SHEET_NAME = '管理台账';

type Sink = Writable & { _writableState?: { length: number; highWaterMark: number } };
/** What a writable holds unwritten, and how much it wants at most (readable-stream 2, inside exceljs, has no writableLength). */
const queued = (w: Sink) => w.writableLength ?? w._writableState?.length ?? 0;
const limit = (w: Sink) => w.writableHighWaterMark ?? w._writableState?.highWaterMark ?? 16384;

/** Resolves once `out` can take more, or rejects if it was closed (the reader went away). */
export async function roomIn(out: Sink): Promise<void> {
  if (out.destroyed) throw new Error('the output was closed');
  if (queued(out) < limit(out)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', done).off('close', done).off('error', done);
      if (err || out.destroyed) reject(err ?? new Error('the output was closed'));
      else resolve();
    };
    out.on('drain', done).on('close', done).on('error', done);
  });
}

/**
 * exceljs writes a sheet into the zip without waiting for the compressor, so a reader slower than
 * the rows would pile them up there: the compressor's input queue is watched too (through
 * exceljs's own fields; if they are not there, only `out` holds the export back).
 */
async function roomInZip(sheet: unknown, out: Writable): Promise<void> {
  const pipes = (sheet as { _stream?: { pipes?: Writable[] } })._stream?.pipes ?? [];
  for (const zipEntry of pipes) await roomIn(zipEntry);
  await roomIn(out);
}

const cellOf = (l: LedgerLine) => COLUMNS.map((c) => {
  const v = c.value(l);
  return c.numeric && v !== undefined ? Number(v) : v ?? null;
});

/** The whole workbook into `out` (which it ends); a sheet per 1,048,575 lines when there are more. */
export async function writeXlsx(windows: AsyncIterable<LedgerWindow>, out: Writable, opts: { onWindow?: OnWindow; maxRows?: number } = {}): Promise<void> {
  const maxRows = opts.maxRows ?? XLSX_MAX_ROWS;
  // No shared strings and no styles: both are tables kept in memory until the end.
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  book.creator = 'hazledger';
  let sheets = 0;
  const addSheet = () => {
    const sheet = book.addWorksheet(++sheets === 1 ? SHEET_NAME : `${SHEET_NAME} (${sheets})`);
    sheet.addRow(COLUMNS.map((c) => c.zh)).commit();
    return sheet;
  };
  let sheet = addSheet();
  let inSheet = 0;
  let lines = 0;
  for await (const w of windows) {
    for (const l of w.lines) {
      if (inSheet === maxRows) {
        sheet.commit();
        sheet = addSheet();
        inSheet = 0;
      }
      sheet.addRow(cellOf(l)).commit();
      inSheet++;
    }
    lines += w.lines.length;
    opts.onWindow?.(w, lines);
    await roomInZip(sheet, out);
  }
  sheet.commit();
  await book.commit();
}
