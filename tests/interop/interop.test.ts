// An independent RFC 9162 / C2SP verifier (Java, JDK only, written from the specs) pointed at
// the HTTP contract of a running server must agree with every proof and checkpoint it serves.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { createContext, type Context } from '../../server/context.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';
import { ChainedEntries } from '../helpers/entries.js';

const run = promisify(execFile);
// Compiled once for the file (javac costs ~7 s of CPU a run when java launches the source);
// C1 only and the serial collector suit a short run of one thread.
let classes: string;
beforeAll(async () => {
  classes = mkdtempSync(join(tmpdir(), 'hz-interop-'));
  await run('javac', ['-d', classes, 'tests/interop/VerifyLog.java'], { timeout: 120_000 });
}, 150_000);
afterAll(() => rmSync(classes, { recursive: true, force: true }));
const verifyLog = (url: string) =>
  run('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', classes, 'VerifyLog', url], { timeout: 240_000, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }),
  );

describe.each(DRIVERS)('independent verifier against a live server on %s', (driver) => {
  let place: TestPlace;
  let ctx: Context;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    place = await testPlace(driver);
    ctx = await createContext(place.config({ seed: true, maxBatch: 50 }));
    await ctx.sequencer.idle();
    const gen = new ChainedEntries(25);
    for (let round = 0; round < 8; round++) await Promise.all(gen.take(37).map((e) => ctx.sequencer.append(e)));
    app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await place?.dispose();
  });

  it('agrees with every checkpoint and proof the server serves', async () => {
    const result = await verifyLog(url);
    expect(result.out).not.toMatch(/^FAIL/m);
    expect(result.code, result.out).toBe(0);
  });

  it('disagrees when the server serves a checkpoint that was tampered with', async () => {
    const [row] = await ctx.db.sql.query<{ size: unknown; note: string }>('SELECT size, note FROM ledger_checkpoints WHERE size > 0 ORDER BY size LIMIT 1');
    const lines = row.note.split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    await ctx.db.sql.query('ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER');
    await ctx.db.sql.query('UPDATE ledger_checkpoints SET note = $1 WHERE size = $2', [lines.join('\n'), row.size]);
    const result = await verifyLog(url);
    expect(result.code, result.out).toBe(1);
    expect(result.out).toMatch(/^FAIL/m);
  });
});
