// The admin's pages: device health and key enrolment, people and their logins, and the park registry.
import { t } from '../../i18n/index.ts';
import { RoleTabs } from '../../components/tabs.tsx';
import { DevicesPage } from './devices.tsx';
import { PeoplePage } from './people.tsx';
import { RegistryPage } from './registry.tsx';

const TABS = [
  ['/admin', 'nav.admin.devices'],
  ['/admin/people', 'nav.admin.people'],
  ['/admin/registry', 'nav.admin.registry'],
] as const;

function page(path: string) {
  switch (path.replace(/\/+$/, '')) {
    case '/admin':
      return <DevicesPage />;
    case '/admin/people':
      return <PeoplePage />;
    case '/admin/registry':
      return <RegistryPage />;
    default:
      return <p>{t('app.notFound')}</p>;
  }
}

export function AdminPages({ path }: { path: string }) {
  return (
    <>
      <RoleTabs tabs={TABS} path={path} />
      {page(path)}
    </>
  );
}
