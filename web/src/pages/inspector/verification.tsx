// The result of verifying an evidence bundle: the verdict, each check green or red, each break.
import { t, tMaybe } from '../../i18n/index.ts';
import type { Verification } from '../../verify/evidence.ts';

/** `run` counts the verifications on this page, so a reader can tell a new result from the last. */
export function VerificationPanel({ result, run }: { result: Verification; run: number }) {
  const { report, checks, ms } = result;
  const ok = report.breaks.length === 0;
  const cp = report.checkpoint;
  return (
    <div class={`verification ${ok ? 'verified' : 'failed'}`} data-verdict={ok ? 'verified' : 'failed'} data-verify-ms={ms.toFixed(2)} data-run={run} role="status">
      <p class="verdict">
        <strong>{ok ? t('insp.verified', { n: report.entries }) : t('insp.failed', { n: report.breaks.length })}</strong>{' '}
        <span class="muted">
          {cp ? t('insp.against', { origin: cp.origin, size: cp.size }) : t('insp.noCheckpoint')} · {t('insp.took', { ms: ms.toFixed(1) })}
        </span>
      </p>
      <ul class="checks">
        {checks.map((c) => (
          <li key={c.code} data-check={c.code} data-ok={String(c.breaks.length === 0)} class={c.breaks.length === 0 ? 'check-ok' : 'check-bad'}>
            <span class="mark">{c.breaks.length === 0 ? '✓' : '✗'}</span> {tMaybe(`insp.check.${c.code}`, c.code)}
            <span class="mono muted"> {c.code}</span>
            {c.breaks.length > 0 && (
              <ul class="breaks">
                {c.breaks.map((b, i) => (
                  <li key={i}>
                    <span class="mono">{b.index >= 0 ? `#${b.index}` : t('insp.wholeBundle')}</span> {b.detail}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
