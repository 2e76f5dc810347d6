// `hazledger verify-bundle FILE [--vkey=VKEY]`: an evidence bundle checked offline, break by break.
import { readFileSync } from 'node:fs';
import { toBase64, verifyEvidence } from '../ledger/index.js';

export async function verifyBundleCommand(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  const vkey = args.find((a) => a.startsWith('--vkey='))?.slice('--vkey='.length);
  if (!file) {
    console.error('usage: hazledger verify-bundle FILE [--vkey=VKEY]');
    return 2;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const report = verifyEvidence(bundle, vkey);
  for (const b of report.breaks) console.log(`#${b.index} ${b.code} — ${b.detail}`);
  const cp = report.checkpoint;
  const against = cp ? `checkpoint ${cp.origin} at size ${cp.size} (root ${toBase64(cp.root)})` : 'no valid checkpoint';
  if (!vkey) console.log('note: no --vkey given: the bundle was checked against its own key; pass the log key you trust');
  console.log(report.breaks.length === 0 ? `OK: ${report.entries} entries proven against ${against}` : `FAILED: ${report.breaks.length} break(s) in ${report.entries} entries; ${against}`);
  return report.breaks.length === 0 ? 0 : 1;
}
