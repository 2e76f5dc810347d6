// `npm run demo:live`: the demo server with live devices. Starts `hazledger start` (the demo park
// seeds itself on a first start), waits until it answers, then runs simulated days against it one
// after another — each with the next seed — until SIGINT/SIGTERM, which stops the day, its
// devices and gateway, and the server. Arguments are simulate's; by default 4 manifests × 6
// drums at ×60 with every fault planted, so findings appear as the day goes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/config.js';
import { sleep } from './clock.js';
import { SIMULATE_USAGE, simulateOptions } from './main.js';
import { simulate } from './runner.js';
import { printSummary } from './summary.js';

const BIN = fileURLToPath(new URL('../../bin/hazledger.mjs', import.meta.url));
const DEFAULTS = ['--manifests', '4', '--units-per-manifest', '6', '--speed', '60', '--fault', 'all'];

async function main(argv: string[]): Promise<number> {
  const log = (l: string) => console.error(l);
  let options;
  try {
    options = simulateOptions(argv.length ? argv : DEFAULTS, loadConfig().port || 8080, log);
  } catch (e) {
    console.error(`demo:live: ${(e as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  const abort = new AbortController();
  const server = spawn(process.execPath, [BIN, 'start'], { stdio: 'inherit' });
  const serverGone = new Promise<void>((r) => server.once('exit', () => r()));
  server.once('exit', (code) => {
    if (!abort.signal.aborted) log(`demo:live: the server exited (${code}); stopping`);
    abort.abort();
  });
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    log(`demo:live: waiting for the server at ${options.server} (the first start seeds the demo park)`);
    for (;;) {
      const up = await fetch(`${options.server}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      await sleep(500, abort.signal);
    }
    for (let day = 0; !abort.signal.aborted; day++) {
      const summary = await simulate({ ...options, seed: (options.seed + day) >>> 0, signal: abort.signal });
      printSummary(summary, log);
    }
  } catch (e) {
    if (!abort.signal.aborted) log(`demo:live: ${(e as Error).message}`);
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
    await serverGone;
  }
  return abort.signal.aborted ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
