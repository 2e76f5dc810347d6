// Transactions as the write path uses them, on both drivers: on PostgreSQL BEGIN goes out with the
// first statement and COMMIT with the last (commitWith), pipelined; what fails anywhere in a
// transaction leaves nothing behind, and a connection goes back to the pool fit for anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../server/db/open.js';
import type { Sql } from '../../ledger/store/sql.js';
import { runStep } from '../../server/custody/write-step.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS, testPlace, type Driver, type TestPlace } from '../helpers/databases.js';

/** A fresh database with an empty table `tx_probe (id int primary key)`, for the describe block. */
function probeTable(driver: Driver) {
  let place: TestPlace;
  const probe = {
    db: undefined as unknown as Database,
    rows: async () => (await probe.db.sql.query<{ id: number }>('SELECT id FROM tx_probe ORDER BY id')).map((r) => Number(r.id)),
    /** The transaction's answer, or the error it failed with. */
    attempt: <T>(fn: (tx: Sql) => Promise<T>) => probe.db.sql.transaction(fn).catch((e: Error & { code?: string }) => e),
  };
  beforeAll(async () => {
    place = await testPlace(driver);
    probe.db = await place.open();
    await probe.db.sql.query('CREATE TABLE tx_probe (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await probe.db?.close();
    await place?.dispose();
  });
  return probe;
}

describe.each(DRIVERS)('transactions on %s', (driver) => {
  const probe = probeTable(driver);
  const rows = () => probe.rows();
  const db = { get sql() { return probe.db.sql; } };

  it('commits the statements before commitWith and its own together, and answers its rows', async () => {
    const answer = await db.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1)');
      await tx.query('INSERT INTO tx_probe VALUES (2)');
      return tx.commitWith<{ id: number }>('INSERT INTO tx_probe VALUES (3) RETURNING id');
    });
    expect(answer.map((r) => Number(r.id))).toEqual([3]);
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('rolls everything back when the last statement fails, and says why', async () => {
    const failed = await probe.attempt(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (10)');
      return tx.commitWith('INSERT INTO tx_probe VALUES (1)'); // taken
    });
    expect(failed).toMatchObject({ code: '23505' });
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('rolls back when the first statement fails (sent with BEGIN) and never runs what the caller did not send', async () => {
    const failed = await probe.attempt(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1)');
      await tx.query('INSERT INTO tx_probe VALUES (20)');
    });
    expect(failed).toMatchObject({ code: '23505' });
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('rolls back when the caller throws after its statements, and commits one that sends none', async () => {
    const thrown = await probe.attempt(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (30)');
      throw new Error('refused by a check');
    });
    expect(thrown).toMatchObject({ message: 'refused by a check' });
    expect(await db.sql.transaction(async () => 'nothing to do')).toBe('nothing to do');
    const early = await db.sql.transaction(async () => Promise.reject(new Error('before any statement'))).catch((e: Error) => e.message);
    expect(early).toBe('before any statement');
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('leaves the pool fit for COPY and for the next transaction after all of that', async () => {
    // The pool is 16 wide: go round it more than once.
    for (let i = 0; i < 40; i++) {
      await db.sql.transaction(async (tx) => {
        await tx.query('SELECT 1');
        return tx.commitWith('SELECT 2');
      });
      await db.sql.transaction((tx) => tx.query('SELECT * FROM tx_probe WHERE id = -1').then(() => Promise.reject(new Error('no')))).catch(() => {});
    }
    if (db.sql.copyOutBinary) expect((await Promise.all(Array.from({ length: 20 }, () => db.sql.copyOutBinary!('SELECT id FROM tx_probe')))).every((b) => b.length > 0)).toBe(true);
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('does not report a commit when PostgreSQL rolled back (a failed statement the caller caught)', async () => {
    const outcome = await probe.attempt(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (50)');
      await tx.query('INSERT INTO tx_probe VALUES (1)').catch(() => undefined);
      return 'carried on';
    });
    expect(outcome).toBeInstanceOf(Error);
    expect(await rows()).toEqual([1, 2, 3]);
  });
});

// On PGlite the transaction commits when its function returns: commitWith is a plain statement there.
describe.each(DRIVERS.filter((d) => d === 'postgres'))('commitWith on %s', (driver) => {
  const probe = probeTable(driver);

  it('ends the transaction: refuses a statement after it, and never commits when its statement failed or could not be sent', async () => {
    const late = await probe.db.sql
      .transaction(async (tx) => {
        await tx.commitWith('INSERT INTO tx_probe VALUES (40)');
        return tx.query('INSERT INTO tx_probe VALUES (41)');
      })
      .catch((e: Error) => e.message);
    expect(late).toMatch(/has ended/);
    // Nor is a transaction whose last statement failed reported as committed, its error dropped.
    const dropped = await probe.attempt(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (42)');
      await tx.commitWith('INSERT INTO tx_probe VALUES (40)').catch(() => undefined);
      return 'carried on';
    });
    expect(dropped).toBeInstanceOf(Error);
    // A last statement pg cannot even send (a value it cannot serialise): no COMMIT follows it, so
    // what went before does not commit alone, whether or not the caller drops the error.
    const unsendable = [{ n: 1n }];
    for (const drop of [false, true]) {
      const outcome = await probe.attempt(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (43)');
        const last = tx.commitWith('SELECT $1::jsonb AS j', unsendable);
        return drop ? last.catch(() => []) : last;
      });
      expect(outcome, `error dropped: ${drop}`).toMatchObject({ message: expect.stringMatching(/BigInt/) });
    }
    expect(await probe.rows()).toEqual([40]);
  });
});

describe.each(DRIVERS)('a custody step on %s', (driver) => {
  let opened: TestApp;
  beforeAll(async () => {
    opened = await openTestApp(driver);
  });
  afterAll(() => opened?.close());

  it('whose read-side write lands nowhere is refused whole: no intake row, no event id taken', async () => {
    const { ctx } = opened;
    const count = async (table: string) => Number((await ctx.db.sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
    const [before, events] = [await count('ledger_intake'), await count('client_events')];
    const [person] = await ctx.db.sql.query<{ id: string; org_id: string }>(`SELECT id, org_id FROM people ORDER BY id LIMIT 1`);
    const actor = { personId: person.id, orgId: person.org_id, role: 'producer' as const };
    const unit = randomUUID();
    const at = new Date().toISOString();
    const claim = { eventId: `lost-${unit}`, action: 'weigh', subject: unit, at, data: {} };
    const step = runStep(ctx.custody, actor, { eventId: claim.eventId }, claim, async () => ({
      entries: [{ v: 1, type: 'unit.weighed', at, by: { org: actor.orgId, person: actor.personId, role: actor.role }, unit, data: {} }],
      project: (_leaves, params) => ({ response: 'unreachable', sql: `UPDATE units SET name = name WHERE id = $${params.push(unit)}` }),
    }));
    await expect(step).rejects.toThrow(/the read-side write of a step did not land/);
    expect([await count('ledger_intake'), await count('client_events')]).toEqual([before, events]);
  });
});
