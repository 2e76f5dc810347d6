// Binary COPY, as the audit reads pages on PostgreSQL: what PostgreSQL writes parses back to the
// rows a SELECT gives, and data cut short or not COPY at all is refused rather than misread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyField, CopyFormatError, int, parseCopyBinary } from '../../ledger/store/copy-binary.js';
import { bytes, num } from '../../ledger/store/sql.js';
import type { Database } from '../../server/db/open.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';

const QUERY = 'SELECT id, payload, hash FROM copy_probe ORDER BY id';

// PostgreSQL only (PGlite has no COPY to the client): present when TEST_DATABASE_URL is set, as in CI.
describe.each(DRIVERS.filter((d) => d === 'postgres'))('binary COPY from %s', (driver) => {
  let place: TestPlace;
  let db: Database;
  let data: Uint8Array;
  beforeAll(async () => {
    place = await testPlace(driver);
    db = await place.open();
    await db.sql.query('CREATE TABLE copy_probe (id bigint, payload bytea, hash bytea)');
    await db.sql.query(`INSERT INTO copy_probe VALUES (0, '', NULL), (1, '\\x00ff10', sha256('a')), (9007199254740991, convert_to('{"名":"精馏残渣"}', 'UTF8'), sha256('b')), (-5, NULL, '\\x01')`);
    data = await db.sql.copyOutBinary!(QUERY);
  });
  afterAll(async () => {
    await db?.close();
    await place?.dispose();
  });

  it('parses to the rows a SELECT gives, NULLs and the largest safe integer included', async () => {
    const selected = (await db.sql.query(QUERY)).map((r) => [num(r.id), r.payload === null ? null : [...bytes(r.payload)], r.hash === null ? null : [...bytes(r.hash)]]);
    const rows = parseCopyBinary(data);
    const copied = Array.from({ length: rows.count }, (_, r) => [copyField(rows, r, 0), copyField(rows, r, 1), copyField(rows, r, 2)]).map(([id, payload, hash]) => [int(id), payload && [...payload], hash && [...hash]]);
    expect(copied).toEqual(selected);
    expect(selected).toHaveLength(4);
  });

  it('refuses the same data cut anywhere short, or with a bad signature', () => {
    for (let cut = 0; cut < data.length; cut++) expect(() => parseCopyBinary(data.subarray(0, cut)), `cut at ${cut}`).toThrow(CopyFormatError);
    const bad = Uint8Array.from(data);
    bad[0] = 0x51;
    expect(() => parseCopyBinary(bad)).toThrow(/bad signature/);
  });
});

it('reads 2, 4 and 8-byte integers, and refuses other sizes', () => {
  expect(() => int(new Uint8Array(3))).toThrow(CopyFormatError);
  expect(int(Uint8Array.of(0xff, 0xfe))).toBe(-2);
  expect(int(Uint8Array.of(0, 1, 0, 0))).toBe(65536);
  expect(() => int(null)).toThrow(CopyFormatError);
});
