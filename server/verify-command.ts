// `hazledger verify`: the self-audit over the configured database, printed break by break.
import { parseVkey } from '../ledger/index.js';
import { auditLedger, type Break } from '../ledger/store/audit/audit.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import { openAsWriter } from './db/writer-lock.js';
import { loadCheckpointKey } from './keys.js';
import { compareReadSide, rebuildReadSide } from './custody/replay.js';

export function formatBreak(b: Break): string {
  const parts = [`#${b.index}`, b.code];
  if (b.expected !== undefined) parts.push(`expected=${b.expected}`);
  if (b.actual !== undefined) parts.push(`actual=${b.actual}`);
  if (b.detail) parts.push(`— ${b.detail}`);
  return parts.join(' ');
}

export async function verifyCommand(config: Config, args: string[]): Promise<number> {
  const json = args.includes('--json');
  const vkeyArg = args.find((a) => a.startsWith('--vkey='))?.slice('--vkey='.length);
  // The audit checks signatures against the published vkey; by default the server's own key.
  const vkey = vkeyArg ?? loadCheckpointKey({ origin: config.origin, dataDir: config.dataDir, configured: config.checkpointKey, mustExist: true }).vkey;
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    const started = performance.now();
    let lastShown = 0;
    const report = await auditLedger(db.sql, parseVkey(vkey), {
      onProgress: (done, total) => {
        if (json || !process.stderr.isTTY || performance.now() - lastShown < 250) return;
        lastShown = performance.now();
        process.stderr.write(`\rverifying… ${done}/${total} entries (${total ? Math.floor((100 * done) / total) : 100}%)`);
      },
    });
    // The read side must be what the log says it is.
    report.breaks.push(...(await compareReadSide(db.sql)));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    if (json) {
      console.log(JSON.stringify({ ...report, seconds: Number(seconds) }));
    } else {
      for (const b of report.breaks) console.log(formatBreak(b));
      const summary = `${report.entries} entries, ${report.checkpoints} checkpoints and the read side checked in ${seconds} s`;
      console.log(report.breaks.length === 0 ? `OK: ${summary}; no breaks` : `FAILED: ${report.breaks.length} break(s); ${summary}`);
    }
    return report.breaks.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

/** `hazledger rebuild`: the read side recreated from the log (accounts are kept). */
export async function rebuildCommand(config: Config): Promise<number> {
  const db = await openAsWriter({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }, 'rebuild');
  try {
    const started = performance.now();
    const { units, registry } = await rebuildReadSide(db.sql);
    console.log(`rebuilt the read side from the log: ${registry} registry changes, ${units} units, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await db.close();
  }
}
