// The organisation's transfer manifests: state, parties, who acts next; sign a draft here.
import { useState } from 'preact/hooks';
import { manifests } from '../../api.ts';
import { ManifestTable, orgColumn } from '../../components/manifest-table.tsx';
import { Listing } from '../../components/table.tsx';
import { Notice } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, t } from '../../i18n/index.ts';
import { loadRegistry } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { Legs, mySignature, NextTurns, SignButton } from './manifest-parts.tsx';

export function ManifestsPage() {
  const reg = useLoad(loadRegistry);
  const list = useLoad(() => manifests.list());
  const [notice, setNotice] = useState('');

  return (
    <section>
      <h1>{t('man.title')}</h1>
      <div class="toolbar">
        <Link href="/producer/manifests/new" class="button primary">
          {t('man.new')}
        </Link>
        <button type="button" onClick={list.reload}>
          {t('app.refresh')}
        </button>
      </div>
      <Notice>{notice}</Notice>
      <Listing load={list} items={list.data}>
        {(rows) => (
          <ManifestTable
            manifests={rows}
            columns={[orgColumn(t('man.receiver'), reg.data, (m) => m.receiverOrgId), { head: t('man.legs'), cell: (m) => <Legs legs={m.legs} reg={reg.data} /> }]}
            more={[
              { head: t('man.created'), cell: (m) => fmtDateTime(m.createdAt) },
              {
                head: t('man.next'),
                cell: (m) =>
                  mySignature(m) ? (
                    <SignButton
                      manifest={m}
                      label={t('man.sign')}
                      onDone={(r) => {
                        setNotice(t('man.signed', { number: r.manifest.number }));
                        list.reload();
                      }}
                    />
                  ) : (
                    <NextTurns next={m.next} reg={reg.data} />
                  ),
              },
            ]}
          />
        )}
      </Listing>
    </section>
  );
}
