// Everything a running hazledger holds: database, checkpoint key, sequencer and reader.
// Built once by main.ts (or a test), handed to the app, closed on shutdown.
import { LedgerReader } from '../ledger/store/reader.js';
import { initLog, LogRollbackError, Sequencer, SigningRefusedError, type BatchReport } from '../ledger/store/sequencer.js';
import { LATEST_CHECKPOINT_FILE, LatestCheckpointFile } from './latest-checkpoint.js';
import type { Config } from './config.js';
import type { Database } from './db/open.js';
import { openAsWriter } from './db/writer-lock.js';
import { loadCheckpointKey, type CheckpointKey } from './keys.js';
import { seedRegistry } from './registry/seed.js';
import { loadJwtSecret, Tokens } from './auth/tokens.js';
import type { CustodyContext } from './custody/context.js';
import type { NewFinding } from './findings/codes.js';
import { LiveHub } from './live.js';
import { FindingEngine } from './findings/engine.js';
import { WebhookDispatcher } from './alerts/dispatcher.js';
import { Witnessing } from './witness-client/witnessing.js';
import { WitnessConflictError } from './witness-client/errors.js';
import { rollbackFinding, witnessConflictFinding } from './findings/witness-findings.js';
import { buildPlan } from './demo/plan.js';
import { registryTime, seedDemoHistory } from './demo/seed-history.js';
import { UnboundTags } from './readings/unbound-tags.js';

export interface Context {
  config: Config;
  db: Database;
  key: CheckpointKey;
  sequencer: Sequencer;
  reader: LedgerReader;
  tokens: Tokens;
  custody: CustodyContext;
  live: LiveHub;
  /** The finding rules, when on (HAZLEDGER_FINDINGS). */
  findings?: FindingEngine;
  webhooks: WebhookDispatcher;
  /** Submits each new checkpoint to the configured witnesses (HAZLEDGER_WITNESSES). */
  witnessing: Witnessing;
  close(): Promise<void>;
}

export interface ContextHooks {
  onBatch?: (r: BatchReport) => void;
  onError?: (e: Error) => void;
  /** Progress lines of the demo history seed (HAZLEDGER_DEMO). */
  onDemo?: (message: string) => void;
  /** Each finding raised, and the engine's failures (HAZLEDGER_FINDINGS). */
  onFinding?: (message: string) => void;
}

/** How long a witness may take to answer the probe at start before sealing begins without its word. */
const WITNESS_PROBE_MS = 3_000;

/** HAZLEDGER_CRASH_IN_BATCH (reliability tests): die mid-batch, the transaction uncommitted, as a power cut would. */
function crashPoint(probability: number, size: number): void {
  if (Math.random() >= probability) return;
  process.stderr.write(`crash point: SIGKILL inside the batch sealing up to size ${size}\n`);
  process.kill(process.pid, 'SIGKILL');
}

export async function createContext(config: Config, hooks: ContextHooks = {}): Promise<Context> {
  const db = await openAsWriter({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }, 'server');
  let sequencer: Sequencer | undefined;
  let witnessing: Witnessing | undefined;
  try {
    const key = loadCheckpointKey({ origin: config.origin, dataDir: config.dataDir, configured: config.checkpointKey });
    await initLog(db.sql, key.signer);
    const live = new LiveHub(db.sql);
    const { onDemo, onFinding, ...sequencerHooks } = hooks;
    let findings: FindingEngine | undefined;
    // A finding for the regulators, about the log itself (no subject). One seen at start, before
    // the registry is seeded and the finding engine runs, waits for them.
    type AboutTheLog = (authorities: string[]) => NewFinding;
    const early: AboutTheLog[] = [];
    const raiseForAuthorities = (finding: AboutTheLog): void => {
      if (!findings) return void early.push(finding);
      void db.sql
        .query<{ id: string }>(`SELECT id FROM organisations WHERE kind = 'authority' ORDER BY id`)
        .then((rows) => findings?.raise([finding(rows.map((r) => r.id))]))
        .catch((err: Error) => console.error(`findings: ${err.message}`));
    };
    const w = (witnessing = new Witnessing({
      sql: db.sql,
      witnesses: config.witnesses,
      onError: (e) => {
        if (!(e instanceof WitnessConflictError)) return console.error(`witness ${e.witness}: ${e.message}`);
        // A split view, rollback or rewrite seen by a witness: say so, and sign nothing more that
        // the witness could not accept until it cosigns again (the right database put back).
        raiseForAuthorities((orgs) => witnessConflictFinding(e, orgs));
        sequencer?.refuse(e.witness, new SigningRefusedError(`${e.message}: refusing to sign until it cosigns this log's checkpoint again`));
      },
      onCosigned: (_name, _size, url) => sequencer?.allow(url),
    }));
    const latest = new LatestCheckpointFile(config.dataDir);
    let lastRefusal: string | undefined;
    sequencer = new Sequencer(db.writer, key.signer, {
      maxBatch: config.maxBatch,
      ...sequencerHooks,
      known: latest.read(),
      onCheckpoint: (note) => latest.save(note),
      onError: (e) => {
        // A refusal is retried every few seconds: report it once, not at every retry.
        if (e instanceof SigningRefusedError && e.message === lastRefusal) return;
        lastRefusal = e instanceof SigningRefusedError ? e.message : undefined;
        sequencerHooks.onError?.(e);
        // The database lost checkpoints the log signed: refuse to sign (the sequencer does), and say so.
        if (e instanceof LogRollbackError) raiseForAuthorities((orgs) => rollbackFinding(e, orgs, LATEST_CHECKPOINT_FILE));
      },
      inBatch: config.crashInBatch > 0 ? (size) => crashPoint(config.crashInBatch, size) : undefined,
      onSealed: (e) => {
        live.publish(e);
        findings?.kick();
        w.notify();
      },
    });
    // Before the first batch: a witness that has seen more of this log than the database holds
    // (the whole data directory restored from a backup, the log's own memory with it) stops signing.
    await w.probe(WITNESS_PROBE_MS);
    // With the demo history on, the registry is dated the day before the history begins.
    const now = new Date();
    const plan = config.demo ? buildPlan(config.demoSeed) : undefined;
    if (config.seed) await seedRegistry(db.sql, plan ? registryTime(plan, now) : now);
    sequencer.drainIntake();
    w.start();
    const tokens = new Tokens(db.sql, loadJwtSecret(config.dataDir, config.jwtSecret), { access: config.accessTtl, refresh: config.refreshTtl });
    const custody: CustodyContext = { sql: db.sql, sequencer, gs1CompanyPrefixes: config.gs1CompanyPrefixes, publicUrl: config.publicUrl, manifestNumber: config.manifestNumber, unboundTags: new UnboundTags() };
    if (plan) {
      // The registry is sealed first; the history only goes into a log that holds nothing else.
      await sequencer.idle();
      await seedDemoHistory(custody, plan, { now, log: onDemo, dataDir: config.dataDir });
    }
    const webhooks = new WebhookDispatcher(db.sql, config.webhooks, (org, notice) => live.tell(org, notice));
    webhooks.start();
    if (config.findings) {
      findings = new FindingEngine({
        sql: db.sql, sequencer, limits: config.findingLimits, vkey: key.vkey,
        onRaised: (f) => onFinding?.(`finding ${f.code}: ${f.detail}`),
        onError: (e) => onFinding?.(`findings: ${e.message}`),
        onQueued: () => webhooks.kick(),
      });
      findings.start();
      early.splice(0).forEach(raiseForAuthorities);
    }
    const seq = sequencer;
    return {
      config,
      db,
      key,
      sequencer: seq,
      tokens,
      custody,
      live,
      reader: new LedgerReader(db.sql),
      findings,
      webhooks,
      witnessing: w,
      async close() {
        await w.stop();
        await findings?.stop();
        await webhooks.stop();
        await seq.close();
        await latest.idle();
        await db.close();
      },
    };
  } catch (e) {
    await witnessing?.stop();
    await sequencer?.close();
    await db.close();
    throw e;
  }
}
