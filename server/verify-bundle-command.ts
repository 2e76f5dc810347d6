// `hazledger verify-bundle FILE [--vkey=VKEY] [--witness=VKEY …] [--quorum=K]`: an evidence bundle
// checked offline, break by break; with witness keys, its checkpoint must also carry cosignatures
// of at least K of them (default: all named), so one need not trust the log's server alone.
import { readFileSync } from 'node:fs';
import { toBase64, verifyEvidence, verifyWitnessedEvidence, witnessPolicy, type EvidenceReport } from '../ledger/index.js';

export async function verifyBundleCommand(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  const vkey = args.find((a) => a.startsWith('--vkey='))?.slice('--vkey='.length);
  const witnesses = args.filter((a) => a.startsWith('--witness=')).map((a) => a.slice('--witness='.length));
  const quorumArg = args.find((a) => a.startsWith('--quorum='))?.slice('--quorum='.length);
  if (!file || (witnesses.length > 0 && !vkey)) {
    console.error('usage: hazledger verify-bundle FILE [--vkey=VKEY] [--witness=VKEY …] [--quorum=K]  (witnesses need --vkey)');
    return 2;
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  let report: EvidenceReport;
  try {
    report = witnesses.length > 0
      ? verifyWitnessedEvidence(bundle, witnessPolicy({ log: vkey!, witnesses, quorum: quorumArg === undefined ? witnesses.length : Number(quorumArg) }))
      : verifyEvidence(bundle, vkey);
  } catch (e) {
    console.error(`bad policy: ${(e as Error).message}`);
    return 2;
  }
  for (const b of report.breaks) console.log(`#${b.index} ${b.code} — ${b.detail}`);
  const cp = report.checkpoint;
  const against = cp ? `checkpoint ${cp.origin} at size ${cp.size} (root ${toBase64(cp.root)})` : 'no valid checkpoint';
  if (!vkey) console.log('note: no --vkey given: the bundle was checked against its own key; pass the log key you trust');
  console.log(report.breaks.length === 0 ? `OK: ${report.entries} entries proven against ${against}` : `FAILED: ${report.breaks.length} break(s) in ${report.entries} entries; ${against}`);
  return report.breaks.length === 0 ? 0 : 1;
}
