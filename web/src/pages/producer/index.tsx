// The producer's pages: drums, registering, storage, manifests.
import { t } from '../../i18n/index.ts';
import { RoleTabs } from '../../components/tabs.tsx';
import { NewManifestPage } from './manifest-new.tsx';
import { ManifestsPage } from './manifests.tsx';
import { RegisterPage } from './register.tsx';
import { StoragePage } from './storage.tsx';
import { UnitPage } from './unit.tsx';
import { UnitsPage } from './units.tsx';

const TABS = [
  ['/producer', 'nav.units'],
  ['/producer/register', 'nav.register'],
  ['/producer/storage', 'nav.storage'],
  ['/producer/manifests', 'nav.manifests'],
] as const;

function page(path: string) {
  const unit = /^\/producer\/units\/([^/]+)$/.exec(path);
  if (unit) return <UnitPage id={decodeURIComponent(unit[1])} />;
  switch (path.replace(/\/+$/, '')) {
    case '/producer':
      return <UnitsPage />;
    case '/producer/register':
      return <RegisterPage />;
    case '/producer/storage':
      return <StoragePage />;
    case '/producer/manifests':
      return <ManifestsPage />;
    case '/producer/manifests/new':
      return <NewManifestPage />;
    default:
      return <p>{t('app.notFound')}</p>;
  }
}

export function ProducerPages({ path }: { path: string }) {
  return (
    <>
      <RoleTabs tabs={TABS} path={path} homeAlso={['/producer/units']} />
      {page(path)}
    </>
  );
}
