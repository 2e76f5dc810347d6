// The manifests of the inspector's region, newest first; each opens its chain.
import { ManifestTable, orgColumn } from '../../components/manifest-table.tsx';
import { Listing } from '../../components/table.tsx';
import { useLoad } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';
import { loadRegistry } from '../../registry.ts';
import { inspections } from './api.ts';

export function ManifestsPage() {
  const reg = useLoad(loadRegistry);
  const list = useLoad(inspections.manifests);
  return (
    <section>
      <h1>{t('man.title')}</h1>
      <Listing load={list} items={list.data}>
        {(rows) => (
          <ManifestTable
            manifests={rows}
            href={(m) => `/inspector/manifests/${encodeURIComponent(m.id)}`}
            columns={[orgColumn(t('insp.producer'), reg.data, (m) => m.producerOrgId), orgColumn(t('man.receiver'), reg.data, (m) => m.receiverOrgId)]}
          />
        )}
      </Listing>
    </section>
  );
}
