// SIGKILL while appends are in flight: every acknowledged append survives, the log verifies,
// and appending continues on the same data directory / database.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { leafHash, parseVkey, toHex } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { LedgerReader } from '../../ledger/store/reader.js';
import { Sequencer } from '../../ledger/store/sequencer.js';
import { createContext } from '../../server/context.js';
import { DRIVERS, placeEnv, testPlace, type TestPlace } from '../helpers/databases.js';
import { ChainedEntries } from '../helpers/entries.js';

/** Run the appender until it has `acks` acknowledgements, then SIGKILL it mid-flight. */
async function appendThenKill(place: TestPlace, acks: number): Promise<Map<number, string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/append-forever.ts'], {
    env: placeEnv(place),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const acked = new Map<number, string>();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout })) {
    const m = /^ACK (\d+) ([0-9a-f]{64})$/.exec(line);
    if (m) acked.set(Number(m[1]), m[2]);
    if (acked.size >= acks && child.exitCode === null) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`appender exited on its own (${signal}): ${stderr}`);
  return acked;
}

describe.each(DRIVERS)('crash safety on %s', (driver) => {
  let place: TestPlace;
  afterAll(() => place?.dispose());

  it('keeps every acknowledged append across SIGKILL and carries on', async () => {
    place = await testPlace(driver);
    let acked = await appendThenKill(place, 400);
    // A second crash on top of the recovered log.
    const second = await appendThenKill(place, 300);
    acked = new Map([...acked, ...second]);

    const ctx = await createContext(place.config());
    try {
      const reader = new LedgerReader(ctx.db.sql);
      const head = await reader.head();
      expect(head.size).toBeGreaterThanOrEqual(700);
      for (const [index, hex] of acked) {
        const body = await reader.entry(index);
        expect(body, `acknowledged entry ${index}`).toBeDefined();
        expect(toHex(leafHash(body!))).toBe(hex);
      }
      const report = await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey));
      expect(report.breaks).toEqual([]);
      expect(report.entries).toBe(head.size);

      const seq = new Sequencer(ctx.db.sql, ctx.key.signer);
      const next = await seq.append(new ChainedEntries(1, 999_999).next());
      expect(next.index).toBe(head.size);
      await seq.close();
    } finally {
      await ctx.close();
    }
  });
});
