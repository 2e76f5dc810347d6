// Migration 0017 fills `manifests.carried` for manifests picked up before the column existed, from
// their sealed pickups; on the demo park's weeks of history it must give what the projection gives.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { compareReadSide } from '../../server/custody/replay.js';
import { openTestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

const BACKFILL = readFileSync(new URL('../../drizzle/0017_manifest_carried.sql', import.meta.url), 'utf8').split('--> statement-breakpoint')[1];

it.each(DRIVERS)('fills what each manifest carried as the projection does, on %s', async (driver) => {
  const opened = await openTestApp(driver, { demo: true });
  try {
    const sql = opened.ctx.db.sql;
    await opened.ctx.sequencer.idle();
    const projected = await sql.query<{ id: string; carried: string[] }>('SELECT id, carried FROM manifests ORDER BY id');
    expect(projected.filter((m) => m.carried.length > 0).length).toBeGreaterThan(10);
    await sql.query(`UPDATE manifests SET carried = '[]'::jsonb`); // as the column's default left them
    await sql.query(BACKFILL);
    expect(await sql.query('SELECT id, carried FROM manifests ORDER BY id')).toEqual(projected);
    expect(await compareReadSide(sql)).toEqual([]);
  } finally {
    await opened.close();
  }
}, 300_000);
