// The operator's pages: incoming trucks at the gate, receiving a manifest, treatment.
import { t } from '../../i18n/index.ts';
import { RoleTabs } from '../../components/tabs.tsx';
import { IncomingPage } from './incoming.tsx';
import { ReceivePage } from './receive.tsx';
import { TreatmentPage } from './treatment.tsx';

const TABS = [
  ['/operator', 'nav.operator.incoming'],
  ['/operator/treatment', 'nav.operator.treatment'],
] as const;

function page(path: string) {
  const receive = /^\/operator\/receive\/([^/]+)$/.exec(path);
  if (receive) return <ReceivePage id={decodeURIComponent(receive[1])} />;
  switch (path.replace(/\/+$/, '')) {
    case '/operator':
      return <IncomingPage />;
    case '/operator/treatment':
      return <TreatmentPage />;
    default:
      return <p>{t('app.notFound')}</p>;
  }
}

export function OperatorPages({ path }: { path: string }) {
  return (
    <>
      <RoleTabs tabs={TABS} path={path} homeAlso={['/operator/receive']} />
      {page(path)}
    </>
  );
}
