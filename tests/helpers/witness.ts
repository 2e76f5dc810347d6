// A real `hazledger witness` on loopback for the tests, trusting one log key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWitnessConfig } from '../../server/config.js';
import { buildWitnessApp } from '../../server/witness/app.js';
import { openWitness } from '../../server/witness/main.js';

export interface RunningWitness {
  url: string;
  vkey: string;
  close(): Promise<void>;
}

export async function startWitness(name: string, logVkey: string): Promise<RunningWitness> {
  const dir = mkdtempSync(join(tmpdir(), 'hz-w-'));
  const opened = await openWitness(loadWitnessConfig({ HAZLEDGER_WITNESS_DIR: dir, HAZLEDGER_WITNESS_NAME: name, HAZLEDGER_WITNESS_LOGS: logVkey }));
  const app = await buildWitnessApp(opened.witness);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    vkey: opened.key.vkey,
    async close() {
      await app.close();
      opened.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

