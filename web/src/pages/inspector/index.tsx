// The inspector's pages: live findings (and public reports), manifests and their verified chains,
// the risk ranking and the pick list.
import { t } from '../../i18n/index.ts';
import { RoleTabs } from '../../components/tabs.tsx';
import { FindingsPage } from './findings.tsx';
import { ManifestPage } from './manifest.tsx';
import { ManifestsPage } from './manifests.tsx';
import { RiskPage } from './risk.tsx';

const TABS = [
  ['/inspector', 'nav.inspector.findings'],
  ['/inspector/manifests', 'nav.inspector.manifests'],
  ['/inspector/risk', 'nav.inspector.risk'],
] as const;

function page(path: string) {
  const one = /^\/inspector\/manifests\/([^/]+)$/.exec(path);
  if (one) return <ManifestPage id={decodeURIComponent(one[1])} />;
  switch (path.replace(/\/+$/, '')) {
    case '/inspector':
      return <FindingsPage />;
    case '/inspector/manifests':
      return <ManifestsPage />;
    case '/inspector/risk':
      return <RiskPage />;
    default:
      return <p>{t('app.notFound')}</p>;
  }
}

export function InspectorPages({ path }: { path: string }) {
  return (
    <>
      <RoleTabs tabs={TABS} path={path} />
      {page(path)}
    </>
  );
}
