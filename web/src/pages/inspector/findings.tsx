// Live findings: the open findings of the inspector's region, updated over the /live websocket as
// findings are raised or resolved, and the problems the public reported from drums' QR pages.
import { useState } from 'preact/hooks';
import { Loading, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { inspections } from './api.ts';
import { useLive } from './live.ts';
import { ResolveForm } from './resolve-form.tsx';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

export function FindingsPage() {
  const reg = useLoad(loadRegistry);
  const findings = useLoad(inspections.openFindings);
  const reports = useLoad(inspections.reports);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const live = useLive((m) => {
    if (m.type === 'finding.raised' || m.type === 'finding.resolved') {
      const id = m.entry?.data?.findingId;
      if (typeof id === 'string') setFresh((s) => new Set(s).add(id));
      findings.reload();
    }
    if (m.type === 'public.report') reports.reload();
  });

  const sorted = [...(findings.data ?? [])].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.raisedAt.localeCompare(a.raisedAt),
  );
  return (
    <section>
      <h1>{t('insp.findings.title')}</h1>
      <p class={`live-state live-${live}`} data-live={live}>
        {t(`insp.live.${live}`)}
      </p>
      <Loading when={findings.loading && !findings.data} />
      <ProblemBox error={findings.error} />
      {findings.data && sorted.length === 0 && <p class="muted">{t('insp.findings.none')}</p>}
      {sorted.length > 0 && (
        <table class="findings">
          <thead>
            <tr>
              <th>{t('insp.col.severity')}</th>
              <th>{t('insp.col.code')}</th>
              <th>{t('insp.col.detail')}</th>
              <th>{t('insp.col.orgs')}</th>
              <th>{t('insp.col.subject')}</th>
              <th>{t('insp.col.evidence')}</th>
              <th>{t('insp.col.raised')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((f) => (
              <tr key={f.id} data-finding={f.id} data-code={f.code} data-manifest={f.subjects.manifest ?? ''} class={fresh.has(f.id) ? 'fresh' : ''}>
                <td>
                  <span class={`badge sev-${f.severity}`}>{tMaybe(`insp.sev.${f.severity}`, f.severity)}</span>
                </td>
                <td class="mono">{f.code}</td>
                <td>
                  {tMaybe(`insp.code.${f.code}`, f.code)}
                  <div class="muted small">{f.detail}</div>
                </td>
                <td>{f.orgIds.map((o) => orgName(reg.data, o)).join('、')}</td>
                <td>
                  {f.subjects.manifest && <Link href={`/inspector/manifests/${encodeURIComponent(f.subjects.manifest)}`}>{t('insp.openManifest')}</Link>}
                  {f.subjects.vehicle && <div class="mono">{f.subjects.vehicle}</div>}
                  {f.subjects.units && <div class="muted small">{t('insp.units', { n: f.subjects.units.length })}</div>}
                </td>
                <td class="mono">{f.evidence.map((i) => `#${i}`).join(' ')}</td>
                <td>
                  {fmtDateTime(f.raisedAt)}
                  <ResolveForm findingId={f.id} onDone={findings.reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('insp.reports.title')}</h2>
      <ProblemBox error={reports.error} />
      {reports.data && reports.data.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {reports.data && reports.data.length > 0 && (
        <table class="reports">
          <tbody>
            {reports.data.map((r) => (
              <tr key={r.id} data-report={r.id}>
                <td>{fmtDateTime(r.receivedAt)}</td>
                <td>{tMaybe(`pub.cat.${r.category}`, r.category)}</td>
                <td class="mono">{r.grai}</td>
                <td>{orgName(reg.data, r.producerOrgId)}</td>
                <td>
                  {r.message}
                  {r.contact && <div class="muted small">{r.contact}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
