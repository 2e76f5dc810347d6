// `hazledger export` runs in a worker thread with a small heap budget, started by bin/hazledger.mjs
// before anything else is loaded (no tsx in the main thread: 30 MB less). A streaming export keeps
// little alive (one window of the log, ~30 MB at most) but allocates fast; left to its defaults
// V8 lets the heap fill with garbage to 100 MB and more before collecting it, and never gives the
// RSS back. With a young generation of 4 MB and an old one capped at 96 MB it collects early: an
// XLSX export of 400k entries peaks at ~130 MB RSS instead of 190–220 (bench --suites=exports).
// The RSS the export reports is the process's, both threads.
import { Worker } from 'node:worker_threads';

const HEAP_BUDGET = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 };

/** @param {string[]} args what follows `export`; resolves to the exit code. */
export function exportInWorker(args) {
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { args, stderrIsTTY: process.stderr.isTTY === true },
    resourceLimits: HEAP_BUDGET,
  });
  return new Promise((resolve) => {
    let code = 1;
    worker.on('message', (c) => (code = c));
    worker.on('error', (e) => {
      const budget = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (the export's heap budget is ${HEAP_BUDGET.maxOldGenerationSizeMb} MB; its output is left as FILE.partial)` : '';
      console.error(`hazledger export: ${e.message}${budget}`);
    });
    worker.on('exit', () => resolve(code));
  });
}
