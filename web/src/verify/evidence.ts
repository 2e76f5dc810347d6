// An evidence bundle checked in the browser by the same ledger/ code as `hazledger verify-bundle`,
// reported as the verifier's checks (one per break code it knows), each passed or broken.
import { fromBase64, fromUtf8, verifyEvidence, type EvidenceBreak, type EvidenceBreakCode, type EvidenceBundle, type EvidenceReport } from '../../../ledger/index.ts';

// Every break code of ledger/evidence.ts, in the order verifyEvidence checks: `satisfies` fails
// the build when the verifier gains a code this page does not show.
const IN_ORDER = {
  BUNDLE_MALFORMED: 1, VKEY_NOT_TRUSTED: 2, CHECKPOINT_INVALID: 3, ENTRY_NOT_INCLUDED: 4, ENTRY_MALFORMED: 5, ENTRY_ORDER: 6, CHAIN_BROKEN: 7, CHAIN_INCOMPLETE: 8,
} satisfies Record<EvidenceBreakCode, number>;

/** The checks verifyEvidence makes, one per break code it can raise. */
export const EVIDENCE_CHECKS = Object.keys(IN_ORDER) as EvidenceBreakCode[];

export interface CheckResult {
  code: EvidenceBreakCode;
  breaks: EvidenceBreak[];
}

export interface Verification {
  report: EvidenceReport;
  checks: CheckResult[];
  /** Milliseconds the verifier itself took (not the download). */
  ms: number;
}

export function verifyBundle(bundle: unknown, trustedVkey: string): Verification {
  const started = performance.now();
  const report = verifyEvidence(bundle, trustedVkey);
  const ms = performance.now() - started;
  const checks = EVIDENCE_CHECKS.map((code) => ({ code, breaks: report.breaks.filter((b) => b.code === code) }));
  return { report, checks, ms };
}

/** What the timeline shows of an entry (the envelope's public fields); undefined when unreadable. */
export interface TimelineEntry {
  index: number;
  type: string;
  at: string;
  by: { org?: string; role?: string; person?: string; device?: string };
  unit?: string;
  manifest?: string;
  /** The manifest step a `manifest.signed` entry records (sign, pick_up, hand_over). */
  step?: string;
  /** Units a pickup or handover left behind. */
  missing: number;
}

export function timelineOf(bundle: EvidenceBundle): (TimelineEntry | { index: number; unreadable: true })[] {
  return (Array.isArray(bundle?.entries) ? bundle.entries : []).map((e) => {
    try {
      const env = JSON.parse(fromUtf8(fromBase64(e.body))) as Omit<TimelineEntry, 'index' | 'step' | 'missing'> & { data?: { step?: unknown; missing?: unknown } };
      const step = typeof env.data?.step === 'string' ? env.data.step : undefined;
      const missing = Array.isArray(env.data?.missing) ? env.data.missing.length : 0;
      return { index: e.index, type: String(env.type), at: String(env.at), by: env.by ?? {}, unit: env.unit, manifest: env.manifest, step, missing };
    } catch {
      return { index: e.index, unreadable: true as const };
    }
  });
}
