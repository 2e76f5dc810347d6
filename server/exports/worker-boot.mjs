// The export's thread (in-worker.ts). Worker threads do not inherit the main thread's tsx loader:
// register it, then run the export and post its exit code.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// A worker's stderr is a pipe to the main thread: say whether the real one is a terminal, so
// progress is one line redrawn there as in the main thread.
if (workerData.stderrIsTTY) Object.defineProperty(process.stderr, 'isTTY', { value: true });
const { loadConfig } = await import('../config.ts');
const { exportCommand } = await import('../export-command.ts');
parentPort.postMessage(await exportCommand(loadConfig(), workerData.args));
