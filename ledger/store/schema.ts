// The ledger's tables. Only the sequencer writes them; triggers (drizzle/0001_append_only.sql)
// refuse UPDATE and DELETE, except that the partial rightmost tile row may grow.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, customType, index, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/** One row per log entry: the exact canonical bytes, never re-derived from anything else. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    idx: bigint('idx', { mode: 'number' }).primaryKey(),
    body: bytea('body').notNull(),
    leafHash: bytea('leaf_hash').notNull(),
    type: text('type').notNull(),
    unitId: text('unit_id'),
    manifestId: text('manifest_id'),
    sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ledger_entries_unit').on(t.unitId),
    index('ledger_entries_manifest').on(t.manifestId),
    // An entry with no unit or manifest (a finding resolved, a registry change) is found by its
    // leaf hash when its step is answered again: few rows, so a partial index.
    index('ledger_entries_subjectless_leaf').on(t.leafHash).where(sql`${t.unitId} IS NULL AND ${t.manifestId} IS NULL`),
  ],
);

/**
 * Perfect Merkle nodes, 256 consecutive node hashes of one height per row. Rows at heights
 * 0, 8, 16… are exactly the C2SP tlog-tiles tiles of levels 0, 1, 2…; the heights between
 * are kept too so that every proof node is one lookup instead of a recomputation.
 */
export const ledgerTiles = pgTable(
  'ledger_tiles',
  {
    height: smallint('height').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.height, t.idx] })],
);

/** The single head row: the sequencer locks it, so indices are assigned gap-free in commit order. */
export const ledgerHead = pgTable(
  'ledger_head',
  {
    id: smallint('id').primaryKey(),
    size: bigint('size', { mode: 'number' }).notNull(),
    root: bytea('root').notNull(),
    compactRange: bytea('compact_range').notNull(), // concatenated 32-byte hashes, left to right
    checkpoint: text('checkpoint').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('ledger_head_single_row', sql`${t.id} = 0`)],
);

/** Every checkpoint the log ever signed, by tree size. */
export const ledgerCheckpoints = pgTable('ledger_checkpoints', {
  size: bigint('size', { mode: 'number' }).primaryKey(),
  note: text('note').notNull(),
  signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Entries accepted by a committed command and waiting for the sequencer. The id orders intake
 * only; log indices are assigned by the sequencer, never by this sequence.
 */
export const ledgerIntake = pgTable('ledger_intake', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  body: bytea('body').notNull(),
  leafHash: bytea('leaf_hash').notNull(),
  type: text('type').notNull(),
  unitId: text('unit_id'),
  manifestId: text('manifest_id'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
