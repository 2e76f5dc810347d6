// The self-audit catches each way a DBA could bend the tables, with the triggers disabled.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeEntry, openCheckpoint, parseVkey, randomSeed, signCheckpoint } from '../../ledger/index.js';
import { auditLedger, type Break } from '../../ledger/store/audit/audit.js';
import { initLog, Sequencer } from '../../ledger/store/sequencer.js';
import { DEFAULT_ORIGIN } from '../../server/config.js';
import type { Database } from '../../server/db/open.js';
import { loadCheckpointKey, type CheckpointKey } from '../../server/keys.js';
import { DRIVERS, placeEnv, testPlace, type TestPlace } from '../helpers/databases.js';
import { ChainedEntries } from '../helpers/entries.js';

const run = promisify(execFile);
const SIZE = 300;

interface Log {
  place: TestPlace;
  db: Database;
  key: CheckpointKey;
}

async function buildLog(driver: (typeof DRIVERS)[number]): Promise<Log> {
  const place = await testPlace(driver);
  const db = await place.open();
  const key = loadCheckpointKey({ origin: DEFAULT_ORIGIN, dataDir: place.dataDir });
  await initLog(db.sql, key.signer);
  const seq = new Sequencer(db.sql, key.signer, { maxBatch: 23 });
  const gen = new ChainedEntries(30);
  // Sequential batches of 23 so there are many checkpoints to check.
  for (let i = 0; i < SIZE; i += 23) await Promise.all(gen.take(Math.min(23, SIZE - i)).map((e) => seq.append(e)));
  await seq.close();
  return { place, db, key };
}

/** The audit with the log in one page, and in pages of 32 leaves (the tree above pages at work): the same breaks. */
const audit = async (log: Log) => {
  const whole = await auditLedger(log.db.sql, parseVkey(log.key.vkey));
  const paged = await auditLedger(log.db.sql, parseVkey(log.key.vkey), { pageSize: 32 });
  expect(paged).toEqual(whole);
  return whole;
};
const codesAt = (breaks: Break[], index: number) => breaks.filter((b) => b.index === index).map((b) => b.code);
const asDba = async (log: Log, statements: string[], params: unknown[][] = []) => {
  await log.db.sql.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
  await log.db.sql.query('ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER');
  await log.db.sql.query('ALTER TABLE ledger_tiles DISABLE TRIGGER USER');
  for (const [i, s] of statements.entries()) await log.db.sql.query(s, params[i]);
};
async function checkpointSizes(log: Log): Promise<number[]> {
  return (await log.db.sql.query('SELECT size FROM ledger_checkpoints ORDER BY size')).map((r) => Number(r.size));
}

describe.each(DRIVERS)('self-audit on %s', (driver) => {
  let log: Log | undefined;
  afterEach(async () => {
    await log?.db.close();
    await log?.place.dispose();
    log = undefined;
  });

  it('finds no break in an untouched log', async () => {
    log = await buildLog(driver);
    const report = await audit(log);
    expect(report.breaks).toEqual([]);
    expect(report.entries).toBe(SIZE);
    expect(report.checkpoints).toBe((await checkpointSizes(log)).length);
    expect(report.checkpoints).toBeGreaterThan(SIZE / 23);
  });

  it('catches an edited body', async () => {
    log = await buildLog(driver);
    await asDba(log, [
      `UPDATE ledger_entries SET body = convert_to(replace(convert_from(body, 'UTF8'), '"role":"producer"', '"role":"operator"'), 'UTF8') WHERE idx = 123`,
    ]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, 123)).toContain('LEAF_HASH_MISMATCH');
  });

  it('catches an edited body whose leaf hash was recomputed', async () => {
    log = await buildLog(driver);
    await asDba(log, [
      `UPDATE ledger_entries SET body = convert_to(replace(convert_from(body, 'UTF8'), '"role":"producer"', '"role":"inspector"'), 'UTF8') WHERE idx = 123`,
      `UPDATE ledger_entries SET leaf_hash = sha256('\\x00'::bytea || body) WHERE idx = 123`,
    ]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, 123)).toEqual(['TILE_MISMATCH']);
    expect(breaks.some((b) => b.code === 'CHECKPOINT_ROOT_MISMATCH' && b.index > 123)).toBe(true);
    // The unit's next entry still links to the original hash.
    expect(breaks.some((b) => b.code === 'PREV_LINK_BROKEN' && b.index === 153)).toBe(true);
    expect(breaks.some((b) => b.code === 'LEAF_HASH_MISMATCH')).toBe(false);
  });

  it('finds the same breaks with worker threads as without', async () => {
    log = await buildLog(driver);
    await asDba(log, [
      'DELETE FROM ledger_entries WHERE idx = 9',
      `UPDATE ledger_entries SET body = convert_to(replace(convert_from(body, 'UTF8'), '"role":"producer"', '"role":"driver"'), 'UTF8') WHERE idx = 200`,
      `UPDATE ledger_entries SET body = '\xff00'::bytea WHERE idx = 260`,
    ]);
    const inline = await auditLedger(log.db.sql, parseVkey(log.key.vkey), { workers: 0, pageSize: 64 });
    const threaded = await auditLedger(log.db.sql, parseVkey(log.key.vkey), { workers: 2, pageSize: 64 });
    expect(threaded.breaks).toEqual(inline.breaks);
    expect(codesAt(inline.breaks, 9)).toEqual(['ENTRY_MISSING']);
    expect(codesAt(inline.breaks, 200)).toContain('LEAF_HASH_MISMATCH');
    expect(codesAt(inline.breaks, 260)).toEqual(expect.arrayContaining(['LEAF_HASH_MISMATCH', 'ENTRY_MALFORMED']));
  });

  it('catches a deleted row', async () => {
    log = await buildLog(driver);
    await asDba(log, ['DELETE FROM ledger_entries WHERE idx = 77']);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, 77)).toEqual(['ENTRY_MISSING']);
  });

  it('catches the last row deleted', async () => {
    log = await buildLog(driver);
    await asDba(log, [`DELETE FROM ledger_entries WHERE idx = ${SIZE - 1}`]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, SIZE - 1)).toContain('ENTRY_MISSING');
  });

  it('catches a log cut back to an earlier signed head', async () => {
    log = await buildLog(driver);
    const sizes = await checkpointSizes(log);
    const cut = sizes[5];
    const [cp] = await log.db.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [cut]);
    // Rebuild the head of that size from the entries, as a careful DBA restoring an old head would.
    const { CompactRange } = await import('../../ledger/tree.js');
    const { leafHash: lh, concat } = await import('../../ledger/index.js');
    const range = CompactRange.empty();
    for (const r of await log.db.sql.query('SELECT body FROM ledger_entries WHERE idx < $1 ORDER BY idx', [cut])) range.append(lh(r.body as Uint8Array));
    await log.db.sql.query('ALTER TABLE ledger_head DISABLE TRIGGER USER');
    await asDba(log, [
      'DELETE FROM ledger_entries WHERE idx >= $1',
      'UPDATE ledger_head SET size = $1, root = $2, compact_range = $3, checkpoint = $4',
    ], [[cut], [cut, range.root(), concat(...range.hashes()), cp.note]]);
    const { breaks } = await audit(log);
    expect(breaks.filter((b) => b.code === 'CHECKPOINT_BEYOND_HEAD').map((b) => b.index)).toEqual(sizes.filter((s) => s > cut));
    expect(breaks.some((b) => b.code === 'TILE_BEYOND_HEAD')).toBe(true);
  });

  it('catches two swapped rows', async () => {
    log = await buildLog(driver);
    await asDba(log, [
      'UPDATE ledger_entries SET idx = -1 WHERE idx = 40',
      'UPDATE ledger_entries SET idx = 40 WHERE idx = 41',
      'UPDATE ledger_entries SET idx = 41 WHERE idx = -1',
    ]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, 40)).toContain('TILE_MISMATCH');
    expect(codesAt(breaks, 41)).toContain('TILE_MISMATCH');
    expect(breaks.some((b) => b.code === 'CHECKPOINT_ROOT_MISMATCH')).toBe(true);
  });

  it('catches a checkpoint replaced by one signed with another key', async () => {
    log = await buildLog(driver);
    const size = (await checkpointSizes(log))[4];
    const [row] = await log.db.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [size]);
    const cp = openCheckpoint(row.note, parseVkey(log.key.vkey));
    const forged = signCheckpoint(cp, ed25519NoteSigner(DEFAULT_ORIGIN, randomSeed()));
    await asDba(log, ['UPDATE ledger_checkpoints SET note = $1 WHERE size = $2'], [[forged, size]]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, size)).toEqual(['CHECKPOINT_SIGNATURE']);
  });

  it('catches a checkpoint whose root does not match, signed or not', async () => {
    log = await buildLog(driver);
    const sizes = await checkpointSizes(log);
    const [a, b] = [sizes[3], sizes[6]];
    const [row] = await log.db.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [sizes[2]]);
    const wrongRoot = openCheckpoint(row.note, parseVkey(log.key.vkey)).root;
    // Signed with the log's own key (a forked tree), and edited without re-signing.
    const forked = signCheckpoint({ origin: DEFAULT_ORIGIN, size: a, root: wrongRoot }, log.key.signer);
    const [orig] = await log.db.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = $1', [b]);
    const lines = orig.note.split('\n');
    lines[2] = Buffer.from(wrongRoot).toString('base64');
    await asDba(log, ['UPDATE ledger_checkpoints SET note = $1 WHERE size = $2', 'UPDATE ledger_checkpoints SET note = $1 WHERE size = $2'], [[forked, a], [lines.join('\n'), b]]);
    const { breaks } = await audit(log);
    expect(codesAt(breaks, a)).toEqual(expect.arrayContaining(['CHECKPOINT_ROOT_MISMATCH', 'CHECKPOINT_INCONSISTENT']));
    expect(codesAt(breaks, b)).toEqual(['CHECKPOINT_SIGNATURE']);
  });

  it('catches a tampered tile and a broken prev link, each on its own', async () => {
    log = await buildLog(driver);
    // A node low in the tree (inside a page's subtree) and one high up (above pages of 32).
    await asDba(log, [
      `UPDATE ledger_tiles SET hashes = overlay(hashes PLACING '\\xffff'::bytea FROM 33) WHERE height = 2 AND idx = 0`,
      `UPDATE ledger_tiles SET hashes = overlay(hashes PLACING '\\xffff'::bytea FROM 33) WHERE height = 7 AND idx = 0`,
    ]);
    const seq = new Sequencer(log.db.sql, log.key.signer);
    const bad = new ChainedEntries(1);
    bad.next(); // this unit's first entry is never sealed, so the next one links to nothing in the log
    const e = bad.next();
    await seq.append({ ...e, unitId: 'U-000000' });
    await seq.close();
    const { breaks } = await audit(log);
    expect(breaks.map((b) => [b.index, b.code])).toEqual([
      [4, 'TILE_MISMATCH'],
      [128, 'TILE_MISMATCH'],
      [SIZE, 'PREV_LINK_BROKEN'],
    ]);
  });

  it('`hazledger verify` exits 0 on a clean log and 1 with every break printed', async () => {
    log = await buildLog(driver);
    await log.db.close();
    const env = placeEnv(log.place);
    // The log was sealed without the command path: derive its read side first.
    expect((await run('node', ['bin/hazledger.mjs', 'rebuild'], { env })).stdout).toMatch(/rebuilt the read side from the log: 0 registry changes, 30 units/);
    const clean = await run('node', ['bin/hazledger.mjs', 'verify'], { env });
    expect(clean.stdout).toMatch(/^OK: 300 entries, \d+ checkpoints and the read side checked/);
    log.db = await log.place.open();
    await asDba(log, ['DELETE FROM ledger_entries WHERE idx = 5', 'DELETE FROM ledger_entries WHERE idx = 250', "UPDATE units SET state = 'stored' WHERE id = 'U-000007'"]);
    await log.db.close();
    const failed = await run('node', ['bin/hazledger.mjs', 'verify'], { env }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^#5 ENTRY_MISSING/m);
    expect(failed.stdout).toMatch(/^#250 ENTRY_MISSING/m);
    // Each deleted row also breaks the next link of its unit's chain.
    expect(failed.stdout).toMatch(/^#35 PREV_LINK_BROKEN/m);
    // Replaying the log breaks where entries are gone, and the read side no longer matches it:
    // the row edited by hand, and the units whose entries were deleted.
    expect(failed.stdout).toMatch(/^#35 LIFECYCLE_VIOLATION — unit U-000005 has no registration before this entry/m);
    expect(failed.stdout).toMatch(/^#280 LIFECYCLE_VIOLATION — retrieve refused for a retrieved unit/m);
    expect(failed.stdout).toMatch(/^#-1 READ_SIDE_MISMATCH — units U-000007 differs from the replay of the log/m);
    expect(failed.stdout).toMatch(/^#-1 READ_SIDE_MISMATCH — units U-000005 is in the table but not in the log/m);
    expect(failed.stdout).toMatch(/FAILED: 9 break\(s\)/);
    log.db = await log.place.open();
  }, 180_000); // four CLI processes, each opening the log: slow when the suite runs three files at once
});

// Keeps encodeEntry's import honest: the generator and the audit agree on the envelope.
it('test entries are valid envelopes', () => {
  expect(() => encodeEntry(JSON.parse(new TextDecoder().decode(new ChainedEntries().next().body)))).not.toThrow();
});
