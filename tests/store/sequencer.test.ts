import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519NoteSigner, inclusionProof, consistencyProof, leafHash, MemoryTree, openCheckpoint, parseVkey, encodeVkey,
  randomSeed, toHex, utf8, verifyInclusion,
} from '../../ledger/index.js';
import { LedgerReader } from '../../ledger/store/reader.js';
import { initLog, Sequencer, type PendingEntry } from '../../ledger/store/sequencer.js';
import type { Database } from '../../server/db/open.js';
import { ChainedEntries } from '../helpers/entries.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';

describe.each(DRIVERS)('sequencer on %s', (driver) => {
  let place: TestPlace;
  let db: Database;
  const signer = ed25519NoteSigner('test.hazledger.example/log', randomSeed());
  const vkey = parseVkey(encodeVkey(signer.name, signer.publicKey));
  const memory = new MemoryTree();
  const bodies: Uint8Array[] = [];

  beforeAll(async () => {
    place = await testPlace(driver);
    db = await place.open();
    await initLog(db.sql, signer);
  });
  afterAll(async () => {
    await db?.close();
    await place?.dispose();
  });

  it('seals 600 concurrent appends gap-free, in batches, each acknowledged with a checkpoint that proves it', async () => {
    const batches: number[] = [];
    const seq = new Sequencer(db.sql, signer, { maxBatch: 37, onBatch: (r) => batches.push(r.count) });
    const entries = new ChainedEntries(40).take(600);
    const sealed = await Promise.all(entries.map((e) => seq.append(e)));
    expect(sealed.map((s) => s.index).sort((a, b) => a - b)).toEqual(entries.map((_, i) => i));
    // Appends are integrated in arrival order, so the order of the promises is the log order.
    expect(sealed.map((s) => s.index)).toEqual(entries.map((_, i) => i));
    expect(batches.length).toBeGreaterThan(600 / 37);
    expect(Math.max(...batches)).toBeLessThanOrEqual(37);
    for (const e of entries) {
      memory.append(leafHash(e.body));
      bodies.push(e.body);
    }
    for (const s of sealed) {
      const cp = openCheckpoint(s.checkpoint, vkey);
      expect(cp.size).toBe(s.size);
      expect(s.index).toBeLessThan(cp.size);
      const path = await inclusionProof(s.index, cp.size, memory);
      expect(verifyInclusion(s.index, cp.size, s.leafHash, path, cp.root)).toEqual({ ok: true });
    }
    await seq.close();
  });

  it('serves entries exactly, and proofs from tiles equal to the in-memory tree at every size', async () => {
    const reader = new LedgerReader(db.sql);
    const head = await reader.head();
    expect(head.size).toBe(600);
    expect(toHex(head.root)).toBe(toHex(memory.root()));
    expect((await reader.entries(250, 10)).map((r) => toHex(r.body))).toEqual(bodies.slice(250, 260).map(toHex));
    for (const size of [1, 2, 255, 256, 257, 511, 512, 513, 600]) {
      for (const index of [0, 1, size >> 1, size - 2, size - 1].filter((i) => i >= 0 && i < size)) {
        const p = await reader.inclusion(index, size);
        expect(p.path.map(toHex)).toEqual((await inclusionProof(index, size, memory)).map(toHex));
        expect(toHex(p.leafHash)).toBe(toHex(leafHash(bodies[index])));
      }
      for (const from of [0, 1, 3, 128, 255, 256, size]) {
        if (from > size) continue;
        const c = await reader.consistency(from, size);
        expect(c.path.map(toHex)).toEqual((await consistencyProof(from, size, memory)).map(toHex));
      }
    }
    await expect(reader.inclusion(0, 601)).rejects.toThrow(/past the tree/);
  });

  it('keeps a checkpoint for every batch, each signed by the log key', async () => {
    const rows = await db.sql.query<{ size: unknown; note: string }>('SELECT size, note FROM ledger_checkpoints ORDER BY size');
    expect(Number(rows[0].size)).toBe(0);
    for (const r of rows) expect(openCheckpoint(r.note, vkey).size).toBe(Number(r.size));
  });

  it('refuses UPDATE, DELETE and TRUNCATE on ledger tables', async () => {
    const refused = /append-only|may only/;
    await expect(db.sql.query("UPDATE ledger_entries SET body = '\\x00' WHERE idx = 3")).rejects.toThrow(refused);
    await expect(db.sql.query('DELETE FROM ledger_entries WHERE idx = 3')).rejects.toThrow(refused);
    await expect(db.sql.query('TRUNCATE ledger_entries')).rejects.toThrow(refused);
    await expect(db.sql.query("UPDATE ledger_checkpoints SET note = 'x' WHERE size = 0")).rejects.toThrow(refused);
    await expect(db.sql.query('DELETE FROM ledger_checkpoints')).rejects.toThrow(refused);
    await expect(db.sql.query('DELETE FROM ledger_tiles WHERE height = 0')).rejects.toThrow(refused);
    await expect(db.sql.query("UPDATE ledger_tiles SET hashes = '\\x00' WHERE height = 0 AND idx = 0")).rejects.toThrow(refused);
    await expect(db.sql.query('UPDATE ledger_head SET size = 5')).rejects.toThrow(refused);
    await expect(db.sql.query('DELETE FROM ledger_head')).rejects.toThrow(refused);
    expect((await new LedgerReader(db.sql).head()).size).toBe(600);
  });

  it('seals what command transactions put into intake, and tells each waiter its index', async () => {
    const seq = new Sequencer(db.sql, signer);
    const entries = new ChainedEntries(3).take(5);
    const ids: number[] = [];
    for (const e of entries) {
      const [row] = await db.sql.query<{ id: unknown }>(
        'INSERT INTO ledger_intake (body, leaf_hash, type, unit_id) VALUES ($1, $2, $3, $4) RETURNING id',
        [e.body, leafHash(e.body), e.type, e.unitId],
      );
      ids.push(Number(row.id));
    }
    const sealed = await Promise.all(ids.map((id) => seq.sealIntake(id)));
    expect(sealed.map((s) => s.index)).toEqual([600, 601, 602, 603, 604]);
    expect(await db.sql.query('SELECT id FROM ledger_intake')).toEqual([]);
    expect(toHex((await new LedgerReader(db.sql).entry(602))!)).toBe(toHex(entries[2].body));
    await seq.close();
  });

  it('stays gap-free when two sequencers seal the same log at once', async () => {
    const a = new Sequencer(db.sql, signer, { maxBatch: 9 });
    const b = new Sequencer(db.sql, signer, { maxBatch: 9 });
    const before = (await new LedgerReader(db.sql).head()).size;
    const sealed = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).append({ body: utf8(`{"n":${i}}`), type: 'unit.sighted' })),
    );
    const indices = sealed.map((s) => s.index).sort((x, y) => x - y);
    expect(indices).toEqual(Array.from({ length: 120 }, (_, i) => before + i));
    const head = await new LedgerReader(db.sql).head();
    expect(head.size).toBe(before + 120);
    await a.close();
    await b.close();
  });

  it('keeps intake after a failed batch and seals it on the retry; late waiters still get their index', async () => {
    let failures = 1;
    const flaky = {
      ...db.sql,
      transaction: <T>(fn: (tx: typeof db.sql) => Promise<T>) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : db.sql.transaction(fn)),
    };
    const errors: string[] = [];
    const seq = new Sequencer(flaky, signer, { onError: (e) => errors.push(e.message) });
    const e = new ChainedEntries(1, 700_000).next();
    const [row] = await db.sql.query<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type, unit_id) VALUES ($1, $2, $3, $4) RETURNING id', [
      e.body, leafHash(e.body), e.type, e.unitId,
    ]);
    const sealed = await seq.sealIntake(Number(row.id));
    expect(errors).toEqual(['connection reset']);
    expect(toHex((await new LedgerReader(db.sql).entry(sealed.index))!)).toBe(toHex(e.body));
    // Asking again after the batch is over answers at once.
    expect((await seq.sealIntake(Number(row.id))).index).toBe(sealed.index);
    await seq.close();
  });

  it('seals intake rows it was told the content of without reading them, and never one another writer sealed', async () => {
    const a = new Sequencer(db.sql, signer);
    const b = new Sequencer(db.sql, signer);
    await a.append(new ChainedEntries(1, 710_000).next()); // a's head is now cached: its next batch is one statement
    const put = async (e: PendingEntry) => {
      const [row] = await db.sql.query<{ id: unknown }>('INSERT INTO ledger_intake (body, leaf_hash, type, unit_id) VALUES ($1, $2, $3, $4) RETURNING id', [
        e.body, leafHash(e.body), e.type, e.unitId ?? null,
      ]);
      return Number(row.id);
    };
    const [mine, theirs] = new ChainedEntries(2, 720_000).take(2);
    // Told its content, a seals the row; the log holds exactly what the row held.
    const id = await put(mine);
    const sealed = await a.sealIntake(id, { leafHash: leafHash(mine.body), entry: mine });
    expect(toHex((await new LedgerReader(db.sql).entry(sealed.index))!)).toBe(toHex(mine.body));
    expect(await db.sql.query('SELECT id FROM ledger_intake WHERE id = $1', [id])).toEqual([]);
    // A row b sealed first: a's one statement fails whole, a reads intake, and says so.
    const other = await put(theirs);
    const byB = await b.sealIntake(other);
    await expect(a.sealIntake(other, { leafHash: leafHash(theirs.body), entry: theirs })).rejects.toThrow(/sealed by another writer/);
    const copies = await db.sql.query('SELECT idx FROM ledger_entries WHERE leaf_hash = $1', [leafHash(theirs.body)]);
    expect(copies.map((r) => Number(r.idx))).toEqual([byB.index]);
    // And a carries on, gap-free after b's entry.
    expect((await a.append(new ChainedEntries(1, 730_000).next())).index).toBe(byB.index + 1);
    // Told a content the row does not hold (an id reused by a restored database), a seals what the row holds.
    const [held, told] = new ChainedEntries(2, 750_000).take(2);
    const reused = await put(held);
    const got = await a.sealIntake(reused, { leafHash: leafHash(told.body), entry: told });
    expect(toHex((await new LedgerReader(db.sql).entry(got.index))!)).toBe(toHex(held.body));
    expect(await db.sql.query('SELECT idx FROM ledger_entries WHERE leaf_hash = $1', [leafHash(told.body)])).toEqual([]);
    await a.close();
    await b.close();
  });

  it('fails a batch whole when the stored tiles do not end where the head says, and seals again once they do', async () => {
    const seq = new Sequencer(db.sql, signer);
    await seq.append(new ChainedEntries(1, 760_000).next());
    const reader = new LedgerReader(db.sql);
    const { size } = await reader.head();
    const row = Math.floor(size / 256);
    const [tile] = await db.sql.query<{ hashes: Uint8Array }>('SELECT hashes FROM ledger_tiles WHERE height = 0 AND idx = $1', [row]);
    // As a DBA could: the row the next leaf goes to loses its last node, or gains one it should not have.
    await db.sql.query('ALTER TABLE ledger_tiles DISABLE TRIGGER USER');
    if (tile) await db.sql.query('UPDATE ledger_tiles SET hashes = substring(hashes FROM 1 FOR length(hashes) - 32) WHERE height = 0 AND idx = $1', [row]);
    else await db.sql.query('INSERT INTO ledger_tiles (height, idx, hashes) VALUES (0, $1, $2)', [row, new Uint8Array(32)]);
    try {
      await expect(seq.append(new ChainedEntries(1, 770_000).next())).rejects.toThrow(/tile rows/);
      expect((await reader.head()).size).toBe(size);
      expect(await reader.entry(size)).toBeUndefined();
    } finally {
      if (tile) await db.sql.query('UPDATE ledger_tiles SET hashes = $2 WHERE height = 0 AND idx = $1', [row, tile.hashes]);
      else await db.sql.query('DELETE FROM ledger_tiles WHERE height = 0 AND idx = $1', [row]);
      await db.sql.query('ALTER TABLE ledger_tiles ENABLE TRIGGER USER');
    }
    expect((await seq.append(new ChainedEntries(1, 780_000).next())).index).toBe(size);
    await seq.close();
  });

  it('refuses to continue a log signed by another key', async () => {
    const other = ed25519NoteSigner('test.hazledger.example/log', randomSeed());
    await expect(initLog(db.sql, other)).rejects.toThrow(/not signed by key/);
  });

  it('rolls a failed batch back whole and keeps sealing afterwards', async () => {
    const seq = new Sequencer(db.sql, signer);
    await seq.append(new ChainedEntries(1, 740_000).next()); // the failing batch is then one statement, with no transaction around it
    const before = (await new LedgerReader(db.sql).head()).size;
    const bad = { body: utf8('{}'), type: 'x'.repeat(10), unitId: null, manifestId: null };
    // A type that violates nothing still seals; a NULL type violates NOT NULL and fails the batch.
    const failing = seq.append({ ...bad, type: null as unknown as string });
    await expect(failing).rejects.toThrow();
    const ok = await seq.append(new ChainedEntries(1).next());
    expect(ok.index).toBe(before);
    await seq.close();
  });
});
