// The producer's pages: drums, registering, storage, manifests.
import { t } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';
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
  const active = (href: string) => (href === '/producer' ? path === href || path.startsWith('/producer/units') : path.startsWith(href));
  return (
    <>
      <nav class="tabs">
        {TABS.map(([href, key]) => (
          <Link key={href} href={href} class={active(href) ? 'active' : ''} aria-current={active(href) ? 'page' : undefined}>
            {t(key)}
          </Link>
        ))}
      </nav>
      {page(path)}
    </>
  );
}
