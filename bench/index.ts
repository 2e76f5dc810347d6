// `npm run bench`: the figures of DESIGN.md §8 for the ledger, each printed next to a baseline
// measured in the same run. Options: --drivers=postgres,pglite --suites=ledger,custody,manifests,devices[,exports,park]
// --size=N --pglite-size=N --commands=N --manifests=N --manifest-clients=K --frames=N --chunk=BYTES
// --gateway-rate=N[,N…] --gateway-seconds=S --gateway-units=N --park-seconds=S --park-clients=K --park-manifests=N --quick
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDatabaseUrl } from '../server/config.js';
import { openDatabase, type Database } from '../server/db/open.js';
import { createPgDatabase } from '../tests/helpers/databases.js';
import { runCodecBench } from './codec-bench.js';
import { runCustodyBench } from './custody-bench.js';
import { runExportBench } from './export-bench.js';
import { runGatewayBench } from './gateway-bench.js';
import { runLedgerBench } from './ledger-bench.js';
import { runManifestBench } from './manifest-bench.js';
import { PARK_UNITS, runParkLoadBench } from './park-load.js';

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const freshPostgres = (admin: string) => createPgDatabase(admin, 'hazledger_bench');

async function main() {
  const quick = process.argv.includes('--quick');
  const drivers = arg('drivers', 'postgres,pglite').split(',');
  const size = Number(arg('size', quick ? '100000' : '1000000'));
  const pgliteSize = Number(arg('pglite-size', quick ? '20000' : '100000'));
  const suites = arg('suites', 'ledger,custody,manifests,devices').split(',');
  const commands = Number(arg('commands', quick ? '2000' : '6000'));
  const manifests = Number(arg('manifests', quick ? '16' : '64'));
  const manifestClients = Number(arg('manifest-clients', '8'));
  const frames = Number(arg('frames', quick ? '20000' : '100000'));
  const chunk = Number(arg('chunk', '64'));
  const gatewayRates = arg('gateway-rate', '50,200').split(',').map(Number);
  const gatewaySeconds = Number(arg('gateway-seconds', quick ? '3' : '10'));
  const gatewayUnits = Number(arg('gateway-units', '100'));
  const parkSeconds = Number(arg('park-seconds', quick ? '60' : '300'));
  const parkClients = Number(arg('park-clients', '64'));
  const parkManifests = Number(arg('park-manifests', quick ? '4' : '16'));
  console.log(`hazledger bench — node ${process.version}, ${createHash('sha256').update(String(Date.now())).digest('hex').slice(0, 8)}`);
  if (suites.includes('devices')) {
    // The codecs need no database: once, before the drivers.
    console.log(`\n== device codecs: ${frames.toLocaleString()} frames each in ${chunk}-byte chunks`);
    runCodecBench({ frames, chunk });
  }
  for (const driver of drivers) {
    if (suites.includes('ledger')) {
      let db: Database;
      let drop = async () => {};
      if (driver === 'postgres') {
        const admin = benchDatabaseUrl();
        const fresh = await freshPostgres(admin);
        drop = fresh.drop;
        db = await openDatabase({ url: fresh.url, poolSize: 16 });
        console.log(`\n== PostgreSQL (${new URL(admin).host}), log of ${size.toLocaleString()} entries`);
      } else {
        // On disk, as `npm start` runs it.
        const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-'));
        drop = async () => rmSync(dir, { recursive: true, force: true });
        db = await openDatabase({ dataDir: dir });
        console.log(`\n== PGlite (on disk in ${dir}, for the record), log of ${pgliteSize.toLocaleString()} entries`);
      }
      try {
        await runLedgerBench(db, { size: driver === 'postgres' ? size : pgliteSize, driver });
      } finally {
        await db.close();
        await drop();
      }
    }
    if (suites.includes('custody')) {
      console.log(`\n== custody commands over HTTP on ${driver}`);
      const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-custody-'));
      const fresh = driver === 'postgres' ? await freshPostgres(benchDatabaseUrl()) : undefined;
      try {
        await runCustodyBench({ databaseUrl: fresh?.url, dataDir: dir, requests: commands, driver });
      } finally {
        await fresh?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (suites.includes('manifests')) {
      console.log(`\n== full manifests over HTTP on ${driver}: ${manifests} manifests of 40 units, ${manifestClients} at a time`);
      const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-manifests-'));
      const fresh = driver === 'postgres' ? await freshPostgres(benchDatabaseUrl()) : undefined;
      try {
        await runManifestBench({ databaseUrl: fresh?.url, dataDir: dir, manifests, clients: manifestClients, healthz: quick ? 5000 : 20000, driver });
      } finally {
        await fresh?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (suites.includes('exports')) {
      // Not in the default suites: it fills a log of its own (--size / --pglite-size entries).
      const n = driver === 'postgres' ? size : pgliteSize;
      console.log(`\n== exports on ${driver}: hazledger export of a ${n.toLocaleString()}-entry log, as a child process`);
      const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-exports-'));
      const fresh = driver === 'postgres' ? await freshPostgres(benchDatabaseUrl()) : undefined;
      try {
        await runExportBench({ driver, size: n, databaseUrl: fresh?.url, dataDir: join(dir, 'data'), outDir: dir });
      } finally {
        await fresh?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (suites.includes('devices')) {
      console.log(`\n== readings through the gateway on ${driver}: ${gatewayRates.join(' and ')} readings/s, ${gatewaySeconds} s each, over ${gatewayUnits} tagged drums`);
      const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-gateway-data-'));
      const fresh = driver === 'postgres' ? await freshPostgres(benchDatabaseUrl()) : undefined;
      try {
        await runGatewayBench({ databaseUrl: fresh?.url, dataDir: dir, driver, rates: gatewayRates, seconds: gatewaySeconds, units: gatewayUnits, healthz: quick ? 500 : 2000 });
      } finally {
        await fresh?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (suites.includes('park') && driver === 'postgres') {
      // Not in the default suites: the simulator's 10× day and 64 API clients (issue 9), PostgreSQL only.
      console.log(`\n== the park under load on ${driver}: ${parkManifests} manifests × ${PARK_UNITS} drums through the simulator, ${parkClients} API clients for ${parkSeconds} s`);
      const dir = mkdtempSync(join(tmpdir(), 'hazledger-bench-park-'));
      const fresh = await freshPostgres(benchDatabaseUrl());
      try {
        await runParkLoadBench({ databaseUrl: fresh.url, dataDir: dir, driver, seconds: parkSeconds, connections: parkClients, manifests: parkManifests });
      } finally {
        await fresh.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

await main();
