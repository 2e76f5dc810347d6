#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step. An export runs in
// a thread of its own (server/exports/in-worker.mjs), before tsx is loaded in this one.
const [command, ...args] = process.argv.slice(2);
if (command === 'export' && !args.some((a) => a === '--help' || a === '-h')) {
  const { exportInWorker } = await import('../server/exports/in-worker.mjs');
  process.exitCode = await exportInWorker(args);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../server/cli.ts');
  process.exitCode = await run(process.argv.slice(2));
}
