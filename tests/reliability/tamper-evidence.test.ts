// The self-audit's tamper cases seen from the other side: each is made in the database as a
// superuser would (the append-only triggers bypassed with session_replication_role), then the
// unit's evidence bundle is fetched from the API and checked with the offline verifier, which
// must name the break at the entry where it is. Each case is undone before the next one, and the
// log audits clean at the end (so each break was that case's alone).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, parseVkey, randomSeed, signCheckpoint, openCheckpoint, verifyEvidence, type EvidenceBundle } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Sql } from '../../ledger/store/sql.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

const run = promisify(execFile);

/** Statements run with the triggers off, as a superuser can. */
const asSuperuser = (sql: Sql, steps: [string, unknown[]?][]) =>
  sql.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    for (const [text, params] of steps) await tx.query(text, params ?? []);
  });

describe.each(DRIVERS)('tampering seen through evidence bundles on %s', (driver) => {
  let opened: TestApp;
  let sql: Sql;
  let producer: Client;
  let unitId: string;
  let chain: number[]; // the unit's entries' indices
  let other: number[]; // the other unit's, interleaved with them
  const dir = mkdtempSync(join(tmpdir(), 'hz-tamper-'));

  beforeAll(async () => {
    opened = await openTestApp(driver);
    sql = opened.ctx.db.sql;
    producer = await Client.as(opened.app, 'producer');
    const [a, b] = [(await producer.register()).unit.id, (await producer.register()).unit.id];
    unitId = a;
    for (const [path, body] of [
      ['weighings', { grossKg: '300', tareKg: '20', source: 'manual' }],
      ['storage', { siteId: 'site-hengkang-store', bay: 'D-4' }],
      ['retrieval', {}],
    ] as const) {
      for (const id of [a, b]) expect((await producer.request('POST', `/api/units/${id}/${path}`, { eventId: eventId(), ...body })).statusCode).toBe(201);
    }
    await opened.ctx.sequencer.idle();
    const idx = async (u: string) => (await sql.query('SELECT idx FROM ledger_entries WHERE unit_id = $1 ORDER BY idx', [u])).map((r) => Number(r.idx));
    [chain, other] = [await idx(a), await idx(b)];
    expect(chain).toHaveLength(4);
  });
  afterAll(async () => {
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bundle = async (): Promise<EvidenceBundle> => {
    const res = await producer.request('GET', `/api/units/${unitId}/evidence`);
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const breaks = async () => verifyEvidence(await bundle(), opened.ctx.key.vkey).breaks.map((b) => [b.index, b.code]);

  /** Tamper, check the bundle, then put the rows back as they were. */
  async function tampered(rows: number[], steps: [string, unknown[]?][], check: () => Promise<void>): Promise<void> {
    const saved = await sql.query('SELECT idx, body, leaf_hash, type, unit_id, manifest_id, sealed_at FROM ledger_entries WHERE idx = ANY($1::bigint[])', [rows]);
    await asSuperuser(sql, steps);
    try {
      await check();
    } finally {
      await asSuperuser(sql, [
        ['DELETE FROM ledger_entries WHERE idx = ANY($1::bigint[])', [rows]],
        ...saved.map((r): [string, unknown[]] => ['INSERT INTO ledger_entries (idx, body, leaf_hash, type, unit_id, manifest_id, sealed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [r.idx, r.body, r.leaf_hash, r.type, r.unit_id, r.manifest_id, r.sealed_at]]),
      ]);
    }
  }
  const editBody = `UPDATE ledger_entries SET body = convert_to(replace(convert_from(body, 'UTF8'), '"300"', '"310"'), 'UTF8') WHERE idx = $1`;

  it('an untouched log gives a bundle that verifies', async () => {
    expect(await breaks()).toEqual([]);
  });

  it('an edited body: the entry is not included in the signed tree (also by `hazledger verify-bundle`)', async () => {
    await tampered([chain[1]], [[editBody, [chain[1]]]], async () => {
      expect(await breaks()).toContainEqual([chain[1], 'ENTRY_NOT_INCLUDED']);
      const file = join(dir, 'edited.json');
      writeFileSync(file, JSON.stringify(await bundle()));
      const cli = await run('node', ['bin/hazledger.mjs', 'verify-bundle', file, `--vkey=${opened.ctx.key.vkey}`]).catch((e) => e);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toMatch(new RegExp(`^#${chain[1]} ENTRY_NOT_INCLUDED`, 'm'));
    });
  });

  it('an edited body with its leaf hash recomputed: still not included, and the next entry no longer links to it', async () => {
    await tampered([chain[1]], [[editBody, [chain[1]]], [`UPDATE ledger_entries SET leaf_hash = sha256('\\x00'::bytea || body) WHERE idx = $1`, [chain[1]]]], async () => {
      const found = await breaks();
      expect(found).toContainEqual([chain[1], 'ENTRY_NOT_INCLUDED']);
      expect(found).toContainEqual([chain[2], 'CHAIN_BROKEN']);
    });
  });

  it('a deleted row: the chain is broken at the entry after the gap', async () => {
    await tampered([chain[2]], [['DELETE FROM ledger_entries WHERE idx = $1', [chain[2]]]], async () => {
      expect(await breaks()).toEqual([[chain[3], 'CHAIN_BROKEN']]);
    });
  });

  it('the first row deleted: the chain does not start at a registration', async () => {
    await tampered([chain[0]], [['DELETE FROM ledger_entries WHERE idx = $1', [chain[0]]]], async () => {
      expect(await breaks()).toEqual([[chain[1], 'CHAIN_INCOMPLETE']]);
    });
  });

  it('two rows swapped with the other unit\'s: the moved entry is not included where it now stands', async () => {
    const [mine, theirs] = [chain[2], other.find((i) => i > chain[2])!];
    await tampered([mine, theirs], [
      ['UPDATE ledger_entries SET idx = -1 WHERE idx = $1', [mine]],
      ['UPDATE ledger_entries SET idx = $1 WHERE idx = $2', [mine, theirs]],
      ['UPDATE ledger_entries SET idx = $1 WHERE idx = -1', [theirs]],
    ], async () => {
      expect(await breaks()).toContainEqual([theirs, 'ENTRY_NOT_INCLUDED']);
    });
  });

  it('a tampered tile: the entries whose proofs pass through it are not included', async () => {
    // The level-0 hash of the unit's first entry's sibling: the path of that entry goes through it.
    const sibling = chain[0] ^ 1;
    const [tile] = await sql.query<{ hashes: Uint8Array }>('SELECT hashes FROM ledger_tiles WHERE height = 0 AND idx = $1', [Math.floor(sibling / 256)]);
    const at = (sibling % 256) * 32 + 1;
    await asSuperuser(sql, [[`UPDATE ledger_tiles SET hashes = overlay(hashes PLACING '\\xffff'::bytea FROM ${at}) WHERE height = 0 AND idx = $1`, [Math.floor(sibling / 256)]]]);
    try {
      expect(await breaks()).toContainEqual([chain[0], 'ENTRY_NOT_INCLUDED']);
    } finally {
      await asSuperuser(sql, [['UPDATE ledger_tiles SET hashes = $1 WHERE height = 0 AND idx = $2', [tile.hashes, Math.floor(sibling / 256)]]]);
    }
  });

  it('a checkpoint signed by another key put in as the head: the bundle\'s checkpoint does not verify', async () => {
    const [head] = await sql.query<{ checkpoint: string }>('SELECT checkpoint FROM ledger_head WHERE id = 0');
    const cp = openCheckpoint(head.checkpoint, parseVkey(opened.ctx.key.vkey));
    const forged = signCheckpoint(cp, ed25519NoteSigner(cp.origin, randomSeed()));
    await asSuperuser(sql, [['UPDATE ledger_head SET checkpoint = $1 WHERE id = 0', [forged]]]);
    try {
      expect(await breaks()).toEqual([[-1, 'CHECKPOINT_INVALID']]);
    } finally {
      await asSuperuser(sql, [['UPDATE ledger_head SET checkpoint = $1 WHERE id = 0', [head.checkpoint]]]);
    }
  });

  it('only the leaf_hash column edited: the bundle, built from the bodies and the tiles, still proves the true entries; the self-audit names the edit', async () => {
    await tampered([chain[1]], [[`UPDATE ledger_entries SET leaf_hash = sha256('x'::bytea) WHERE idx = $1`, [chain[1]]]], async () => {
      expect(await breaks()).toEqual([]);
      const report = await auditLedger(sql, parseVkey(opened.ctx.key.vkey));
      expect(report.breaks.map((b) => [b.index, b.code])).toContainEqual([chain[1], 'LEAF_HASH_MISMATCH']);
    });
  });

  it('every case undone: the log audits clean and the bundle verifies', async () => {
    expect((await auditLedger(sql, parseVkey(opened.ctx.key.vkey))).breaks).toEqual([]);
    expect(await breaks()).toEqual([]);
  });
});
