// `hazledger witness`: a C2SP tlog-witness for the configured logs, with its own key and state
// in its own directory (HAZLEDGER_WITNESS_DIR), listening on HAZLEDGER_WITNESS_PORT.
import { mkdirSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { parseVkey, type NoteVerifier } from '../../ledger/index.js';
import type { WitnessConfig } from '../config.js';
import { lockDataDir } from '../db/lock.js';
import { buildWitnessApp } from './app.js';
import { loadWitnessKey } from './keys.js';
import { WitnessState } from './state.js';
import { Witness, type WitnessOptions } from './witness.js';

/** The trusted log keys by origin, from `origin=vkey` pairs. */
export function logKeysByOrigin(logs: readonly { origin: string; vkey: string }[]): Map<string, NoteVerifier[]> {
  const out = new Map<string, NoteVerifier[]>();
  for (const { origin, vkey } of logs) out.set(origin, [...(out.get(origin) ?? []), parseVkey(vkey)]);
  return out;
}

/** Open the witness of a configuration: the lock on its directory, its key and its state. */
export async function openWitness(config: WitnessConfig, log?: WitnessOptions['log']) {
  mkdirSync(config.dir, { recursive: true });
  const release = lockDataDir(config.dir);
  try {
    const key = loadWitnessKey({ name: config.name, dir: config.dir, configured: config.key });
    const state = await WitnessState.open(config.dir);
    const witness = new Witness({ state, cosigner: key.cosigner, logs: logKeysByOrigin(config.logs), log });
    return { witness, key, state, release };
  } catch (e) {
    release();
    throw e;
  }
}

export async function witnessCommand(config: WitnessConfig): Promise<number> {
  let logger: FastifyBaseLogger | undefined;
  const { witness, key, state, release } = await openWitness(config, (level, message) => logger?.[level](message));
  const app = await buildWitnessApp(witness, { logger: { level: config.logLevel } });
  logger = app.log;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  for (const origin of new Set(config.logs.map((l) => l.origin))) {
    const held = state.latest(origin);
    app.log.info(`log ${origin}: ${held ? `cosigned up to size ${held.size}` : 'nothing cosigned yet'}`);
  }
  app.log.info(`witness ${witness.name} ready in ${config.dir}; its vkey: ${key.vkey}`);
  return 0;
}
