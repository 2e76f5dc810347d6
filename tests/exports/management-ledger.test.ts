// The HJ 1259 management ledger over HTTP: CSV (BOM, RFC 4180) and XLSX (read back with exceljs)
// line by line against what the fixture did, every line's ledger index against the entry it
// names, the period in China Standard Time, who may read whose ledger, and bad parameters.
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Who } from '../helpers/api.js';
import { DRIVERS } from '../helpers/databases.js';
import { readCsv } from './csv-read.js';
import { asLines, asSheetLines, checkAgainstLog, expectedLines, HEADER, type Line } from './ledger-expected.js';
import { openLedgerPark, type LedgerPark } from './ledger-fixture.js';

const url = (org: string, format: 'csv' | 'xlsx', query = 'from=2026-11-10&to=2026-11-13') => `/api/producers/${org}/management-ledger.${format}?${query}`;

describe.each(DRIVERS)('management ledger (管理台账) on %s', (driver) => {
  let p: LedgerPark;
  let expected: Line[];
  const get = async (who: Who, path: string) => (await p.as(who)).request('GET', path);
  const csvLines = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = readCsv(res.body.slice(1));
    expect(header).toEqual(HEADER);
    return asLines(rows);
  };
  const withoutHash = (lines: Line[]) => lines.map(({ 叶哈希: _, ...rest }) => rest);

  beforeAll(async () => {
    p = await openLedgerPark(driver);
    expected = await expectedLines(p);
  });
  afterAll(() => p?.opened.close());

  it('writes the CSV line by line: generation, storage in and out, transfer, receipt', async () => {
    const res = await get('producer', url('org-hengkang', 'csv'));
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="management-ledger-org-hengkang-2026-11-10-2026-11-13.csv"');
    expect(res.body.endsWith('\r\n')).toBe(true);
    const lines = csvLines(res);
    expect(withoutHash(lines)).toEqual(expected);
    expect(lines.map((l) => l.环节)).toEqual(['产生', '产生', '入库', '入库', '出库', '产生', '出库', '转移', '转移', '转移', '接收', '接收', '接收']);
  });

  it("names, on every line, the log entry it comes from (index, type, container, time, leaf hash)", async () => {
    const lines = csvLines(await get('producer', url('org-hengkang', 'csv')));
    await checkAgainstLog(p, lines);
  });

  it('writes the same lines as XLSX, read back with exceljs', async () => {
    const res = await get('inspector', url('org-hengkang', 'xlsx'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['管理台账']);
    const rows: string[][] = [];
    book.worksheets[0].eachRow({ includeEmpty: true }, (row) => rows.push(HEADER.map((_, i) => (row.getCell(i + 1).value ?? '').toString())));
    const [header, ...data] = rows;
    expect(header).toEqual(HEADER);
    // Cells are typed (no formulas): the CSV's guarding apostrophe is not needed there.
    const csv = asSheetLines(csvLines(await get('producer', url('org-hengkang', 'csv'))));
    expect(asLines(data)).toEqual(csv);
    expect(typeof book.worksheets[0].getCell('A2').value).toBe('number');
    expect(typeof book.worksheets[0].getCell('H2').value).toBe('number');
  });

  it('takes the period as days in China Standard Time, both ends included', async () => {
    const on11th = csvLines(await get('producer', url('org-hengkang', 'csv', 'from=2026-11-11&to=2026-11-11')));
    expect(withoutHash(on11th)).toEqual(expected.filter((l) => l.时间.startsWith('2026-11-11')));
    expect(on11th.map((l) => l.环节)).toEqual(['出库', '产生']);
    const on10th = csvLines(await get('producer', url('org-hengkang', 'csv', 'from=2026-11-10&to=2026-11-10')));
    expect(on10th.map((l) => l.时间.slice(0, 10))).toEqual(['2026-11-10', '2026-11-10', '2026-11-10', '2026-11-10']);
    const before = csvLines(await get('producer', url('org-hengkang', 'csv', 'from=2026-10-01&to=2026-11-09')));
    expect(before).toEqual([]);
  });

  it("shows a producer its own ledger only; inspectors those in their jurisdiction; admins any producer's; others none", async () => {
    const own = await get('producer', url('org-hengkang', 'csv'));
    for (const who of ['inspector', 'admin'] as const) expect((await get(who, url('org-hengkang', 'csv'))).body).toBe(own.body);
    // The inspector's authority moved to another region (Hangzhou, 3301): the park (331082) is outside it.
    const { sql } = p.opened.ctx.db;
    const [{ org }] = await sql.query<{ org: string }>("SELECT org_id AS org FROM people WHERE id = (SELECT person_id FROM credentials WHERE username = 'inspector')");
    await sql.query("UPDATE organisations SET region = '3301' WHERE id = $1", [org]);
    try {
      for (const format of ['csv', 'xlsx'] as const) {
        const outside = await get('inspector', url('org-hengkang', format));
        expect(outside.statusCode, outside.body).toBe(403);
        expect(outside.json()).toMatchObject({ code: 'NOT_IN_SCOPE', detail: expect.stringMatching(/outside your authority's jurisdiction/) });
      }
    } finally {
      await sql.query("UPDATE organisations SET region = '331082' WHERE id = $1", [org]);
    }
    const other = await get('producer2', url('org-hengkang', 'csv'));
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json().code).toBe('NOT_IN_SCOPE');
    expect((await get('producer2', url('org-hengkang', 'xlsx'))).statusCode).toBe(403);
    const ruitai = csvLines(await get('producer2', url('org-ruitai', 'csv')));
    expect(ruitai.map((l) => [l.环节, l.批次编码])).toEqual([['产生', p.events.registerOther]]);
    for (const who of ['driver', 'operator'] as const) {
      const res = await get(who, url('org-hengkang', 'csv'));
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ROLE_FORBIDDEN');
    }
    expect((await p.opened.app.inject({ method: 'GET', url: url('org-hengkang', 'csv') })).statusCode).toBe(401);
  });

  it('answers bad parameters and unknown producers with problem+json, never a file', async () => {
    const cases: [string, number, string][] = [
      [url('org-hengkang', 'csv', 'from=2026-11-31&to=2026-12-10'), 400, 'BAD_PARAMETER'],
      [url('org-hengkang', 'csv', 'from=2026-11-13&to=2026-11-10'), 400, 'BAD_PARAMETER'],
      [url('org-hengkang', 'csv', 'from=2020-01-01&to=2026-11-10'), 400, 'BAD_PARAMETER'],
      [url('org-hengkang', 'csv', 'from=2026-02-30&to=2026-03-10'), 400, 'BAD_PARAMETER'],
      [url('org-hengkang', 'xlsx', 'from=2026-11-10'), 400, 'VALIDATION_FAILED'],
      [url('org-hengkang', 'csv', 'from=20261110&to=2026-11-13'), 400, 'VALIDATION_FAILED'],
      [url('org-hengkang', 'csv', 'from=2026-11-10&to=2026-11-13&unit=x'), 400, 'VALIDATION_FAILED'],
      [url('org-nope', 'csv'), 404, 'NOT_FOUND'],
      [url('org-dongxin', 'xlsx'), 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get('inspector', path);
      expect(res.statusCode, path).toBe(status);
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
      expect(res.json().code, path).toBe(code);
    }
  });
});
