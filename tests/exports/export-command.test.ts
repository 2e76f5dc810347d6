// `hazledger export` run for real, as a child process on the fixture's database (closed first:
// PGlite holds a lock): the management ledger as CSV and XLSX (the same lines the HTTP route
// gives), the raw log as NDJSON (exactly the stored bytes), a producer's EPCIS document (valid
// against GS1's schema), progress lines on stderr, and bad arguments refused without a file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { bytes } from '../../ledger/store/sql.js';
import { DRIVERS, placeEnv } from '../helpers/databases.js';
import { hazledger } from '../helpers/process.js';
import { parseExportArgs } from '../../server/export-command.js';
import { schemaErrors } from '../documents/epcis-schema.js';
import { readCsv } from './csv-read.js';
import { asLines, asSheetLines, HEADER } from './ledger-expected.js';
import { openLedgerPark, type LedgerPark } from './ledger-fixture.js';

const PERIOD = ['--from', '2026-11-10', '--to=2026-11-13'];
const PROGRESS = /^management-ledger: (\d+)\/(\d+) entries \(\d+%\), (\d+) lines, [\d,]+ entries\/s, heap [\d.]+ MB$/;

describe.each(DRIVERS)('hazledger export on %s', (driver) => {
  let p: LedgerPark;
  let dir: string;
  let env: Record<string, string>;
  let httpCsv: string;
  let bodies: Uint8Array[];
  const out = (name: string) => join(dir, name);

  beforeAll(async () => {
    p = await openLedgerPark(driver);
    httpCsv = (await (await p.as('inspector')).request('GET', '/api/producers/org-hengkang/management-ledger.csv?from=2026-11-10&to=2026-11-13')).body;
    bodies = (await p.opened.ctx.db.sql.query('SELECT body FROM ledger_entries ORDER BY idx')).map((r) => bytes(r.body));
    await p.opened.app.close();
    await p.opened.ctx.close();
    dir = mkdtempSync(join(tmpdir(), 'hz-export-'));
    env = placeEnv(p.opened.place);
  });
  afterAll(async () => {
    await p?.opened.place.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the management ledger as the route does, with progress on stderr', async () => {
    const r = await hazledger(['export', 'management-ledger', '--producer', 'org-hengkang', ...PERIOD, '--out', out('ledger.csv'), '--batch', '10', '--progress-every=0'], env, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out('ledger.csv'), 'utf8')).toBe(httpCsv);
    expect(existsSync(out('ledger.csv.partial'))).toBe(false);
    const lines = r.stderr.trim().split('\n');
    const progress = lines.slice(0, -1).map((l) => PROGRESS.exec(l));
    expect(progress.every(Boolean), r.stderr).toBe(true);
    const done = progress.map((m) => Number(m![1]));
    const total = Number(progress[0]![2]);
    // One line per window of 10 entries, up to the whole log.
    expect(total).toBe(bodies.length);
    expect(done).toEqual(Array.from({ length: Math.ceil(total / 10) }, (_, i) => Math.min(total, 10 * (i + 1))));
    expect(Number(progress.at(-1)![3])).toBe(readCsv(httpCsv.slice(1)).length - 1);
    expect(lines.at(-1)).toMatch(new RegExp(`^management-ledger: done, ${total} entries read, 13 lines written in [\\d.]+ s \\([\\d,]+ entries/s, [\\d.]+ MB\\); peak RSS [\\d.]+ MB \\([\\d.]+ MB at the start\\), heap [\\d.]+ MB → .*ledger\\.csv$`));
  }, 180_000);

  it('writes the XLSX from the file name, the same lines, read back with exceljs', async () => {
    const r = await hazledger(['export', 'management-ledger', '--producer=org-hengkang', ...PERIOD, '--out', out('ledger.xlsx'), '--json'], env, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'management-ledger', done: bodies.length, total: bodies.length, written: 13, out: out('ledger.xlsx') });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out('ledger.xlsx'));
    const rows: string[][] = [];
    book.worksheets[0].eachRow({ includeEmpty: true }, (row) => rows.push(HEADER.map((_, i) => (row.getCell(i + 1).value ?? '').toString())));
    expect(rows[0]).toEqual(HEADER);
    const csv = asSheetLines(asLines(readCsv(httpCsv.slice(1)).slice(1)));
    expect(asLines(rows.slice(1))).toEqual(csv);
  }, 180_000);

  it('writes the raw log as NDJSON, each line exactly the stored bytes, whole or for a period', async () => {
    const all = await hazledger(['export', 'ledger-entries', '--out', out('log.ndjson'), '--json', '--batch=7'], env, 120_000);
    expect(all.code, all.stderr).toBe(0);
    expect(readFileSync(out('log.ndjson'))).toEqual(Buffer.concat(bodies.flatMap((b) => [b, Buffer.from('\n')])));
    expect(JSON.parse(all.stdout)).toMatchObject({ kind: 'ledger-entries', done: bodies.length, written: bodies.length });
    const some = await hazledger(['export', 'ledger-entries', '--from=2026-11-12', '--to=2026-11-12', '--out', out('day.ndjson')], env, 120_000);
    expect(some.code, some.stderr).toBe(0);
    const onThe12th = bodies.filter((b) => new Date(Date.parse(JSON.parse(fromUtf8(b)).at) + 8 * 3600_000).toISOString().startsWith('2026-11-12'));
    expect(onThe12th.length).toBeGreaterThan(5);
    expect(readFileSync(out('day.ndjson'))).toEqual(Buffer.concat(onThe12th.flatMap((b) => [b, Buffer.from('\n')])));
  }, 180_000);

  it("writes a producer's units' events as one EPCIS 2.0 document", async () => {
    const r = await hazledger(['export', 'epcis', '--producer', 'org-hengkang', ...PERIOD, '--out', out('events.jsonld'), '--json'], env, 120_000);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out('events.jsonld'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    const events = doc.epcisBody.eventList as Record<string, any>[];
    const units = new Set(events.map((e) => e['hz:unit']));
    expect(units).toEqual(new Set([p.units.a, p.units.b, p.units.c].map((u) => `urn:hazledger:unit:${u}`)));
    // Every step of the three units, each at its ledger index, none of org-ruitai's.
    const unitEntries = bodies.map((b, index) => ({ index, e: JSON.parse(fromUtf8(b)) })).filter(({ e }) => [p.units.a, p.units.b, p.units.c].includes(e.unit));
    expect(events.map((e) => e['hz:ledgerIndex']).sort((x, y) => x - y)).toEqual(unitEntries.map((u) => u.index));
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'epcis', done: 3, total: 3, written: events.length });
  }, 180_000);

  it('refuses bad arguments with the usage and exit code 2, leaving no file', async () => {
    // One refused before the database is opened, one by what the database holds; the argument
    // checks themselves are tested in-process below.
    const cases: [string[], RegExp][] = [
      [['export', 'everything', '--out', out('x')], /unknown export "everything"[\s\S]*usage: hazledger export/],
      [['export', 'management-ledger', '--producer', 'org-dongxin', ...PERIOD, '--out', out('x.csv')], /no producer org-dongxin/],
    ];
    for (const [args, message] of cases) {
      const r = await hazledger(args, env, 120_000);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(out('x.csv')) || existsSync(out('x.csv.partial')) || existsSync(out('x'))).toBe(false);
  }, 300_000);
});

describe('hazledger export arguments', () => {
  it.each<[string[], RegExp]>([
    [['everything', '--out', 'x'], /unknown export "everything"/],
    [['management-ledger', ...PERIOD, '--out', 'x.csv'], /--producer ORG is required/],
    [['management-ledger', '--producer', 'org-hengkang', '--from', '2026-02-30', '--to', '2026-03-01', '--out', 'x.csv'], /from must be a real date/],
    [['management-ledger', '--producer', 'org-hengkang', ...PERIOD], /--out FILE is required/],
    [['epcis', '--producer', 'org-hengkang', ...PERIOD, '--format', 'csv', '--out', 'x.csv'], /epcis is written as jsonld, not csv/],
    [['ledger-entries', '--producer', 'org-hengkang', '--out', 'x.ndjson'], /takes no --producer/],
    [['ledger-entries', '--out', 'x.ndjson', '--batch', '0'], /--batch must be a whole number ≥ 1/],
    [['ledger-entries', '--out', 'x.ndjson', '--colour'], /unknown option --colour/],
  ])('refuses %j', (args, message) => {
    const r = parseExportArgs(args);
    expect('usageError' in r && r.usageError).toMatch(message);
  });

  it('takes the format from the file name and the period in China Standard Time', () => {
    const r = parseExportArgs(['management-ledger', '--producer=org-hengkang', ...PERIOD, '--out', 'l.xlsx', '--json']);
    expect(r).toMatchObject({ kind: 'management-ledger', format: 'xlsx', producer: 'org-hengkang', json: true, every: 1000 });
    expect('period' in r && r.period).toEqual({ from: '2026-11-10', to: '2026-11-13', start: '2026-11-09T16:00:00.000Z', end: '2026-11-13T16:00:00.000Z' });
  });
});
