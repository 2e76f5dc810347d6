// The manifests of the inspector's region, newest first; each opens its chain.
import { Loading, ManifestState, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDate, t } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { inspections } from './api.ts';

export function ManifestsPage() {
  const reg = useLoad(loadRegistry);
  const list = useLoad(inspections.manifests);
  return (
    <section>
      <h1>{t('man.title')}</h1>
      <Loading when={list.loading} />
      <ProblemBox error={list.error} />
      {list.data && list.data.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <table class="manifests">
          <thead>
            <tr>
              <th>{t('man.number')}</th>
              <th>{t('man.state')}</th>
              <th>{t('insp.producer')}</th>
              <th>{t('man.receiver')}</th>
              <th class="num">{t('man.units')}</th>
              <th>{t('man.planned')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.id} data-manifest={m.id}>
                <td class="mono">
                  <Link href={`/inspector/manifests/${encodeURIComponent(m.id)}`}>{m.number}</Link>
                </td>
                <td>
                  <ManifestState state={m.state} />
                </td>
                <td>{orgName(reg.data, m.producerOrgId)}</td>
                <td>{orgName(reg.data, m.receiverOrgId)}</td>
                <td class="num">{m.unitIds.length}</td>
                <td>{fmtDate(m.plannedDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
