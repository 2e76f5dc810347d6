// Exports of a large log (issue 8, part 5): `hazledger export` run as a child process — the raw
// log as NDJSON and a producer's management ledger as CSV and XLSX — each printing its own peak
// RSS and heap (the figure: ≤ 200 MB at 1M entries), its rate against a raw keyset SELECT scan of
// the same table measured in this run. The log is filled through the sequencer as in
// ledger-bench.ts, with the pilot park's registry first; units cycle registered → weighed →
// stored → retrieved → weighed → stored… (tests/helpers/entries.ts), ten entries each, 200 units
// at a time over 2,000 entries (a drum's steps are close together in the log, as in a park), and
// their read-side rows (which the ledger joins for the producer) are written from their
// registrations directly.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ed25519NoteSigner, randomSeed } from '../ledger/index.js';
import { initLog, Sequencer } from '../ledger/store/sequencer.js';
import type { Sql } from '../ledger/store/sql.js';
import { openDatabase } from '../server/db/open.js';
import type { ExportSummary } from '../server/exports/progress.js';
import { seedRegistry } from '../server/registry/seed.js';
import { ChainedEntries } from '../tests/helpers/entries.js';
import { closedLoop, fmt, printFigures, type Figure } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_MB = 200;

async function fill(sql: Sql, size: number): Promise<void> {
  await initLog(sql, ed25519NoteSigner('bench.hazledger.example/log', randomSeed()));
  await seedRegistry(sql);
  const seq = new Sequencer(sql, ed25519NoteSigner('bench.hazledger.example/log', randomSeed()));
  await seq.idle();
  // Drums come and go: 200 at a time, each through its ten steps within the next 2,000 entries.
  let block = new ChainedEntries(200);
  let taken = 0;
  const next = () => {
    if (taken > 0 && taken % 2000 === 0) block = new ChainedEntries(200, taken / 10);
    taken++;
    return block.next();
  };
  const [{ n }] = await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM ledger_entries');
  const started = performance.now();
  let shown = started;
  await closedLoop(size - Number(n), 64, async (i) => {
    await seq.append(next());
    if (performance.now() - shown > 15_000) {
      shown = performance.now();
      console.log(`  filling… ${fmt(i, 0)} / ${fmt(size, 0)}`);
    }
  });
  await seq.close();
  console.log(`  filled ${fmt(size, 0)} entries in ${fmt((performance.now() - started) / 1000)} s`);
  await sql.query(
    `INSERT INTO units (id, hj_code, producer_org_id, site_id, waste_code, waste_category, name, hazards, physical_form, container_type,
       volume_l, components, generation_date, state, registered_at, last_leaf_hash, entries)
     SELECT unit_id, j #>> '{data,hjCode}', j #>> '{data,producerOrgId}', j #>> '{data,siteId}', j #>> '{data,wasteCode}', j #>> '{data,wasteCategory}',
       j #>> '{data,name}', j #> '{data,hazards}', j #>> '{data,physicalForm}', j #>> '{data,containerType}', (j #>> '{data,volumeL}')::int,
       j #>> '{data,components}', (j #>> '{data,generationDate}')::date, 'stored', (j ->> 'at')::timestamptz, leaf_hash, 1
     FROM (SELECT unit_id, leaf_hash, convert_from(body, 'UTF8')::jsonb AS j FROM ledger_entries WHERE type = 'unit.registered' AND unit_id LIKE 'U-%') r
`,
  );
}

/** The baseline: every entry read in windows of 5,000 by index, as the exports read them, and nothing done with it. */
async function rawScan(sql: Sql): Promise<{ entries: number; seconds: number; mb: number }> {
  const [{ size }] = await sql.query<{ size: unknown }>('SELECT size FROM ledger_head WHERE id = 0');
  const started = performance.now();
  let bytes = 0;
  for (let from = 0; from < Number(size); from += 5000) {
    const rows = await sql.query<{ body: Uint8Array }>('SELECT idx, body FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [from, from + 5000]);
    for (const r of rows) bytes += r.body.length;
  }
  return { entries: Number(size), seconds: (performance.now() - started) / 1000, mb: bytes / 1048576 };
}

function exportChild(args: string[], env: Record<string, string>): Promise<ExportSummary> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'bin/hazledger.mjs'), 'export', ...args, '--json', '--progress-every=10000'], { env, cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`hazledger export ${args.join(' ')}: ${err.message}\n${stderr}`));
      process.stdout.write(stderr.replace(/^/gm, '  '));
      resolve(JSON.parse(stdout) as ExportSummary);
    });
  });
}

interface Place { driver: string; databaseUrl?: string; dataDir: string; outDir: string }

export async function runExportBench(opts: Place & { size: number }): Promise<void> {
  const db = await openDatabase({ url: opts.databaseUrl, dataDir: opts.databaseUrl ? undefined : opts.dataDir });
  try {
    await fill(db.sql, opts.size);
  } finally {
    await db.close();
  }
  await measureExports(opts);
}

/** The baseline scan, then each export as a child process, on a filled log. */
export async function measureExports(opts: Place): Promise<void> {
  const db = await openDatabase({ url: opts.databaseUrl, dataDir: opts.databaseUrl ? undefined : opts.dataDir });
  let scan: Awaited<ReturnType<typeof rawScan>>;
  try {
    // A freshly filled table has no statistics yet (autovacuum has not come by): without them the
    // planner takes the exports' id lookups for scans of most of the table.
    await db.sql.query('ANALYZE');
    await rawScan(db.sql); // once to warm the cache, as the exports after it find it
    scan = await rawScan(db.sql);
  } finally {
    await db.close(); // PGlite: the child needs the data directory's lock
  }
  const scanRate = scan.entries / scan.seconds;
  console.log(`  raw SELECT scan: ${fmt(scan.entries, 0)} entries (${fmt(scan.mb)} MB) in ${fmt(scan.seconds, 2)} s, ${fmt(scanRate, 0)} entries/s`);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), HAZLEDGER_DATA_DIR: opts.dataDir };
  delete env.DATABASE_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  const period = ['--from', '2026-10-01', '--to', '2026-12-31'];
  const runs: [string, string[]][] = [
    ['raw log, NDJSON', ['ledger-entries', '--out', join(opts.outDir, 'log.ndjson')]],
    ['management ledger, CSV', ['management-ledger', '--producer', 'org-hengkang', ...period, '--out', join(opts.outDir, 'ledger.csv')]],
    ['management ledger, XLSX', ['management-ledger', '--producer', 'org-hengkang', ...period, '--out', join(opts.outDir, 'ledger.xlsx')]],
  ];
  const figures: Figure[] = [];
  for (const [what, args] of runs) {
    const s = await exportChild(args, env);
    const rate = s.done / s.seconds;
    figures.push({
      what: `export ${fmt(s.done, 0)} entries: ${what}`,
      value: `${fmt(s.seconds, 1)} s, ${fmt(rate, 0)} entries/s, ${fmt(s.written, 0)} written, ${fmt(s.bytes / 1048576)} MB; peak RSS ${fmt(s.peakRssMb)} MB (${fmt(s.startRssMb)} at start), heap ${fmt(s.peakHeapMb)} MB`,
      baseline: `raw SELECT scan ${fmt(scanRate, 0)} entries/s`,
      ratio: rate / scanRate,
      goal: `peak RSS ≤ ${GOAL_MB} MB`,
      met: s.peakRssMb <= GOAL_MB,
    });
  }
  printFigures(`Figures (exports, ${opts.driver}):`, figures);
}
